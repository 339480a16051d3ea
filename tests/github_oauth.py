"""A loopback stand-in of GitHub's OAuth web endpoints, for the editor's sign-in (functions/editorauth).

GET /login/oauth/authorize: the person "approves" at once, and is sent back to the redirect_uri with a
fresh code and the state it was given (or with `error=access_denied` when `deny` is set). The redirect_uri
must be the one the App is registered with (`callback`), as GitHub insists.
POST /login/oauth/access_token: a form with the right client_id, client_secret and an unused code of that
client answers {"access_token", "token_type", "scope"}; anything else answers GitHub's way, 200 with
{"error": "bad_verification_code" | "incorrect_client_credentials" | "redirect_uri_mismatch"}.
`answer_with` replaces the next exchange's answer with (status, body), to play a broken GitHub.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class GitHubOAuth(ThreadingHTTPServer):
    """The stand-in: one App's OAuth client, the codes it handed out, the exchanges it saw."""

    daemon_threads = True

    def __init__(self, client_id: str, client_secret: str, callback: str = ""):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.client_id, self.client_secret, self.callback = client_id, client_secret, callback
        self.codes: dict[str, str] = {}  # code -> the redirect_uri it was made for (used codes are removed)
        self.tokens: list[str] = []  # every token handed out, in order
        self.exchanges: list[dict[str, str]] = []  # every access_token form received (secrets included: tests only)
        self.authorizations: list[dict[str, str]] = []  # every authorize query received
        self.deny = False
        self.answer_with: tuple[int, bytes] | None = None
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: GitHubOAuth

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json", location: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        if parts.path != "/login/oauth/authorize":
            return self._send(404, b'{"message": "Not Found"}')
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        server = self.server
        with server.lock:
            server.authorizations.append(query)
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != server.client_id or (server.callback and redirect != server.callback):
            return self._send(400, b"<p>The redirect_uri is not associated with this application.</p>", "text/html")
        if server.deny:
            answer = {"error": "access_denied", "error_description": "The user has denied your application access.",
                      "state": query.get("state", "")}
        else:
            code = secrets.token_hex(10)
            with server.lock:
                server.codes[code] = redirect
            answer = {"code": code, "state": query.get("state", "")}
        self._send(302, b"", "text/html", location=f"{redirect}?{urlencode(answer)}")

    def do_POST(self):  # noqa: N802
        if urlsplit(self.path).path != "/login/oauth/access_token":
            return self._send(404, b'{"message": "Not Found"}')
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        server = self.server
        with server.lock:
            server.exchanges.append(form)
            if server.answer_with is not None:
                status, body = server.answer_with
                server.answer_with = None
                return self._send(status, body)
            if form.get("client_id") != server.client_id or form.get("client_secret") != server.client_secret:
                return self._send(200, json.dumps({"error": "incorrect_client_credentials"}).encode())
            redirect = server.codes.pop(form.get("code", ""), None)
            if redirect is None:
                return self._send(200, json.dumps({"error": "bad_verification_code"}).encode())
            if form.get("redirect_uri") and form["redirect_uri"] != redirect:
                return self._send(200, json.dumps({"error": "redirect_uri_mismatch"}).encode())
            token = "ghu_" + secrets.token_hex(18)
            server.tokens.append(token)
        if "application/json" not in (self.headers.get("Accept") or ""):  # GitHub's default is a form
            return self._send(200, urlencode({"access_token": token, "token_type": "bearer"}).encode(),
                              "application/x-www-form-urlencoded")
        self._send(200, json.dumps({"access_token": token, "token_type": "bearer", "scope": ""}).encode())
