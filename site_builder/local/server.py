"""`sharewall serve`: the built site, the real function handlers behind /api, and AWS as a moto server.

Each /api request becomes an API Gateway HTTP API (payload 2.0) event for the handler whose route in
template.yaml matches, with the dev identity turned into the JWT authorizer's claims. Every other GET and
HEAD goes through template.yaml's own wall gate first (site_builder/local/gate.py), as CloudFront sends it.
"""

from __future__ import annotations

import base64
import errno
import importlib
import json
import os
import shutil
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from site_builder.local import compress
from site_builder.local.aws import (LocalResources, create_resources, load_snapshot, save_snapshot,
                                    set_local_env, start_moto)
from site_builder.local.devauth import (DEV_AUDIENCE, DEV_ISSUER, ROLES_HEADER, USER_HEADER, DevAuthError,
                                        claims_from_headers)
from site_builder.local.events import LambdaContext, http_event
from site_builder.local.gate import GateError, NodeGate, gated, start_gate, viewer_request
from site_builder.local.editor_backend import EditorBackend
from site_builder.local.headers import ADMIN_POLICY_ID, HeadersPolicyError, PathHeaders, local_headers_by_path
from site_builder.local.scheduled import RUN_PREFIX, LocalRunRefused, check_local, schedule_event, scheduled_functions
from site_builder.local.signin import asset, same_origin_next, signin_page
from site_builder.local.site_bucket import put_function_files
from site_builder.local.template import Route, find_route, http_routes, load_template
from site_builder.publish import content_type
from site_builder.wall import CATALOGUE_PATH, TOKEN_KEY

SIGNIN_PATH = "/_dev/signin"
GO_PREFIX = "/go/"  # shared links, routed to the API like template.yaml's /go/* behaviour (never through the gate)
NOT_FOUND_PAGE = "404.html"  # CloudFront's ResponsePagePath for 404 (template.yaml), at the site's root
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")  # the Host names the local server answers to
LINGER_SECONDS, LINGER_BYTES = 2, 16 * 1024 * 1024  # how long and how much of a refused body is read and dropped


class ServeError(Exception):
    """`sharewall serve` cannot start; the message is the one line to show."""


@dataclass
class LocalApi:
    """The functions of template.yaml, callable with HTTP API v2 events, on local AWS resources."""

    routes: list[Route]
    resources: LocalResources
    data_file: Path | None = None
    audience: str = DEV_AUDIENCE  # the JwtAudience the authorizer accepts tokens for
    scheduled: dict = field(default_factory=dict)  # logical id -> Scheduled: what POST /_local/run/<id> runs
    handlers: dict[str, Callable] = field(default_factory=dict)
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    save_lock: threading.Lock = field(default_factory=threading.Lock)
    setup_lock: threading.Lock = field(default_factory=threading.Lock)

    # A handler module is imported once, like a warm container; one invocation at a time per function,
    # as one Lambda container serves one request at a time (Powertools' resolver keeps per-request state).
    # The first requests of a function may arrive together: they must get the same handler and lock
    def handler(self, route: Route) -> tuple[Callable, threading.Lock]:
        with self.setup_lock:
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
                claims = claims_from_headers(headers, audience=self.audience)
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

    # A scheduled function run now with its schedule's event: (status, headers, body) of what it returned
    def run_scheduled(self, function: str, event: dict) -> tuple[int, dict, bytes]:
        if function not in self.scheduled:
            return _json(404, {"message": f"{function} is no scheduled function of template.yaml; "
                                          f"these are: {', '.join(sorted(self.scheduled)) or 'none'}"})
        target = self.scheduled[function]
        handler, lock = self.handler(Route("POST", RUN_PREFIX + function, function, target.handler, False))
        try:
            with lock:
                result = handler(event, LambdaContext(function_name=function))
        except Exception as error:  # the run failed as it would on AWS (and be retried there): say why
            return _json(502, {"function": function, "error": f"{type(error).__name__}: {error}"})
        finally:
            self.save()
        return _json(200, {"function": function, "result": result})

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


class BucketTypes:
    """A SimpleHTTPRequestHandler mixin: every file's Content-Type as `sharewall publish` gives it in the site bucket
    (publish.content_type, the one mapping), not as this machine's mimetypes would guess it; Decap reads
    admin/config.<lang>.yml only when it comes as text/yaml."""

    # The bucket's type of the file at `path` (its name decides)
    def guess_type(self, path: str | os.PathLike) -> str:
        return content_type(os.fspath(path).replace(os.sep, "/"))


class LocalRequestHandler(compress.CompressedFiles, BucketTypes, SimpleHTTPRequestHandler):
    """Static files from the site folder, /api to the functions, and the dev sign-in page.

    Every response carries production's security headers (template.yaml's headers policy of the cache
    behaviour the request's path matches, as CloudFront chooses it: the wall's or the editor's); a request
    for another Host, with a body it cannot take or a malformed length is refused with one line and the
    connection closed, before anything is read or kept.
    """

    api: LocalApi
    api_prefix = "/api"
    hosts: frozenset[str] = frozenset()  # `name:port` values of Host this server answers (set by start_stack)
    path_headers: PathHeaders = PathHeaders()  # the security headers by request path (set by start_stack)
    request_path = "/"  # the path as the client asked for it (the gate may rewrite self.path): picks the headers
    signin: dict = {}  # token key, audience and API path of the dev sign-in page (set by start_stack)
    gate: NodeGate | None = None  # template.yaml's WallAccessFunction in Node (set by start_stack when Node is there)
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle or stalled connection is closed after this many seconds, its thread ends
    linger = False  # set when a request was refused: see finish

    # Only requests for this server by a loopback name: a page of another site whose name resolves to
    # 127.0.0.1 (DNS rebinding) sends its own name as Host and gets nothing
    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self.request_path = urlsplit(self.path).path or "/"
        host = (self.headers.get("host") or "").strip().lower()
        if not host:
            return self._refuse(400, "Bad Request: a Host header is required")
        if host not in self.hosts:
            answers = min(self.hosts, default="its own loopback address")
            return self._refuse(421, f"Misdirected Request: this server answers only for {answers}")
        if not (self.path.startswith("/") or (self.command == "OPTIONS" and self.path == "*")):
            return self._refuse(400, "Bad Request: the request target must be a path")
        # two lengths are two readings of one body (request smuggling): neither is taken
        if len(self.headers.get_all("content-length") or []) > 1:
            return self._refuse(400, "Bad Request: more than one Content-Length")
        return True

    def end_headers(self) -> None:
        for key, value in self.path_headers.for_path(self.request_path).items():
            self.send_header(key, value)
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self._is_api():
            return self._api()
        if self._is_go():
            return self._api(go=True)
        if not self._through_gate():
            return None
        parts = urlsplit(self.path)
        if parts.path.rstrip("/") == SIGNIN_PATH:
            return self._signin_page(parts.query)
        found = asset(parts.path)
        if found:
            return self._send(200, {"content-type": found[0], "cache-control": "no-store"}, found[1])
        return self.site_file()

    def do_HEAD(self) -> None:  # noqa: N802
        self._unread_body()
        if self._is_api() or self._is_go():  # API Gateway routes HEAD like any method (a HEAD route, else 404)
            return self._api(go=self._is_go())
        if not self._through_gate():
            return None
        return super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        if self._is_api():
            return self._api()
        if self.command == "POST" and urlsplit(self.path).path.startswith(RUN_PREFIX):
            return self._run_scheduled()
        return self._refuse(405, "Method Not Allowed: only /api takes this method")

    # POST /_local/run/<LogicalId>: a scheduled function now, for a request from this machine only
    def _run_scheduled(self) -> None:
        length = self._body_length()
        if length is None:
            return
        body = self.rfile.read(length) if length else b""
        try:
            check_local(self.client_address[0], self.headers.get("origin"), self.headers.get("sec-fetch-site"),
                        f"http://{self.headers['host'].strip().lower()}")
            event = schedule_event(body)
        except LocalRunRefused as error:
            return self._send(error.status, {"content-type": "application/json"},
                              json.dumps({"message": str(error)}).encode())
        function = urlsplit(self.path).path[len(RUN_PREFIX):]
        self._send(*self.api.run_scheduled(function, event))

    do_PUT = do_PATCH = do_DELETE = do_POST

    # Any other method (TRACE, QUERY, ...) too: API Gateway answers it with 404, never http.server's 501
    def __getattr__(self, name: str):
        if name.startswith("do_"):
            return self.do_POST
        raise AttributeError(name)

    def do_OPTIONS(self) -> None:  # noqa: N802 (same origin locally: no CORS needed, answer pre-flights anyway)
        self._unread_body()
        self._send(204, {"allow": "GET, POST, PUT, PATCH, DELETE, OPTIONS"}, b"")

    # A page that is not in the site answers like CloudFront's custom error response (template.yaml): status
    # 404 with the built site's own 404.html; the API's 404s stay the function's JSON
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory, NOT_FOUND_PAGE)
        if code == 404 and not self._is_api() and page.is_file():
            data, headers = page.read_bytes(), {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}
            encoding = compress.chosen(self.headers.get("accept-encoding")) if self.command == "GET" else None
            if encoding and compress.compressible(404, headers["content-type"], len(data)):
                data, headers["content-encoding"] = compress.encode(data, encoding), encoding
            return self._send(404, headers, data)
        return super().send_error(code, message, explain)

    # The wall gate, as CloudFront runs it on the site's default behaviour: the request goes on with the URI it
    # returns (index paths), or its own response (a redirect to sign-in) is sent; False when it answered
    def _through_gate(self) -> bool:
        parts = urlsplit(self.path)
        if self.gate is None or not gated(parts.path, self.api_prefix):
            return True
        event = viewer_request(self.command, self.path, list(self.headers.items()), self.client_address[0])
        try:
            result = self.gate.run(event)
        except GateError as error:  # CloudFront answers a failing function with 503
            self.log_error("%s", error)
            self._send(503, {"content-type": "text/plain; charset=utf-8"}, b"Service Unavailable: the wall gate failed\n")
            return False
        if "statusCode" in result:
            headers = {name: [item["value"] for item in entry.get("multiValue") or [entry]]
                       for name, entry in (result.get("headers") or {}).items()}
            self._send(int(result["statusCode"]), headers, str(result.get("body") or "").encode())
            return False
        self.path = result["uri"] + (f"?{parts.query}" if parts.query else "")
        return True

    def _is_api(self) -> bool:
        path = urlsplit(self.path).path
        return path == self.api_prefix or path.startswith(self.api_prefix + "/")

    # Shared links: CloudFront's /go/* behaviour sends them to the API past the wall gate, as this does
    def _is_go(self) -> bool:
        return urlsplit(self.path).path.startswith(GO_PREFIX)

    # The dev sign-in page, returning to `next` only when it is a page of this origin
    def _signin_page(self, query: str) -> None:
        origin = f"http://{self.headers['host'].strip().lower()}"
        values = parse_qs(query).get("next")
        next_url = same_origin_next(values[0] if values else None, origin)
        page = signin_page(self.signin["token_key"], self.signin["audience"], self.api_prefix, next_url)
        self._send(200, {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}, page.encode())

    # The body's length as the client declared it, or None after refusing what cannot be read safely
    def _body_length(self) -> int | None:
        if "transfer-encoding" in self.headers:
            self._refuse(411, "Length Required: send the body with a Content-Length")
            return None
        declared = (self.headers.get("content-length") or "0").strip()
        if not declared.isdigit():
            self._refuse(400, "Bad Request: Content-Length must be a whole number of bytes")
            return None
        length = int(declared)
        if length > MAX_BODY:
            self._refuse(413, f"Content Too Large: bodies are limited to {MAX_BODY} bytes")
            return None
        return length

    def _api(self, go: bool = False) -> None:
        parts = urlsplit(self.path)
        length = self._body_length()
        if length is None:
            return
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return
        headers = {key.lower(): value for key, value in self.headers.items()}
        path = parts.path if go else parts.path[len(self.api_prefix):] or "/"
        try:
            status, out_headers, data = self.api.invoke(self.command, path, parts.query, headers, body)
        except Exception as error:  # a handler that raised: API Gateway answers 500, the log says why
            self.log_error("handler failed: %r", error)
            status, out_headers, data = _json(500, {"message": "Internal Server Error"})
        page = Path(self.directory, NOT_FOUND_PAGE)
        if go and status == 404 and page.is_file():  # CloudFront's 404 response page covers the /go/* behaviour too
            out_headers, data = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}, page.read_bytes()
        self._send(status, out_headers, data)

    # HEAD and OPTIONS never read a body: one that was sent must not be read as the next request
    def _unread_body(self) -> None:
        if (self.headers.get("content-length") or "0").strip() not in ("", "0") or self.headers.get("transfer-encoding"):
            self.close_connection = self.linger = True

    # One line of refusal; the connection is closed, as any body the client sends is not read
    def _refuse(self, status: int, line: str) -> bool:
        self.close_connection = True
        self.linger = True
        if self._is_api():
            self._send(status, {"content-type": "application/json", "connection": "close"},
                       json.dumps({"message": line}).encode())
        else:
            self._send(status, {"content-type": "text/plain; charset=utf-8", "connection": "close"},
                       (line + "\n").encode())
        return False

    # After a refusal, the client may still be sending its body: closing with unread data would reset the
    # connection and could destroy the answer before the client reads it, so the rest is read and dropped
    # for a moment (at most LINGER_BYTES, never kept) after the answer has gone out
    def finish(self) -> None:
        try:
            super().finish()
            if self.linger:
                self.connection.shutdown(socket.SHUT_WR)
                deadline, dropped = time.monotonic() + LINGER_SECONDS, 0
                while dropped < LINGER_BYTES and (left := deadline - time.monotonic()) > 0:
                    self.connection.settimeout(left)
                    chunk = self.connection.recv(65536)
                    if not chunk:
                        break
                    dropped += len(chunk)
        except OSError:
            pass  # the client is gone: nothing left to protect

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


class LocalServer(ThreadingHTTPServer):
    """The local server's socket: a listen backlog for bursts of clients, a thread per connection that
    never keeps the process alive or waits at shutdown."""

    request_queue_size = 256  # socketserver's default of 5 resets connections when 32 clients start at once
    daemon_threads = True
    block_on_close = False


def bind_server(host: str = "127.0.0.1", port: int = 8000) -> LocalServer:
    """The listening socket of `sharewall serve`, bound before anything slow starts; its request handler is
    set by start_stack. ServeError with one line when the port cannot be had."""
    try:
        return LocalServer((host, port), LocalRequestHandler)
    except OSError as error:
        raise ServeError(port_problem(error, host, port, "port", "--port", "PORT")) from None


# One line for a port `sharewall serve` cannot listen on: the option to change it, and the make variable
# (`make serve` users set PORT=/AWS_PORT=, not the option)
def port_problem(error: OSError, host: str, port: int, what: str, option: str, make_variable: str) -> str:
    how = f"`sharewall serve {option} N` (with make: `make serve {make_variable}=N`)"
    if error.errno == errno.EADDRINUSE:
        return f"{what} {port} is in use: stop the other server, or choose another with {how}"
    if error.errno == errno.EACCES:
        return f"{what} {port} needs privileges to listen on: choose one above 1023 with {how}"
    return f"cannot listen on {host}:{port} ({what}): {error.strerror or error}"


def aws_port_free(port: int, host: str = "127.0.0.1") -> None:
    """ServeError when the local AWS (moto) port is taken; checked before the build, like the site's port."""
    if port == 0:
        return
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ServeError(port_problem(error, host, port, "AWS port", "--aws-port", "AWS_PORT")) from None


@dataclass
class LocalStack:
    """Everything `sharewall serve` runs: moto, the resources, the API and the HTTP server."""

    url: str
    server: ThreadingHTTPServer
    api: LocalApi
    moto: object
    gate: NodeGate | None = None
    notes: list[str] = field(default_factory=list)  # one line each, for the developer (e.g. no Node: no gate)
    aws_endpoint: str = ""  # the moto server's URL: `--endpoint-url` of `sharewall publish` and `active-posts`
    site_bucket: str = ""  # the local name of the template's SiteBucket, for `sharewall publish --bucket`
    editor: EditorBackend | None = None  # the editor's local backend (decap-server), stopped with the stack

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self.server.server_close()
        self.api.save()
        if self.gate:
            self.gate.close()
        if self.editor:
            self.editor.close()
        self.moto.stop()


class _QuietFiles(BucketTypes, SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def end_headers(self) -> None:
        for key, value in self.headers_to_send.items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


def serve_directory(directory: Path, host: str = "127.0.0.1",
                    headers: dict[str, str] | None = None) -> tuple[str, LocalServer]:
    """The files of `directory` over HTTP in a background thread, like a published site; (base URL, server).

    For tests and benches that need a site next to the functions (the wall's catalogue, a built site);
    `headers` go on every response, as CloudFront's response headers policy adds them.
    Stop it with `server.shutdown()`.
    """
    handler = type("Files", (_QuietFiles,), {"headers_to_send": dict(headers or {})})
    server = LocalServer((host, 0), partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://{host}:{server.server_address[1]}/", server


def serve_catalogue(directory: Path, posts: list[dict]) -> tuple[str, LocalServer]:
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
                parameters: dict[str, str] | None = None, template: dict | None = None,
                server: LocalServer | None = None, sign_in_urls: tuple[str, ...] = (), aws_port: int = 0,
                editor: EditorBackend | None = None) -> LocalStack:
    """Bind the HTTP server (unless `server` is bound already), start moto, create template.yaml's resources
    (and restore --data).

    `template` is the project's template.yaml when the caller has read it already; `sign_in_urls` are the
    identity provider's endpoints when the site signs in there (mkdocs.yml's `sign_in`), for the CSP;
    `aws_port` is moto's (0: one the system picks); `editor` the editor's running local backend (its
    origin joins the admin policy's connect-src; the stack stops it).
    """
    handler = type("BoundHandler", (LocalRequestHandler,), {"api_prefix": api_prefix(api_setting)})
    server = server or bind_server(host, port)
    server.RequestHandlerClass = partial(handler, directory=str(site_dir))
    bound_host, bound_port = server.server_address[:2]
    url = f"http://{bound_host}:{bound_port}/"
    handler.hosts = frozenset(f"{name}:{bound_port}" for name in LOOPBACK_NAMES)
    try:
        server_moto, endpoint = start_moto(aws_port)
    except OSError as error:
        raise ServeError(port_problem(error, host, aws_port, "AWS port", "--aws-port", "AWS_PORT")) from None
    set_local_env(endpoint)
    if template is None:
        template = load_template(project / "template.yaml")
    # The site's origin is this server: links the functions build (invites) point back to it
    resources = create_resources(template, {**(parameters or {}), "SiteOrigin": url.rstrip("/")},
                                 samconfig=project / "samconfig.toml")
    os.environ.update(resources.function_environment())
    # accepted suggestions become a branch of a local repository, not a GitHub pull request: the editor's
    # when it runs (they show in its workflow), else this working copy's
    os.environ.setdefault("SUGGESTIONS_GIT_DIR", str(editor.repository if editor else project))
    functions_dir = str(project / "functions")
    if functions_dir not in sys.path:
        sys.path.insert(0, functions_dir)
    if data_file:
        load_snapshot(resources, data_file)
    # the functions read the published files from the site bucket, as on AWS (never through the wall gate)
    if resources.buckets.get("SiteBucket"):
        put_function_files(site_dir, resources.buckets["SiteBucket"])
        os.environ["SITE_BUCKET"] = resources.buckets["SiteBucket"]
    audience = resources.parameters.get("JwtAudience", DEV_AUDIENCE)
    handler.api = LocalApi(routes=http_routes(template), resources=resources, data_file=data_file, audience=audience,
                           scheduled=scheduled_functions(template))
    handler.signin = {"token_key": TOKEN_KEY, "audience": audience}
    try:
        handler.path_headers = local_headers_by_path(
            template, resources.resolve, issuer=resources.parameters.get("JwtIssuer", DEV_ISSUER),
            aws_endpoint=endpoint, sign_in_urls=sign_in_urls,
            extra_sources={ADMIN_POLICY_ID: {"connect-src": [editor.url]}} if editor else None)
    except HeadersPolicyError as error:
        server_moto.stop()
        raise ServeError(str(error)) from None
    notes = []
    try:
        handler.gate = start_gate(template, resources.resolve, partial(_secret_value, resources), shutil.which("node"))
    except GateError as error:  # no Node: one line, and the site is served without the gate
        notes.append(str(error))
    return LocalStack(url=url, server=server, api=handler.api, moto=server_moto, gate=handler.gate, notes=notes,
                      aws_endpoint=endpoint, site_bucket=resources.buckets.get("SiteBucket", ""), editor=editor)


def _secret_value(resources: LocalResources, logical_id: str) -> str:
    """The local value of one of the template's secrets ("" when the template has no such secret)."""
    import boto3

    if logical_id not in resources.secrets:
        return ""
    manager = boto3.client("secretsmanager")
    return manager.get_secret_value(SecretId=resources.secrets[logical_id])["SecretString"]
