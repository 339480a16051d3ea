"""A loopback stand-in of GitHub's REST API, backed by a real git repository, for Decap CMS's GitHub backend
(REST, `use_graphql` off) and the suggestions' GitHub App publisher.

It answers the endpoints decap-cms-backend-github's API.js calls for the editorial workflow (the user, the
repository and its permissions, trees, blobs, contents, refs, commits, compare, pull requests, their labels
through the issues API, commit statuses, the notes' issue search) and those githubkit calls for the App
(installation token, refs, contents, pulls, labels). Every object is a real git object in a bare
repository made with plumbing (hash-object, read-tree + update-index + write-tree on a scratch index,
commit-tree, update-ref, merge-tree), so a test reads a branch's files with git.

What GitHub checks, it checks: the token on every call (`token X` or `Bearer X`), a ref created once,
fast-forward updates unless forced, one open pull request per head and base, no pull request without
commits, a merge only of the head it was asked for. The base branch is protected like a branch protection
rule that requires an approving review: a merge without an approval (`approve(number)`, the stand-in's
state) is refused with GitHub's 405 "At least 1 approving review is required by reviewers with write
access.", and so is a direct ref update of the base (422 "Protected branch update failed"), which is what
Decap tries after a 405 (its forceMergePR). Publishing is merging, and merging is GitHub's job.

CORS is open to any origin (the admin page's), preflights included. An unknown route is answered 404, kept
in `unknown` and printed, so a test shows what Decap asked for that the stand-in lacks.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ZERO = "0" * 40
APPROVAL_REQUIRED = "At least 1 approving review is required by reviewers with write access."


class Refused(Exception):
    """An answer other than success: its status and GitHub's message (and `errors`, as GitHub adds them)."""

    def __init__(self, status: int, message: str, errors: list | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


class Repository:
    """A bare git repository, driven with plumbing only (no work tree, no index but scratch ones)."""

    def __init__(self, directory: Path, base: str = "main"):
        self.directory = Path(directory)
        self.base = base
        if not (self.directory / "HEAD").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            self.run("init", "--quiet", "--bare", "--initial-branch", base)

    # git in the bare repository, with no GIT_* of the caller's; bytes in, bytes out
    def raw(self, *args: str, data: bytes | None = None, env: dict | None = None, check: bool = True,
            status: bool = False) -> bytes:
        clean = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        done = subprocess.run(["git", "--git-dir", str(self.directory), *args], input=data, capture_output=True,
                              env={**clean, **(env or {})}, timeout=60)
        if status:
            return str(done.returncode).encode()
        if check and done.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout

    def run(self, *args: str, text: str | None = None, env: dict | None = None, check: bool = True) -> str:
        return self.raw(*args, data=None if text is None else text.encode(), env=env, check=check).decode().strip()

    def resolve(self, name: str, kind: str = "commit") -> str | None:
        """The id of `name` (a sha, a branch, `rev:path`) as a `kind` object (a commit's tree for "tree"), or None."""
        if name.startswith("-"):
            return None
        if ":" in name:  # rev:path names the object at path, which peels no further
            found = self.run("rev-parse", "--verify", "--quiet", name, check=False)
            return found if found and self.run("cat-file", "-t", found, check=False) == kind else None
        return self.run("rev-parse", "--verify", "--quiet", f"{name}^{{{kind}}}", check=False) or None

    def ref(self, ref: str) -> str | None:
        """The commit a full ref (refs/heads/x) points at, or None."""
        return self.run("rev-parse", "--verify", "--quiet", ref, check=False) or None

    def refs(self, prefix: str) -> list[tuple[str, str]]:
        """(ref, sha) of every ref whose name starts with `prefix` (GitHub's matching-refs), sorted."""
        listed = self.run("for-each-ref", "--format=%(refname) %(objectname)")
        pairs = [line.split(" ", 1) for line in listed.splitlines() if line]
        return [(ref, sha) for ref, sha in pairs if ref.startswith(prefix)]

    def succeeds(self, *args: str) -> bool:
        """Whether a git command exits 0 (merge-base --is-ancestor answers by its exit code)."""
        return self.raw(*args, check=False, status=True) == b"0"

    def blob(self, data: bytes) -> str:
        return self.raw("hash-object", "-w", "--stdin", data=data).decode().strip()

    def read(self, branch: str, path: str) -> str | None:
        """The text of `path` on `branch`, or None when it has no such file."""
        sha = self.resolve(f"refs/heads/{branch}:{path}", "blob")
        return self.raw("cat-file", "blob", sha).decode() if sha else None

    def files(self, branch: str) -> list[str]:
        """Every file path on `branch`."""
        return self.run("ls-tree", "-r", "--name-only", f"refs/heads/{branch}").splitlines()

    def tree(self, base_tree: str | None, changes: list[tuple[str, str | None]]) -> str:
        """A tree: `base_tree` (or empty) with each (path, blob sha) set, or removed where the sha is None."""
        with tempfile.TemporaryDirectory() as scratch:
            index = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
            if base_tree:
                self.run("read-tree", base_tree, env=index)
            else:
                self.run("read-tree", "--empty", env=index)
            for path, sha in changes:
                if sha is None:
                    self.run("update-index", "--force-remove", "--", path, env=index)
                else:
                    self.run("update-index", "--add", "--cacheinfo", f"100644,{sha},{path}", env=index)
            return self.run("write-tree", env=index)

    def commit(self, tree: str, parents: list[str], message: str, author: dict | None = None,
               committer: dict | None = None) -> str:
        """A commit object (not on any branch yet)."""
        author = author or {"name": "Stand-in", "email": "stand-in@example.invalid"}
        committer = committer or author
        env = {"GIT_AUTHOR_NAME": author.get("name") or "unknown", "GIT_AUTHOR_EMAIL": author.get("email") or "",
               "GIT_COMMITTER_NAME": committer.get("name") or "unknown",
               "GIT_COMMITTER_EMAIL": committer.get("email") or ""}
        if author.get("date"):
            env["GIT_AUTHOR_DATE"] = author["date"]
        if committer.get("date"):
            env["GIT_COMMITTER_DATE"] = committer["date"]
        args = [arg for parent in parents for arg in ("-p", parent)]
        return self.run("commit-tree", tree, *args, "-F", "-", text=message, env=env)

    def commit_files(self, files: dict[str, str | bytes], message: str = "Add files", branch: str | None = None) -> str:
        """A commit on `branch` (default: the base) with `files` written on top of it; its sha."""
        ref = f"refs/heads/{branch or self.base}"
        parent = self.ref(ref)
        changes = [(path, self.blob(text.encode() if isinstance(text, str) else text)) for path, text in files.items()]
        tree = self.tree(self.resolve(parent, "tree") if parent else None, changes)
        sha = self.commit(tree, [parent] if parent else [], message)
        self.run("update-ref", ref, sha, parent or ZERO)
        return sha

    def seed(self, source: Path) -> str:
        """The base branch set to `source`'s current commit (a shallow fetch of one commit); its sha."""
        self.run("fetch", "--quiet", "--no-tags", "--depth", "1", f"file://{Path(source).resolve()}",
                 f"+HEAD:refs/heads/{self.base}")
        return self.ref(f"refs/heads/{self.base}")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class GitHubStandIn(ThreadingHTTPServer):
    """The stand-in: `url` is its API root; `repository` the git repository behind owner/name."""

    daemon_threads = True

    def __init__(self, repository: Repository, owner: str = "acme", name: str = "wall", token: str = "gho_stand_in",
                 login: str = "comms-anna", app: tuple[str, object, str] | None = None, push: bool = True):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repository, self.owner, self.name = repository, owner, name
        self.base = repository.base
        self.push = push  # the signed-in user's permissions.push on the repository
        self.users = {token: {"login": login, "id": 1001, "name": "Anna Comms", "email": f"{login}@example.org"}}
        # (app id, public key, installation token): the App whose JWT buys the installation token
        self.app = app
        if app:
            self.users[app[2]] = {"login": "sharewall-suggestions[bot]", "id": 3001, "name": None, "email": None}
        self.protected = {self.base}
        self.pulls: list[dict] = []
        self.labels: dict[int, list[str]] = {}  # issue (pull request) number -> label names
        self.approved: set[int] = set()
        self.calls: list[tuple[str, str]] = []
        self.unknown: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], int] = {}  # (method, route name) -> failures still to answer with 500
        self.last_commit_message: str | None = None
        self.lock = threading.RLock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The API root, as a config's api_root (no trailing slash)."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def start(self) -> GitHubStandIn:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> GitHubStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # the approving review a branch protection rule waits for (what a reviewer does on GitHub)
    def approve(self, number: int) -> None:
        with self.lock:
            self.approved.add(number)

    def pull(self, number: int) -> dict:
        """A pull request as GitHub shows it."""
        with self.lock:
            return self._pull_json(self._pull(number))

    def open_pulls(self) -> list[dict]:
        with self.lock:
            return [self._pull_json(pull) for pull in self.pulls if pull["state"] == "open"]

    # ---- state to JSON

    def _user(self, login: str) -> dict:
        known = next((user for user in self.users.values() if user["login"] == login), None)
        user = known or {"login": login, "id": 2000 + len(login), "name": None, "email": None}
        return {"login": user["login"], "id": user["id"], "type": "User", "avatar_url": "",
                "html_url": f"https://github.com/{user['login']}", "name": user.get("name"), "email": user.get("email")}

    def _repo_json(self) -> dict:
        owner = self._user(self.owner)
        return {"id": 4242, "name": self.name, "full_name": self.full_name, "private": True, "fork": False,
                "owner": owner, "default_branch": self.base, "html_url": f"https://github.com/{self.full_name}",
                "permissions": {"admin": False, "maintain": False, "push": self.push, "triage": True, "pull": True}}

    def _commit_json(self, sha: str) -> dict:
        """A commit as the compare, commits and pulls/commits endpoints show it (and git/commits, flattened)."""
        fields = self.repository.raw("show", "-s", "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B",
                                     sha).decode().split("\x00")
        _, tree, parents, an, ae, ad, cn, ce, cd, message = fields
        return {"sha": sha, "node_id": sha, "url": f"{self.url}/repos/{self.full_name}/commits/{sha}",
                "html_url": f"https://github.com/{self.full_name}/commit/{sha}",
                "commit": {"message": message.rstrip("\n"), "tree": {"sha": tree},
                           "author": {"name": an, "email": ae, "date": ad},
                           "committer": {"name": cn, "email": ce, "date": cd}},
                "parents": [{"sha": parent, "url": ""} for parent in parents.split()]}

    def _git_commit_json(self, sha: str) -> dict:
        nested = self._commit_json(sha)
        return {"sha": sha, "node_id": sha, "url": nested["url"], "html_url": nested["html_url"],
                "message": nested["commit"]["message"], "tree": nested["commit"]["tree"],
                "author": nested["commit"]["author"], "committer": nested["commit"]["committer"],
                "parents": nested["parents"], "verification": {"verified": False, "reason": "unsigned"}}

    def _ref_json(self, ref: str, sha: str) -> dict:
        return {"ref": ref, "node_id": ref, "url": f"{self.url}/repos/{self.full_name}/git/{ref}",
                "object": {"type": "commit", "sha": sha, "url": ""}}

    def _pull(self, number: int) -> dict:
        found = next((pull for pull in self.pulls if pull["number"] == number), None)
        if found is None:
            raise Refused(404, "Not Found")
        return found

    def _head_sha(self, pull: dict) -> str:
        """The head's commit now (GitHub follows the branch), or the last one seen when the branch is gone."""
        if pull["state"] == "open":
            pull["head_sha"] = self.repository.ref(f"refs/heads/{pull['head']}") or pull["head_sha"]
        return pull["head_sha"]

    def _label_json(self, name: str) -> dict:
        return {"id": abs(hash(name)) % 10**8, "node_id": name, "name": name, "color": "ededed", "default": False,
                "description": "", "url": ""}

    def _pull_json(self, pull: dict) -> dict:
        repo = self._repo_json()
        head_sha = self._head_sha(pull)
        base_sha = self.repository.ref(f"refs/heads/{pull['base']}") or ZERO
        number = pull["number"]
        return {"id": 9000 + number, "node_id": f"PR_{number}", "number": number, "state": pull["state"],
                "locked": False, "title": pull["title"], "body": pull["body"], "draft": pull["draft"],
                "user": self._user(pull["user"]), "labels": [self._label_json(name) for name in self.labels.get(number, [])],
                "html_url": f"https://github.com/{self.full_name}/pull/{number}",
                "url": f"{self.url}/repos/{self.full_name}/pulls/{number}",
                "created_at": pull["created_at"], "updated_at": pull["updated_at"], "closed_at": pull["closed_at"],
                "merged_at": pull["merged_at"], "merged": pull["merged_at"] is not None,
                "merge_commit_sha": pull.get("merge_sha"),
                "head": {"label": f"{self.owner}:{pull['head']}", "ref": pull["head"], "sha": head_sha, "repo": repo,
                         "user": repo["owner"]},
                "base": {"label": f"{self.owner}:{pull['base']}", "ref": pull["base"], "sha": base_sha, "repo": repo,
                         "user": repo["owner"]}}

    def _touch(self, pull: dict) -> None:
        pull["updated_at"] = _now()


def _b64(data: bytes) -> str:
    """Base64 in lines of 60, as GitHub sends blob and file contents."""
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + 60] for i in range(0, len(text), 60)) + "\n"


class _Handler(BaseHTTPRequestHandler):
    server: GitHubStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the calls are in server.calls
        pass

    # ---- HTTP plumbing

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Vary", "Origin")
        self.send_header("Access-Control-Expose-Headers", "ETag, Link, Location, X-GitHub-Request-Id")

    def _send(self, status: int, body: bytes, content_type: str | None = "application/json; charset=utf-8") -> None:
        self.send_response(status)
        self._cors()
        if content_type and body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value) -> None:
        self._send(status, json.dumps(value).encode())

    def do_OPTIONS(self):
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers",
                         self.headers.get("Access-Control-Request-Headers") or "Authorization, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_PUT(self):
        self._route("PUT")

    def do_PATCH(self):
        self._route("PATCH")

    def do_DELETE(self):
        self._route("DELETE")

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        try:
            return json.loads(data) if data else {}
        except ValueError:
            raise Refused(400, "Problems parsing JSON") from None

    def _caller(self) -> dict:
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        user = self.server.users.get(token.strip()) if scheme.lower() in ("token", "bearer") else None
        if user is None:
            raise Refused(401, "Bad credentials")
        return user

    def _route(self, method: str) -> None:
        server = self.server
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        with server.lock:
            server.calls.append((method, path))
            try:
                body = self._body() if method in ("POST", "PUT", "PATCH", "DELETE") else {}
                if method == "POST" and re.fullmatch(r"/app/installations/\d+/access_tokens", path):
                    return self._json(201, self._installation_token())
                user = self._caller()
                handler, groups, name = self._find(method, path)
                if handler is None:
                    server.unknown.append((method, path))
                    print(f"github stand-in: no route for {method} {self.path}", file=sys.stderr)
                    raise Refused(404, "Not Found")
                if server.fail.get((method, name), 0) > 0:
                    server.fail[(method, name)] -= 1
                    raise Refused(500, "Server Error")
                answer = handler(self, *groups, query=query, body=body, user=user)
                status, value = answer if isinstance(answer, tuple) else (200, answer)
                if isinstance(value, bytes):
                    return self._send(status, value, "application/vnd.github.raw")
                if value is None:
                    return self._send(status, b"")
                return self._json(status, value)
            except Refused as refused:
                error = {"message": refused.message, "documentation_url": "https://docs.github.com/rest"}
                if refused.errors:
                    error["errors"] = refused.errors
                return self._json(refused.status, error)
            except Exception as error:  # a bug of the stand-in: say so loudly, answer 500
                traceback.print_exc()
                return self._json(500, {"message": f"stand-in error: {type(error).__name__}: {error}"})

    def _find(self, method: str, path: str):
        if path == "/user" and method == "GET":
            return _Handler.get_user, (), "user"
        if path == "/search/issues" and method == "GET":
            return _Handler.search_issues, (), "search"
        found = re.fullmatch(r"/users/([^/]+)", path)
        if found and method == "GET":
            return _Handler.get_login, found.groups(), "users"
        prefix = f"/repos/{self.server.owner}/{self.server.name}"
        if path == prefix and method == "GET":
            return _Handler.get_repo, (), "repo"
        if not path.startswith(prefix + "/"):
            return None, (), ""
        rest = path[len(prefix) + 1:]
        for verb, pattern, handler in ROUTES:
            found = re.fullmatch(pattern, rest)
            if verb == method and found:
                return handler, found.groups(), re.sub(r"\([^()]*\)", "{}", pattern)
        return None, (), ""

    # ---- the App's installation token (githubkit, the suggestions publisher)

    def _installation_token(self) -> dict:
        import jwt

        if self.server.app is None:
            raise Refused(404, "Not Found")
        app_id, public_key, token = self.server.app
        bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(bearer, public_key, algorithms=["RS256"])
        except jwt.PyJWTError:
            raise Refused(401, "A JSON web token could not be decoded") from None
        if str(claims.get("iss")) != str(app_id):
            raise Refused(401, "'Issuer' claim ('iss') must be an Integer")
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return {"token": token, "expires_at": expires, "permissions": {"contents": "write", "pull_requests": "write"}}

    # ---- user and repository

    def get_user(self, *, user, **_):
        return self.server._user(user["login"])

    def get_login(self, login, **_):
        return self.server._user(login)

    def get_repo(self, **_):
        return self.server._repo_json()

    def search_issues(self, **_):  # Decap's notes look for an issue per entry: there are none
        return {"total_count": 0, "incomplete_results": False, "items": []}

    # ---- branches and refs

    def get_branch(self, branch, **_):
        sha = self.server.repository.ref(f"refs/heads/{branch}")
        if sha is None:
            raise Refused(404, "Branch not found")
        return {"name": branch, "commit": self.server._commit_json(sha), "protected": branch in self.server.protected,
                "_links": {}}

    def get_ref(self, ref, **_):  # git/ref/{ref}: that ref only
        sha = self.server.repository.ref(f"refs/{ref}")
        if sha is None:
            raise Refused(404, "Not Found")
        return self.server._ref_json(f"refs/{ref}", sha)

    def get_refs(self, ref, **_):  # git/refs/{ref}: that ref, else the refs under it (GitHub's older endpoint)
        sha = self.server.repository.ref(f"refs/{ref}")
        if sha is not None:
            return self.server._ref_json(f"refs/{ref}", sha)
        under = self.server.repository.refs(f"refs/{ref}/")
        if not under:
            raise Refused(404, "Not Found")
        return [self.server._ref_json(name, sha) for name, sha in under]

    def matching_refs(self, ref, **_):
        return [self.server._ref_json(name, sha) for name, sha in self.server.repository.refs(f"refs/{ref}")]

    def create_ref(self, *, body, **_):
        ref, sha = str(body.get("ref", "")), str(body.get("sha", ""))
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise Refused(422, "Reference name must start with 'refs/' and have at least two slashes.")
        repository = self.server.repository
        if repository.resolve(sha) != sha:
            raise Refused(422, "Object does not exist")
        if repository.ref(ref) is not None:
            raise Refused(422, "Reference already exists")
        if repository.run("update-ref", ref, sha, ZERO, check=False) == "" and repository.ref(ref) != sha:
            raise Refused(422, "Reference update failed")
        return 201, self.server._ref_json(ref, sha)

    def _guard(self, ref: str) -> None:
        branch = ref.removeprefix("refs/heads/")
        if ref.startswith("refs/heads/") and branch in self.server.protected:
            raise Refused(422, f"Protected branch update failed for {ref}.")

    def update_ref(self, ref, *, body, **_):
        full, sha, force = f"refs/{ref}", str(body.get("sha", "")), bool(body.get("force"))
        repository = self.server.repository
        old = repository.ref(full)
        if old is None:
            raise Refused(422, "Reference does not exist")
        if repository.resolve(sha) != sha:
            raise Refused(422, "Object does not exist")
        self._guard(full)
        if not force and not repository.succeeds("merge-base", "--is-ancestor", old, sha):
            raise Refused(422, "Update is not a fast forward")
        repository.run("update-ref", full, sha, old)
        return self.server._ref_json(full, sha)

    def delete_ref(self, ref, **_):
        full = f"refs/{ref}"
        repository = self.server.repository
        old = repository.ref(full)
        if old is None:
            raise Refused(422, "Reference does not exist")
        self._guard(full)
        repository.run("update-ref", "-d", full, old)
        return 204, None

    # ---- blobs, trees, commits

    def create_blob(self, *, body, **_):
        content = str(body.get("content", ""))
        data = base64.b64decode(content) if body.get("encoding") == "base64" else content.encode()
        sha = self.server.repository.blob(data)
        return 201, {"sha": sha, "url": f"{self.server.url}/repos/{self.server.full_name}/git/blobs/{sha}"}

    def get_blob(self, sha, **_):
        repository = self.server.repository
        if repository.run("cat-file", "-t", sha, check=False) != "blob":
            raise Refused(404, "Not Found")
        data = repository.raw("cat-file", "blob", sha)
        return {"sha": sha, "node_id": sha, "size": len(data), "url": "", "content": _b64(data), "encoding": "base64"}

    def get_tree(self, tree_ish, *, query, **_):
        repository = self.server.repository
        tree = repository.resolve(tree_ish, "tree")
        if tree is None:
            raise Refused(404, "Not Found")
        recursive = query.get("recursive") not in (None, "", "0", "false")
        listed = repository.raw("ls-tree", "-l", "-z", *(["-r", "-t"] if recursive else []), tree).decode()
        entries = []
        for line in filter(None, listed.split("\0")):
            meta, path = line.split("\t", 1)
            mode, kind, sha, size = meta.split()
            entry = {"path": path, "mode": mode, "type": kind, "sha": sha, "url": ""}
            if kind == "blob":
                entry["size"] = int(size)
            entries.append(entry)
        return {"sha": tree, "url": "", "tree": entries, "truncated": False}

    def create_tree(self, *, body, **_):
        repository = self.server.repository
        base = body.get("base_tree")
        base_tree = repository.resolve(base, "tree") if base else None
        if base and base_tree is None:
            raise Refused(422, "Invalid tree info")  # GitHub: base_tree is not a tree (or a commit of one)
        changes = []
        for entry in body.get("tree") or []:
            path = str(entry.get("path", "")).strip("/")
            if entry.get("type", "blob") != "blob" or entry.get("mode", "100644") not in ("100644", "100755"):
                raise Refused(422, f"tree.mode or tree.type of {path} is not a file (the stand-in writes files only)")
            if "content" in entry:
                changes.append((path, repository.blob(str(entry["content"]).encode())))
            elif entry.get("sha") is None:
                changes.append((path, None))
            elif repository.run("cat-file", "-t", str(entry["sha"]), check=False) != "blob":
                raise Refused(422, f"GitHub: tree.sha {entry['sha']} is not a valid blob")
            else:
                changes.append((path, str(entry["sha"])))
        tree = repository.tree(base_tree, changes)
        return 201, {**self.get_tree(tree, query={}), "sha": tree}

    def create_commit(self, *, body, user, **_):
        repository = self.server.repository
        tree, parents = str(body.get("tree", "")), [str(parent) for parent in body.get("parents") or []]
        if repository.resolve(tree, "tree") != tree:
            raise Refused(422, "Tree SHA does not exist")
        if any(repository.resolve(parent) != parent for parent in parents):
            raise Refused(422, "Parent SHA does not exist or is not a commit object")
        author = body.get("author") or {"name": user.get("name") or user["login"], "email": user.get("email") or ""}
        sha = repository.commit(tree, parents, str(body.get("message", "")), author, body.get("committer") or author)
        self.server.last_commit_message = str(body.get("message", ""))
        return 201, self.server._git_commit_json(sha)

    def get_git_commit(self, sha, **_):
        if self.server.repository.resolve(sha) != sha:
            raise Refused(404, "Not Found")
        return self.server._git_commit_json(sha)

    def list_commits(self, *, query, **_):
        repository = self.server.repository
        start = repository.resolve(query.get("sha") or self.server.base)
        if start is None:
            raise Refused(404, "No commit found for SHA")
        limit = str(int(query.get("per_page") or 30))
        path = [query["path"]] if query.get("path") else []
        shas = repository.run("log", "--format=%H", "-n", limit, start, "--", *path).split()
        return [self.server._commit_json(sha) for sha in shas]

    def get_commit(self, ref, **_):
        sha = self.server.repository.resolve(ref)
        if sha is None:
            raise Refused(422, f"No commit found for SHA: {ref}")
        return self.server._commit_json(sha)

    def combined_status(self, ref, **_):
        sha = self.server.repository.resolve(ref)
        if sha is None:
            raise Refused(404, "Not Found")
        return {"state": "pending", "statuses": [], "sha": sha, "total_count": 0, "repository": self.server._repo_json()}

    def statuses(self, ref, **_):
        return []

    def _side(self, name: str) -> str:
        """A compare side: a sha, a branch, or owner:branch."""
        owner, colon, branch = name.partition(":")
        if colon and owner.lower() == self.server.owner.lower():
            name = branch
        sha = self.server.repository.resolve(f"refs/heads/{name}") or self.server.repository.resolve(name)
        if sha is None:
            raise Refused(404, "Not Found")
        return sha

    def compare(self, base_name, head_name, **_):
        repository = self.server.repository
        base, head = self._side(base_name), self._side(head_name)
        merge_base = repository.run("merge-base", base, head, check=False)
        if not merge_base:
            raise Refused(404, f"No common ancestor between {base_name} and {head_name}.")
        ahead = repository.run("rev-list", "--reverse", f"{base}..{head}").split()
        behind = int(repository.run("rev-list", "--count", f"{head}..{base}"))
        status = ("identical" if not ahead and not behind else "ahead" if not behind
                  else "behind" if not ahead else "diverged")
        return {"url": "", "html_url": "", "status": status, "ahead_by": len(ahead), "behind_by": behind,
                "total_commits": len(ahead), "base_commit": self.server._commit_json(base),
                "merge_base_commit": self.server._commit_json(merge_base),
                "commits": [self.server._commit_json(sha) for sha in ahead], "files": self._files(merge_base, head)}

    def _files(self, old: str, new: str) -> list[dict]:
        """The changed files between two commits, as GitHub's compare lists them (a patch for text only)."""
        repository = self.server.repository
        numstat = repository.raw("diff", "--numstat", "-z", "--no-renames", old, new).decode().split("\0")
        binary = {line.split("\t", 2)[2] for line in numstat if line.startswith("-\t-\t")}
        listed = repository.raw("diff", "--name-status", "-z", "--no-renames", old, new).decode().split("\0")
        files = []
        for code, path in zip(listed[0::2], listed[1::2]):
            if not code:
                continue
            status = {"A": "added", "D": "removed"}.get(code[0], "modified")
            sha = repository.resolve(f"{old if status == 'removed' else new}:{path}", "blob")
            entry = {"sha": sha, "filename": path, "status": status, "additions": 0, "deletions": 0, "changes": 0,
                     "blob_url": "", "raw_url": "", "contents_url": ""}
            if path not in binary:
                entry["patch"] = repository.run("diff", "--no-color", old, new, "--", path).split("\n@@", 1)[-1]
            files.append(entry)
        return files

    # ---- contents

    def get_contents(self, path, *, query, **_):
        repository = self.server.repository
        ref = query.get("ref") or self.server.base
        commit = repository.resolve(f"refs/heads/{ref}") or repository.resolve(ref)
        path = path.strip("/")
        sha = commit and repository.resolve(f"{commit}:{path}", "blob")
        if sha:
            data = repository.raw("cat-file", "blob", sha)
            if "raw" in (self.headers.get("Accept") or ""):
                return 200, data
            return {"type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1],
                    "path": path, "content": _b64(data), "sha": sha, "url": "", "git_url": "", "html_url": "",
                    "download_url": ""}
        tree = commit and repository.resolve(f"{commit}:{path}" if path else commit, "tree")
        if tree:
            return [{**entry, "name": entry["path"], "path": f"{path}/{entry['path']}".strip("/"),
                     "type": "file" if entry["type"] == "blob" else "dir"}
                    for entry in self.get_tree(tree, query={})["tree"]]
        raise Refused(404, "Not Found")

    def put_contents(self, path, *, body, user, **_):
        repository = self.server.repository
        branch = body.get("branch") or self.server.base
        ref = f"refs/heads/{branch}"
        parent = repository.ref(ref)
        if parent is None:
            raise Refused(404, f"Branch {branch} not found")
        if branch in self.server.protected:
            raise Refused(409, f"Protected branch update failed for {ref}.")
        path = path.strip("/")
        present = repository.resolve(f"{parent}:{path}", "blob")
        if present and not body.get("sha"):
            raise Refused(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if body.get("sha") and body["sha"] != present:
            raise Refused(409, f"{path} does not match {body['sha']}")
        blob = repository.blob(base64.b64decode(str(body.get("content", ""))))
        tree = repository.tree(repository.resolve(parent, "tree"), [(path, blob)])
        author = body.get("committer") or {"name": user.get("name") or user["login"], "email": user.get("email") or ""}
        sha = repository.commit(tree, [parent], str(body.get("message", "")), author)
        if repository.run("update-ref", ref, sha, parent, check=False) == "" and repository.ref(ref) != sha:
            raise Refused(409, f"{ref} was updated meanwhile")
        self.server.last_commit_message = str(body.get("message", ""))
        return (200 if present else 201), {"content": {"name": path.rsplit("/", 1)[-1], "path": path, "sha": blob},
                                           "commit": self.server._git_commit_json(sha)}

    # ---- pull requests

    def _branch_of(self, head: str) -> str:
        owner, colon, branch = head.partition(":")
        return branch if colon and owner.lower() == self.server.owner.lower() else head

    def list_pulls(self, *, query, **_):
        state = query.get("state") or "open"
        head = self._branch_of(query["head"]) if query.get("head") else None
        base = query.get("base")
        found = [pull for pull in reversed(self.server.pulls)
                 if (state == "all" or pull["state"] == state) and (head is None or pull["head"] == head)
                 and (base is None or pull["base"] == base)]
        return [self.server._pull_json(pull) for pull in found]

    def create_pull(self, *, body, user, **_):
        repository = self.server.repository
        head, base = self._branch_of(str(body.get("head", ""))), str(body.get("base", ""))
        head_sha, base_sha = repository.ref(f"refs/heads/{head}"), repository.ref(f"refs/heads/{base}")
        if head_sha is None or base_sha is None:
            field = "head" if head_sha is None else "base"
            raise Refused(422, "Validation Failed", [{"resource": "PullRequest", "field": field, "code": "invalid"}])
        if any(pull["head"] == head and pull["base"] == base and pull["state"] == "open" for pull in self.server.pulls):
            raise Refused(422, "Validation Failed", [{"resource": "PullRequest", "code": "custom",
                                                      "message": f"A pull request already exists for {self.server.owner}:{head}."}])
        if not repository.run("rev-list", f"{base_sha}..{head_sha}"):
            raise Refused(422, "Validation Failed", [{"resource": "PullRequest", "code": "custom",
                                                      "message": f"No commits between {base} and {head}"}])
        number = len(self.server.pulls) + 1  # issues and pulls share numbers; there are no other issues here
        now = _now()
        pull = {"number": number, "title": str(body.get("title", "")), "body": body.get("body"), "head": head,
                "base": base, "head_sha": head_sha, "state": "open", "draft": bool(body.get("draft")),
                "user": user["login"], "created_at": now, "updated_at": now, "closed_at": None, "merged_at": None}
        self.server.pulls.append(pull)
        return 201, self.server._pull_json(pull)

    def get_pull(self, number, **_):
        return self.server._pull_json(self.server._pull(int(number)))

    def update_pull(self, number, *, body, **_):
        pull = self.server._pull(int(number))
        self.server._head_sha(pull)  # the head as it is when it closes
        for key in ("title", "body", "base"):
            if key in body:
                pull[key] = body[key]
        if body.get("state") in ("open", "closed") and pull["merged_at"] is None:
            pull["state"] = body["state"]
            pull["closed_at"] = _now() if body["state"] == "closed" else None
        self.server._touch(pull)
        return self.server._pull_json(pull)

    def pull_commits(self, number, **_):
        pull = self.server._pull(int(number))
        base = self.server.repository.ref(f"refs/heads/{pull['base']}")
        shas = self.server.repository.run("rev-list", "--reverse", f"{base}..{self.server._head_sha(pull)}").split()
        return [self.server._commit_json(sha) for sha in shas]

    def pull_files(self, number, **_):
        pull = self.server._pull(int(number))
        base = self.server.repository.ref(f"refs/heads/{pull['base']}")
        head = self.server._head_sha(pull)
        return self._files(self.server.repository.run("merge-base", base, head), head)

    def is_merged(self, number, **_):
        pull = self.server._pull(int(number))
        if pull["merged_at"] is None:
            raise Refused(404, "Not Found")
        return 204, None

    def merge_pull(self, number, *, body, **_):
        server, repository = self.server, self.server.repository
        pull = server._pull(int(number))
        head = server._head_sha(pull)
        if pull["state"] != "open":
            raise Refused(405, "Pull Request is not mergeable")
        if pull["draft"]:
            raise Refused(405, "Pull Request is still a draft")
        if pull["base"] in server.protected and pull["number"] not in server.approved:
            raise Refused(405, APPROVAL_REQUIRED)
        if body.get("sha") and body["sha"] != head:
            raise Refused(409, "Head branch was modified. Review and try the merge again.")
        base_ref = f"refs/heads/{pull['base']}"
        base = repository.ref(base_ref)
        merged = repository.run("merge-tree", "--write-tree", base, head, check=False)
        tree = merged.splitlines()[0] if merged else ""
        if repository.resolve(tree, "tree") != tree:
            raise Refused(405, "Pull Request is not mergeable")
        message = body.get("commit_message") or f"Merge pull request #{pull['number']} from {server.owner}/{pull['head']}"
        parents = [base] if body.get("merge_method") == "squash" else [base, head]
        sha = repository.commit(tree, parents, message)
        repository.run("update-ref", base_ref, sha, base)
        now = _now()
        pull.update(state="closed", merged_at=now, closed_at=now, updated_at=now, merge_sha=sha)
        return {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}

    # ---- labels (the editor's status), through the issues API

    def _names(self, body) -> list[str]:
        items = body.get("labels", []) if isinstance(body, dict) else body
        return [str(item["name"] if isinstance(item, dict) else item) for item in items or []]

    def _labelled(self, number: int) -> list[dict]:
        return [self.server._label_json(name) for name in self.server.labels.get(number, [])]

    def _issue(self, number: str) -> int:
        found = int(number)
        self.server._pull(found)  # only pull requests are issues here
        return found

    def get_labels(self, number, **_):
        return self._labelled(self._issue(number))

    def add_labels(self, number, *, body, **_):
        issue = self._issue(number)
        present = self.server.labels.setdefault(issue, [])
        present.extend(name for name in self._names(body) if name not in present)
        self.server._touch(self.server._pull(issue))
        return self._labelled(issue)

    def set_labels(self, number, *, body, **_):
        issue = self._issue(number)
        self.server.labels[issue] = list(dict.fromkeys(self._names(body)))
        self.server._touch(self.server._pull(issue))
        return self._labelled(issue)

    def remove_label(self, number, name, **_):
        issue = self._issue(number)
        present = self.server.labels.get(issue, [])
        if name not in present:
            raise Refused(404, "Label does not exist")
        present.remove(name)
        return self._labelled(issue)

    def remove_labels(self, number, **_):
        self.server.labels[self._issue(number)] = []
        return 204, None

    def get_issue(self, number, **_):
        pull = self.server._pull_json(self.server._pull(int(number)))
        return {key: pull[key] for key in ("number", "title", "body", "state", "labels", "html_url", "user",
                                           "created_at", "updated_at")} | {"comments": 0, "pull_request": {}}

    def issue_comments(self, number, **_):
        self._issue(number)
        return []


ROUTES = [  # below /repos/{owner}/{name}/; the route's name (for `fail`) is the pattern's literal start
    ("GET", r"branches/(.+)", _Handler.get_branch),
    ("GET", r"git/ref/(.+)", _Handler.get_ref),
    ("GET", r"git/refs/(.+)", _Handler.get_refs),
    ("GET", r"git/matching-refs/(.+)", _Handler.matching_refs),
    ("POST", r"git/refs", _Handler.create_ref),
    ("PATCH", r"git/refs/(.+)", _Handler.update_ref),
    ("DELETE", r"git/refs/(.+)", _Handler.delete_ref),
    ("POST", r"git/blobs", _Handler.create_blob),
    ("GET", r"git/blobs/([0-9a-f]{40})", _Handler.get_blob),
    ("GET", r"git/trees/(.+)", _Handler.get_tree),
    ("POST", r"git/trees", _Handler.create_tree),
    ("POST", r"git/commits", _Handler.create_commit),
    ("GET", r"git/commits/([0-9a-f]{40})", _Handler.get_git_commit),
    ("GET", r"commits", _Handler.list_commits),
    ("GET", r"commits/(.+)/status", _Handler.combined_status),
    ("GET", r"commits/(.+)/statuses", _Handler.statuses),
    ("GET", r"commits/([^/]+)", _Handler.get_commit),
    ("GET", r"compare/(.+?)\.\.\.(.+)", _Handler.compare),
    ("GET", r"contents/(.*)", _Handler.get_contents),
    ("PUT", r"contents/(.+)", _Handler.put_contents),
    ("GET", r"pulls", _Handler.list_pulls),
    ("POST", r"pulls", _Handler.create_pull),
    ("GET", r"pulls/(\d+)", _Handler.get_pull),
    ("PATCH", r"pulls/(\d+)", _Handler.update_pull),
    ("GET", r"pulls/(\d+)/commits", _Handler.pull_commits),
    ("GET", r"pulls/(\d+)/files", _Handler.pull_files),
    ("GET", r"pulls/(\d+)/merge", _Handler.is_merged),
    ("PUT", r"pulls/(\d+)/merge", _Handler.merge_pull),
    ("GET", r"issues/(\d+)/labels", _Handler.get_labels),
    ("POST", r"issues/(\d+)/labels", _Handler.add_labels),
    ("PUT", r"issues/(\d+)/labels", _Handler.set_labels),
    ("DELETE", r"issues/(\d+)/labels/(.+)", _Handler.remove_label),
    ("DELETE", r"issues/(\d+)/labels", _Handler.remove_labels),
    ("GET", r"issues/(\d+)", _Handler.get_issue),
    ("GET", r"issues/(\d+)/comments", _Handler.issue_comments),
]
