"""The GitHub publisher against a loopback stand-in of the few REST endpoints it uses.

The stand-in (http.server on 127.0.0.1) checks what GitHub would: the App's JWT (RS256, signed with the
App's private key, `iss` the App id) for the installation token, that token on every repository call,
a branch made once (422 when it exists), a file put once, one pull request per head. Failures can be
injected per endpoint to leave an accept half done.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from site_builder.local.aws import REGION
from sharewall_common.secret_values import forget_secrets
from tests.functions.test_suggestions_api import GOOD, call, decide, suggest

APP_ID, INSTALLATION = "424242", 99
OWNER, REPO = "acme", "wall"
BASE_SHA = "a" * 40
TOKEN = "ghs_" + uuid.uuid4().hex  # one installation token for the module: githubkit keeps it until it expires


class GitHubStandIn(ThreadingHTTPServer):
    def __init__(self, public_key):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.public_key = public_key
        self.token = TOKEN
        self.refs = {"heads/main": BASE_SHA}
        self.files: dict[tuple[str, str], str] = {}  # (branch, path) -> text
        self.pulls: list[dict] = []
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], int] = {}  # (method, route) -> failures still to answer with 500
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    server: GitHubStandIn

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_PUT(self):
        self._route("PUT")

    def _route(self, method: str) -> None:
        server = self.server
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        with server.lock:
            server.calls.append((method, path))
            if method == "POST" and re.fullmatch(r"/app/installations/\d+/access_tokens", path):
                return self._token()
            if self.headers.get("Authorization") != f"token {server.token}":
                return self._answer(401, {"message": "Bad credentials"})
            prefix = f"/repos/{OWNER}/{REPO}/"
            if not path.startswith(prefix):
                return self._answer(404, {"message": "Not Found"})
            route = path[len(prefix):]
            kind = route.split("/")[0] + ("/ref" if route.startswith("git/ref/") else "/refs" if route == "git/refs" else "")
            if server.fail.get((method, kind), 0) > 0:
                server.fail[(method, kind)] -= 1
                return self._answer(500, {"message": "Server Error"})
            if method == "GET" and route.startswith("git/ref/"):
                ref = route[len("git/ref/"):]
                if ref not in server.refs:
                    return self._answer(404, {"message": "Not Found"})
                return self._answer(200, {"ref": f"refs/{ref}", "node_id": "x", "url": "u",
                                          "object": {"type": "commit", "sha": server.refs[ref], "url": "u"}})
            if method == "POST" and route == "git/refs":
                body = self._body()
                ref = body["ref"].removeprefix("refs/")
                if ref in server.refs:
                    return self._answer(422, {"message": "Reference already exists"})
                server.refs[ref] = body["sha"]
                return self._answer(201, {"ref": body["ref"], "node_id": "x", "url": "u",
                                          "object": {"type": "commit", "sha": body["sha"], "url": "u"}})
            if route.startswith("contents/"):
                file = route[len("contents/"):]
                if method == "GET":
                    branch = query.get("ref", ["main"])[0]
                    text = server.files.get((branch, file))
                    if text is None:
                        return self._answer(404, {"message": "Not Found"})
                    from suggestions.github import blob_sha

                    return self._answer(200, {"type": "file", "path": file, "sha": blob_sha(text),
                                              "content": base64.b64encode(text.encode()).decode(), "encoding": "base64"})
                body = self._body()
                if (body["branch"], file) in server.files:
                    return self._answer(422, {"message": "Invalid request.\n\n\"sha\" wasn't supplied."})
                if f"heads/{body['branch']}" not in server.refs:
                    return self._answer(404, {"message": "Branch not found"})
                server.files[(body["branch"], file)] = base64.b64decode(body["content"]).decode()
                server.last_commit_message = body["message"]
                return self._answer(201, {"content": {"path": file}, "commit": {"sha": "c" * 40}})
            if route == "pulls" and method == "GET":
                head = query.get("head", [""])[0]
                found = [pull for pull in server.pulls if f"{OWNER}:{pull['head']}" == head]
                return self._answer(200, found)
            if route == "pulls" and method == "POST":
                body = self._body()
                if any(pull["head"] == body["head"] for pull in server.pulls):
                    return self._answer(422, {"message": "A pull request already exists"})
                number = len(server.pulls) + 1
                pull = {**body, "number": number, "html_url": f"https://github.com/{OWNER}/{REPO}/pull/{number}"}
                server.pulls.append(pull)
                return self._answer(201, pull)
            return self._answer(404, {"message": "Not Found"})

    def _token(self) -> None:
        bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(bearer, self.server.public_key, algorithms=["RS256"])
        except jwt.PyJWTError:
            return self._answer(401, {"message": "A JSON web token could not be decoded"})
        if str(claims.get("iss")) != APP_ID:
            return self._answer(401, {"message": "wrong issuer"})
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return self._answer(201, {"token": self.server.token, "expires_at": expires})


@pytest.fixture(scope="module")
def app_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def github(app_key, aws_resources, monkeypatch):
    """The stand-in, and the function configured for it: App secret in (moto's) Secrets Manager, repository set."""
    server = GitHubStandIn(app_key.public_key())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pem = app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=aws_resources.secrets["GitHubAppSecret"],
        SecretString=json.dumps({"app_id": APP_ID, "installation_id": INSTALLATION, "private_key": pem}))
    forget_secrets()
    monkeypatch.delenv("SUGGESTIONS_GIT_DIR", raising=False)
    monkeypatch.setenv("SUGGESTIONS_REPOSITORY", f"{OWNER}/{REPO}")
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    yield server
    server.shutdown()
    server.server_close()
    forget_secrets()


def test_accept_opens_a_draft_pull_request_as_the_app(fresh_tables, github):
    _, made = suggest()
    status, accepted = decide(made["id"], "accept")
    assert status == 200, accepted
    branch = f"suggestions/{made['id']}"
    assert accepted["pull_request"] == {"branch": branch, "number": 1, "url": f"https://github.com/{OWNER}/{REPO}/pull/1"}
    assert github.refs[f"heads/{branch}"] == BASE_SHA  # branched off main
    (file_branch, path), text = next(iter(github.files.items()))
    assert file_branch == branch and path.startswith("content/posts/") and "draft: true" in text
    assert f"title: {GOOD['title']}" in text and "Anna Muster" in text
    pull = github.pulls[0]
    assert pull["draft"] is True and pull["head"] == branch and pull["base"] == "main"
    assert "Anna Muster" in pull["body"] and GOOD["link"] in pull["body"]
    assert ("POST", f"/app/installations/{INSTALLATION}/access_tokens") in github.calls


def test_accepting_twice_opens_one_pull_request(fresh_tables, github):
    _, made = suggest({**GOOD, "name_me": False})
    first = decide(made["id"], "accept")[1]
    again = decide(made["id"], "accept")[1]
    assert first["pull_request"] == again["pull_request"] and len(github.pulls) == 1
    assert "Anna" not in github.pulls[0]["body"] and "did not ask to be named" in github.pulls[0]["body"]
    # even the publisher run again on its own finds the branch, the file and the pull request made
    from suggestions.draft import draft_of
    from suggestions.publisher import publisher
    from suggestions import store
    from datetime import datetime

    stored = store.get(made["id"])
    draft = draft_of(stored, datetime.fromisoformat(stored["accepting_at"].replace("Z", "+00:00")))
    assert publisher().publish(draft).number == 1
    assert len(github.pulls) == 1 and len(github.files) == 1


@pytest.mark.parametrize("step", [("POST", "git/refs"), ("PUT", "contents"), ("POST", "pulls")])
def test_a_retry_after_a_half_done_accept_finishes_it(fresh_tables, github, step):
    _, made = suggest()
    github.fail[step] = 1
    status, body = decide(made["id"], "accept")
    assert status == 502 and body["error"]["code"] == "publisher_failed", body
    assert "GitHub answered 500" in body["error"]["message"]
    status, accepted = decide(made["id"], "accept")
    assert status == 200 and accepted["status"] == "accepted", accepted
    assert len(github.pulls) == 1 and len(github.files) == 1
    assert sum(1 for call_ in github.calls if call_ == ("POST", f"/repos/{OWNER}/{REPO}/git/refs")) <= 2
    assert call("GET", "/suggestions/mine")[1]["items"][0]["status"] == "accepted"


def test_a_missing_or_broken_app_secret_is_a_clear_502(fresh_tables, github, aws_resources):
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=aws_resources.secrets["GitHubAppSecret"], SecretString="not json")
    forget_secrets()
    _, made = suggest()
    status, body = decide(made["id"], "accept")
    assert status == 502 and "app_id, installation_id and private_key" in body["error"]["message"]
    assert github.calls == []


def test_a_wrong_app_key_gets_no_token_and_no_pull_request(fresh_tables, github, aws_resources, monkeypatch):
    import githubkit.cache

    # a new container: githubkit keeps the App's JWT (8 minutes) and tokens in memory, per process
    monkeypatch.setattr(githubkit.cache.DEFAULT_CACHE_STRATEGY, "_cache", None)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()).decode()
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=aws_resources.secrets["GitHubAppSecret"],
        SecretString=json.dumps({"app_id": APP_ID, "installation_id": INSTALLATION, "private_key": pem}))
    forget_secrets()
    _, made = suggest()
    status, body = decide(made["id"], "accept")
    assert status == 502 and "401" in body["error"]["message"], body
    assert github.pulls == [] and github.files == {}


def _accept_in_container(suggestion_id: str) -> tuple[int, dict | None]:
    import suggestions.app  # noqa: F401 (a warm container has its handler loaded)

    status, body = decide(suggestion_id, "accept")
    return status, (body or {}).get("pull_request")


def test_two_comms_accepting_at_once_open_one_pull_request(fresh_tables, github):
    from tests.functions.invoke import in_containers

    _, made = suggest()
    results = in_containers(_accept_in_container, [(made["id"],), (made["id"],), (made["id"],)])
    pulls = [pull for status, pull in results if status == 200]
    assert pulls and all(pull == pulls[0] for pull in pulls), results
    assert [status for status, _ in results] == [200, 200, 200], results
    assert len(github.pulls) == 1 and len(github.files) == 1
    final = decide(made["id"], "accept")[1]  # whatever raced, accepting once more ends accepted with that one
    assert final["status"] == "accepted" and final["pull_request"] == github_pull(github)


def github_pull(github) -> dict:
    pull = github.pulls[0]
    return {"branch": pull["head"], "number": pull["number"], "url": pull["html_url"]}
