"""`sharewall serve`: the built site, the real function handlers behind /api, and AWS as a moto server.

Each /api request becomes an API Gateway HTTP API (payload 2.0) event for the handler whose route in
template.yaml matches, with the dev identity turned into the JWT authorizer's claims.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from site_builder.local.aws import (LocalResources, create_resources, load_snapshot, save_snapshot,
                                    set_local_env, start_moto)
from site_builder.local.devauth import DEV_AUDIENCE, ROLES_HEADER, USER_HEADER, DevAuthError, claims_from_headers
from site_builder.local.events import LambdaContext, http_event
from site_builder.local.signin import signin_page
from site_builder.local.template import Route, find_route, http_routes, load_template
from site_builder.wall import CATALOGUE_PATH, TOKEN_KEY

SIGNIN_PATH = "/_dev/signin"
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit


@dataclass
class LocalApi:
    """The functions of template.yaml, callable with HTTP API v2 events, on local AWS resources."""

    routes: list[Route]
    resources: LocalResources
    data_file: Path | None = None
    handlers: dict[str, Callable] = field(default_factory=dict)
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    save_lock: threading.Lock = field(default_factory=threading.Lock)

    # A handler module is imported once, like a warm container; one invocation at a time per function,
    # as one Lambda container serves one request at a time (Powertools' resolver keeps per-request state)
    def handler(self, route: Route) -> tuple[Callable, threading.Lock]:
        if route.handler not in self.handlers:
            module_name, function_name = route.handler.rsplit(".", 1)
            self.handlers[route.handler] = getattr(importlib.import_module(module_name), function_name)
            self.locks[route.handler] = threading.Lock()
        return self.handlers[route.handler], self.locks[route.handler]

    def invoke(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> tuple[int, dict, bytes]:
        """One API request: (status, headers, body), as API Gateway would answer it."""
        found = find_route(self.routes, method, path)
        if found is None:
            return _json(404, {"message": "Not Found"})
        route, params = found
        claims = None
        if route.authorized:
            try:
                claims = claims_from_headers(headers)
            except DevAuthError:
                claims = None
            if claims is None:
                return _json(401, {"message": "Unauthorized"})
        forwarded = {key: value for key, value in headers.items() if key not in (USER_HEADER, ROLES_HEADER)}
        event = http_event(method, path, route_key=route.key, headers=forwarded, query=query, body=body or None,
                           claims=claims, path_parameters=params or None)
        function, lock = self.handler(route)
        with lock:
            result = function(event, LambdaContext(function_name=route.function))
        if method != "GET":
            self.save()
        return _response(result)

    # With --data, write the state after every change, so a restart finds it again
    def save(self) -> None:
        if self.data_file:
            with self.save_lock:
                save_snapshot(self.resources, self.data_file)


def _json(status: int, payload: dict) -> tuple[int, dict, bytes]:
    return status, {"content-type": "application/json"}, json.dumps(payload).encode()


def _response(result) -> tuple[int, dict, bytes]:
    """A payload 2.0 response: a dict with statusCode, or anything else as a 200 JSON body."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return _json(200, result)
    headers = {key.lower(): str(value) for key, value in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers[key.lower()] = ", ".join(str(value) for value in values)
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    if result.get("cookies"):
        headers["set-cookie"] = result["cookies"]
    return int(result["statusCode"]), headers, data


class LocalRequestHandler(SimpleHTTPRequestHandler):
    """Static files from the site folder, /api to the functions, and the dev sign-in page."""

    api: LocalApi
    api_prefix = "/api"
    signin_html: bytes  # the dev sign-in page, built once by start_stack
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self._is_api():
            return self._api()
        if urlsplit(self.path).path.rstrip("/") == SIGNIN_PATH:
            return self._send(200, {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"},
                              self.signin_html)
        return super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._is_api():
            return self._send(405, {"content-type": "application/json"}, b"")
        return super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        return self._api() if self._is_api() else self._send(405, {"content-type": "text/plain"}, b"")

    do_PUT = do_PATCH = do_DELETE = do_POST

    def do_OPTIONS(self) -> None:  # noqa: N802 (same origin locally: no CORS needed, answer pre-flights anyway)
        self._send(204, {"allow": "GET, POST, PUT, PATCH, DELETE, OPTIONS"}, b"")

    def _is_api(self) -> bool:
        path = urlsplit(self.path).path
        return path == self.api_prefix or path.startswith(self.api_prefix + "/")

    def _api(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            return self._send(*_json(413, {"message": "Request Entity Too Large"}))
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        path = parts.path[len(self.api_prefix):] or "/"
        try:
            status, out_headers, data = self.api.invoke(self.command, path, parts.query, headers, body)
        except Exception as error:  # a handler that raised: API Gateway answers 500, the log says why
            self.log_error("handler failed: %r", error)
            status, out_headers, data = _json(500, {"message": "Internal Server Error"})
        self._send(status, out_headers, data)

    def _send(self, status: int, headers: dict, data: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            for item in value if isinstance(value, list) else [value]:
                self.send_header(key, item)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # one quiet line per request, never headers or bodies
        if os.environ.get("SHAREWALL_QUIET"):
            return
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


@dataclass
class LocalStack:
    """Everything `sharewall serve` runs: moto, the resources, the API and the HTTP server."""

    url: str
    server: ThreadingHTTPServer
    api: LocalApi
    moto: object

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self.server.server_close()
        self.api.save()
        self.moto.stop()


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def serve_directory(directory: Path, host: str = "127.0.0.1") -> tuple[str, ThreadingHTTPServer]:
    """The files of `directory` over HTTP in a background thread, like a published site; (base URL, server).

    For tests and benches that need a site next to the functions (the wall's catalogue, a built site).
    Stop it with `server.shutdown()`.
    """
    server = ThreadingHTTPServer((host, 0), partial(_QuietFiles, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://{host}:{server.server_address[1]}/", server


def serve_catalogue(directory: Path, posts: list[dict]) -> tuple[str, ThreadingHTTPServer]:
    """A published site holding only the wall's catalogue of `posts` (slug, source, networks); (origin, server).

    What the shares function reads, for tests and benches that run it without building a site.
    """
    (directory / CATALOGUE_PATH).parent.mkdir(parents=True, exist_ok=True)
    (directory / CATALOGUE_PATH).write_text(json.dumps({"posts": posts}), encoding="utf-8")
    url, server = serve_directory(directory)
    return url.rstrip("/"), server


def api_prefix(api_setting: str) -> str:
    """The path the site calls the API on: the `api` setting when it is a path, else /api."""
    return api_setting.rstrip("/") if api_setting.startswith("/") else "/api"


def start_stack(project: Path, site_dir: Path, *, port: int = 8000, host: str = "127.0.0.1",
                data_file: Path | None = None, api_setting: str = "/api",
                parameters: dict[str, str] | None = None, template: dict | None = None) -> LocalStack:
    """Bind the HTTP server, start moto, create template.yaml's resources (and restore --data).

    `template` is the project's template.yaml when the caller has read it already.
    """
    handler = type("BoundHandler", (LocalRequestHandler,), {"api_prefix": api_prefix(api_setting)})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(site_dir)))
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    url = f"http://{bound_host}:{bound_port}/"
    server_moto, endpoint = start_moto()
    set_local_env(endpoint)
    if template is None:
        template = load_template(project / "template.yaml")
    # The site's origin is this server: links the functions build (invites) point back to it
    resources = create_resources(template, {**(parameters or {}), "SiteOrigin": url.rstrip("/")})
    os.environ.update(resources.function_environment())
    functions_dir = str(project / "functions")
    if functions_dir not in sys.path:
        sys.path.insert(0, functions_dir)
    if data_file:
        load_snapshot(resources, data_file)
    handler.api = LocalApi(routes=http_routes(template), resources=resources, data_file=data_file)
    audience = resources.parameters.get("JwtAudience", DEV_AUDIENCE)
    handler.signin_html = signin_page(TOKEN_KEY, audience, handler.api_prefix).encode()
    return LocalStack(url=url, server=server, api=handler.api, moto=server_moto)
