"""A real `sharewall serve` in a process of its own, for the tests of the local stack and the browser."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import deque
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


class ServeProcess:
    """`sharewall serve --port 0` in a process of its own: the real local stack, found by its printed URL."""

    def __init__(self, site_dir: Path, data_file: Path | None = None, parameters: tuple[str, ...] = (),
                 path: str | None = None, editor_repo: Path | None = None, config: Path | None = None):
        command = [str(Path(sys.executable).parent / "sharewall"), "serve", "--port", "0", "--site-dir", str(site_dir)]
        if config:  # another mkdocs.yml (its folder is the project: template.yaml, content, node_modules)
            command += ["--config", str(config)]
        # the editor's local backend only where a test asks for it, on the test's own repository
        command += ["--editor-repo", str(editor_repo)] if editor_repo else ["--no-editor-backend"]
        if data_file:
            command += ["--data", str(data_file)]
        for parameter in parameters:
            command += ["--parameter", parameter]
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        env["SHAREWALL_QUIET"] = "1"
        if path is not None:  # the programs `serve` finds (a test leaves Node out)
            env["PATH"] = path
        # accepted suggestions become branches of a repository of the test's own, not of this checkout
        self.git_dir = Path(env.get("SUGGESTIONS_GIT_DIR") or tempfile.mkdtemp(prefix="sharewall-suggestions-"))
        self._own_git_dir = "SUGGESTIONS_GIT_DIR" not in env  # removed again by stop()
        if self._own_git_dir:
            subprocess.run(["git", "init", "-q", "-b", "main", str(self.git_dir)], check=True, timeout=30)
        env["SUGGESTIONS_GIT_DIR"] = str(self.git_dir)
        # stderr to a file and stdout drained below: a full pipe nobody reads would block the server's logging
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self.errors,
                                        text=True)
        self.url = self._wait_for_url()
        self.output: deque[str] = deque(maxlen=200)  # the functions' last log lines, for a failing test to show
        threading.Thread(target=lambda: self.output.extend(self.process.stdout), daemon=True).start()

    def _wait_for_url(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            found = re.search(r"running at (http://127\.0\.0\.1:\d+/)", line or "")
            if found:
                return found.group(1)
            if not line and self.process.poll() is not None:
                break
        self.stop()
        self.errors.seek(0)
        raise RuntimeError(f"sharewall serve did not start: {self.errors.read()[-2000:]}")

    def stop(self) -> None:
        """Ctrl+C, as a developer would stop it (so --data is saved), then wait."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _CROWDS.pop(getattr(self, "url", None), None)
        if getattr(self, "_own_git_dir", False):
            shutil.rmtree(self.git_dir, ignore_errors=True)


def request(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None,
            timeout: float = 30):
    """One HTTP request to the local server; (status, headers, body bytes), error statuses included."""
    data = json.dumps(body).encode() if body is not None else None
    sent = {"content-type": "application/json", **(headers or {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=sent),
                                    timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def share(base: str, user: str, post: str = "arm-migration", network: str = "linkedin", **headers):
    """POST /api/shares as the dev employee `user`, with a fresh Idempotency-Key."""
    return request(base + "api/shares", "POST", {"post": post, "network": network, "personalised": False},
                   {"X-Sharewall-Dev-User": user, "X-Sharewall-Dev-Roles": "employee",
                    "Idempotency-Key": str(uuid.uuid4()), **headers})


def stats(base: str, **headers) -> dict:
    """GET /api/stats (as the dev user "reader" unless headers say otherwise), parsed."""
    status, _, body = request(base + "api/stats", headers=headers or {"X-Sharewall-Dev-User": "reader"})
    assert status == 200, body
    return json.loads(body)


def crowd_today(base: str, people: int = 5) -> None:
    """`people` colleagues share a post today, so today reaches the statistics' minimum group size; remembered,
    so that `keep_crowds` has them share again on a new day."""
    day = site_today(base)
    for n in range(people):
        status, _, body = share(base, f"colleague-{n}")
        assert status in (200, 201), body
    _CROWDS[base] = (people, day)


def keep_crowds() -> None:
    """A run that crosses midnight in the site's time zone starts a day nobody has shared in yet: each crowded
    stack's colleagues share again then, so no test finds its today emptier than its fixture promised."""
    for base, (people, day) in list(_CROWDS.items()):
        if site_today(base) != day:
            crowd_today(base, people)


@functools.cache
def _zone(base: str) -> ZoneInfo:
    return ZoneInfo(stats(base)["timezone"])


def site_today(base: str) -> date:
    """Today in the time zone the stack's statistics count days in."""
    return datetime.now(_zone(base)).date()


_CROWDS: dict[str, tuple[int, date]] = {}  # base URL -> (people, the day they shared on)


def served(tmp_path_factory, name: str, parameters: tuple[str, ...] = ()):
    """A fixture body: a `sharewall serve` of its own site folder (`name`) with template.yaml `parameters`,
    its base URL yielded, stopped afterwards."""
    server = ServeProcess(tmp_path_factory.mktemp(name), parameters=parameters)
    yield server.url
    server.stop()
