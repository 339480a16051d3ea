"""The editor's local backend for `sharewall serve`: Decap's `decap-server` in git mode, on a clone.

decap-server's git mode checks out branches in its working tree and commits with `git add .`, so it never
runs on the developer's checkout: it gets a clone of the project's repository at
<project>/.sharewall/editor (gitignored), made on the first start. Every start fetches the working copy's
current commit into the clone's base branch (the editor's `branch`), so the editor sees what the developer
committed; the clone's `cms/*` branches (the editor's drafts) stay. Uncommitted changes are not in it.

It listens on 127.0.0.1 only (decap-server binds every interface without BIND_HOST), on a free port, and
answers CORS only for the serve origin. It runs in a process group of its own, stopped with serve.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVER_SCRIPT = Path("node_modules", "decap-server", "dist", "index.js")
CLONE_DIR = Path(".sharewall", "editor")
API_PATH = "/api/v1"
HOST = "127.0.0.1"
START_SECONDS = 30  # how long decap-server may take to answer its first {"action": "info"}
STOP_SECONDS = 5  # after SIGTERM, before SIGKILL
PORT_ATTEMPTS = 3
LOCAL_IDENTITY = {"user.name": "Sharewall editor (local)", "user.email": "editor@sharewall.invalid"}


class EditorBackendError(Exception):
    """The local editor backend cannot run; the message is the one line to show (serve goes on without it)."""


@dataclass
class EditorBackend:
    """A running decap-server: its origin (`url`), the repository it works on and its process."""

    url: str
    repository: Path
    process: subprocess.Popen

    @property
    def api_url(self) -> str:
        """What the editor's config names as `local_backend.url`."""
        return self.url + API_PATH

    # Stops decap-server and anything it started (its process group), politely first
    def close(self) -> None:
        if self.process.poll() is not None:
            return
        _signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _git(*args: str, cwd: Path) -> str:
    """One git command in `cwd`; EditorBackendError naming the command and git's own line when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise EditorBackendError("git was not found: serving the editor without its local backend") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise EditorBackendError(f"git {' '.join(args)} in {cwd}: {last}")
    return done.stdout.strip()


def is_repository(path: Path) -> bool:
    """Whether `path` is the top of a git working tree."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True,
                              timeout=30)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return done.returncode == 0 and Path(done.stdout.strip()).resolve() == path.resolve()


def editor_clone(project: Path, branch: str = "main") -> Path:
    """<project>/.sharewall/editor: a clone of the project's repository whose `branch` is the working copy's
    current commit (made on the first call, updated on every later one; other branches kept)."""
    clone = project / CLONE_DIR
    if not (clone / ".git").is_dir():
        clone.parent.mkdir(parents=True, exist_ok=True)
        _git("clone", "--quiet", "--no-checkout", str(project), str(clone), cwd=project)
    # a decap-server stopped mid-request may have left another branch checked out or files changed:
    # the base branch is reset to the working copy's commit, with a clean tree
    _git("fetch", "--quiet", str(project), "HEAD", cwd=clone)
    _git("checkout", "--quiet", "--force", "-B", branch, "FETCH_HEAD", cwd=clone)
    _git("clean", "--quiet", "-fd", cwd=clone)
    for key, value in LOCAL_IDENTITY.items():  # decap-server commits: a machine without a git identity needs one
        if subprocess.run(["git", "config", key], cwd=clone, capture_output=True).returncode != 0:
            _git("config", key, value, cwd=clone)
    return clone


def free_port(host: str = HOST) -> int:
    """A port nobody listens on now, for decap-server (which cannot report the one the system picked)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def info(url: str, timeout: float = 2) -> dict:
    """decap-server's answer to {"action": "info"} (repo, publish modes, type)."""
    request = urllib.request.Request(url + API_PATH, data=json.dumps({"action": "info"}).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def start_editor_backend(project: Path, origin: str, node: str | None, *, repository: Path | None = None,
                         branch: str = "main") -> EditorBackend:
    """decap-server in git mode on `repository` (default: the project's editor clone), answering CORS for
    `origin` (the serve origin), once it answers. EditorBackendError with one line when it cannot run."""
    script = project / SERVER_SCRIPT
    if not node:
        raise EditorBackendError("node was not found: serving the editor (/admin/) without its local backend "
                                 "(decap-server); install Node.js to edit posts locally")
    if not script.is_file():
        raise EditorBackendError(f"{SERVER_SCRIPT.parts[1]} is not installed ({script} is missing): serving the "
                                 "editor without its local backend; run `npm ci`")
    if repository is None:
        if not is_repository(project):
            raise EditorBackendError(f"{project} is not a git repository: serving the editor without its local "
                                     "backend (decap-server needs one)")
        repository = editor_clone(project, branch)
    elif not is_repository(repository):
        raise EditorBackendError(f"--editor-repo {repository}: not the top of a git working tree")
    env = {**os.environ, "MODE": "git", "BIND_HOST": HOST, "ORIGIN": origin.rstrip("/"),
           "GIT_REPO_DIRECTORY": str(repository.resolve()), "LOG_LEVEL": "warn"}
    for _ in range(PORT_ATTEMPTS):  # a free port may be taken before decap-server binds it: another one then
        backend = _run(node, script, repository, env)
        if backend is not None:
            return backend
    raise EditorBackendError(f"decap-server stopped at start {PORT_ATTEMPTS} times: serving the editor without its "
                             "local backend")


# One decap-server on a free port, once it answers; None when it stopped at start (its port was taken)
def _run(node: str, script: Path, repository: Path, env: dict[str, str]) -> EditorBackend | None:
    port = free_port()
    # its own process group and session: Ctrl+C in the terminal reaches serve, which stops it in order
    process = subprocess.Popen([node, str(script)], cwd=repository, env={**env, "PORT": str(port)},
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
    backend = EditorBackend(url=f"http://{HOST}:{port}", repository=repository.resolve(), process=process)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            info(backend.url, timeout=1)
            return backend
        except (OSError, ValueError):
            time.sleep(0.1)
    backend.close()
    raise EditorBackendError(f"decap-server did not answer on {backend.url} within {START_SECONDS} s: serving the "
                             "editor without its local backend")
