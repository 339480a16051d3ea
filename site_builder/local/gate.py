"""The wall gate of production, run locally: template.yaml's `WallAccessFunction` in one long-lived Node process.

CloudFront runs that function on every request of the site's default behaviour (not `/api/*`, not
`/go/*`): index paths for S3, and with WallAccess=employees the session cookie check. `sharewall serve`
runs the same JavaScript, its `!Sub` resolved with the local parameters, in Node, with a stand-in for
CloudFront's `cloudfront` module whose key value store holds what the deploy workflow puts into the real
one (`session-key`: the SessionKeySecret the session function signs with). One process answers every
request over a line protocol on stdin/stdout: one JSON message in, one JSON answer out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from site_builder.local.template import resources_of_type

FUNCTION_TYPE = "AWS::CloudFront::Function"
FUNCTION_ID = "WallAccessFunction"
# What the deploy workflow copies into the key value store (.github/workflows/deploy.yml): key -> secret
STORE_SECRETS = {"session-key": "SessionKeySecret"}
# Paths CloudFront never sends through the gate (behaviours of their own) and the dev server's own routes
BYPASS_PREFIXES = ("/go/", "/_dev/", "/_local/")
BYPASS_PATHS = ("/_dev/signin",)

# The stand-in for CloudFront's runtime module: kvs(id).get(key) reads the store the message carried; a
# missing key throws, as the real one does
CLOUDFRONT_MODULE = """
export default {
  kvs(id) {
    if (id !== process.env.WALL_KVS_ID) throw new Error('no key value store ' + id + ' is associated');
    return {
      async get(key) {
        var store = globalThis.__wallKeyValueStore || {};
        if (!Object.prototype.hasOwnProperty.call(store, key)) throw new Error('key not found: ' + key);
        return store[key];
      },
    };
  },
};
"""
# Appended to the function's code (which declares `handler` and exports nothing): one viewer-request event
# per stdin line, one answer per stdout line; the function's own logging goes to stderr
LOOP = """
;console.log = function () { process.stderr.write(Array.prototype.join.call(arguments, ' ') + '\\n'); };
for await (const line of (await import('node:readline')).createInterface({ input: process.stdin })) {
  let answer;
  try {
    const message = JSON.parse(line);
    globalThis.__wallKeyValueStore = message.kvs || {};
    answer = { result: await handler(message.event) };
  } catch (error) {
    answer = { error: String((error && error.stack) || error) };
  }
  process.stdout.write(JSON.stringify(answer) + '\\n');
}
"""


class GateError(RuntimeError):
    """The gate's Node process failed or is gone; the message says why."""


def function_resource(template: dict) -> dict | None:
    """The `WallAccessFunction` resource (or the template's one CloudFront function), None when there is none."""
    functions = resources_of_type(template, FUNCTION_TYPE)
    return functions.get(FUNCTION_ID) or next(iter(functions.values()), None)


def function_code(resource: dict, resolve: Callable[[Any], Any]) -> str:
    """The function's JavaScript with its `!Sub` resolved by `resolve` (CloudFormation's `${!x}` -> `${x}`)."""
    code = (resource.get("Properties") or {}).get("FunctionCode")
    return str(resolve(code) if isinstance(code, dict) else code)


def store_id(resource: dict, resolve: Callable[[Any], Any]) -> str:
    """The id of the key value store associated with the function, as `cf.kvs(id)` is called with it."""
    associations = ((resource.get("Properties") or {}).get("FunctionConfig") or {}).get("KeyValueStoreAssociations")
    for association in associations or []:
        arn = association.get("KeyValueStoreARN")
        if isinstance(arn, dict) and "Fn::GetAtt" in arn:
            return str(resolve({"Fn::GetAtt": [arn["Fn::GetAtt"][0], "Id"]}))
    return ""


class NodeGate:
    """One Node process running the function; `run(event)` is what the function returned for it."""

    def __init__(self, code: str, node: str, kvs_id: str = "", store: dict[str, str] | None = None):
        self.store = dict(store or {})
        self.folder = Path(tempfile.mkdtemp(prefix="sharewall-gate-"))
        module = self.folder / "node_modules" / "cloudfront"
        module.mkdir(parents=True)
        (module / "package.json").write_text(json.dumps({"name": "cloudfront", "type": "module", "main": "index.js"}))
        (module / "index.js").write_text(CLOUDFRONT_MODULE)
        script = self.folder / "wall-access.mjs"
        script.write_text(code + "\n" + LOOP, encoding="utf-8")
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.lock = threading.Lock()
        self.process = subprocess.Popen([node, str(script)], cwd=self.folder, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.errors, text=True, encoding="utf-8",
                                        env={"WALL_KVS_ID": kvs_id, "PATH": "/usr/bin:/bin"})

    # One request at a time: the answer on stdout belongs to the line just written
    def run(self, event: dict, store: dict[str, str] | None = None) -> dict:
        message = json.dumps({"event": event, "kvs": self.store if store is None else store})
        with self.lock:
            try:
                self.process.stdin.write(message + "\n")
                self.process.stdin.flush()
                line = self.process.stdout.readline()
            except (BrokenPipeError, ValueError):
                line = ""
        if not line:
            raise GateError(f"the wall gate's Node process ended: {self._stderr()}")
        answer = json.loads(line)
        if "error" in answer:
            raise GateError(f"the wall gate failed: {answer['error']}")
        return answer["result"]

    def _stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read()[-2000:].strip() or "no output"

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _multi(pairs: list[tuple[str, str]]) -> dict[str, dict]:
    """CloudFront's {name: {value, multiValue}} form of name/value pairs (the first value as `value`)."""
    found: dict[str, dict] = {}
    for name, value in pairs:
        if name in found:
            entry = found[name]
            entry.setdefault("multiValue", [{"value": entry["value"]}]).append({"value": value})
        else:
            found[name] = {"value": value}
    return found


def viewer_request(method: str, target: str, headers: list[tuple[str, str]], client_ip: str = "127.0.0.1") -> dict:
    """The viewer-request event CloudFront hands the function for `method target`: the URI and query string
    as the viewer sent them (not decoded), headers by lower-case name, cookies parsed from Cookie."""
    parts = urlsplit(target)
    query = [(piece.partition("=")[0], piece.partition("=")[2]) for piece in parts.query.split("&") if piece]
    cookies = []
    for name, value in headers:
        if name.lower() == "cookie":
            for piece in value.split(";"):
                if piece.strip():
                    key, _, item = piece.strip().partition("=")
                    cookies.append((key, item))
    return {"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": client_ip},
            "request": {"method": method, "uri": parts.path,
                        "querystring": _multi(query),
                        "headers": _multi([(name.lower(), value) for name, value in headers
                                           if name.lower() != "cookie"]),
                        "cookies": _multi(cookies)}}


def gated(path: str, api_prefix: str) -> bool:
    """Whether CloudFront would send a request for `path` through the gate: the site's default behaviour only."""
    if path == api_prefix or path.startswith(api_prefix + "/"):
        return False
    return path not in BYPASS_PATHS and not path.startswith(BYPASS_PREFIXES)


def start_gate(template: dict, resolve: Callable[[Any], Any], secret_value: Callable[[str], str],
               node: str | None) -> NodeGate | None:
    """The template's gate in Node, with the local key store filled from the local secrets; None when the
    template has no CloudFront function. GateError with one line when Node is missing."""
    resource = function_resource(template)
    if resource is None:
        return None
    if not node:
        raise GateError("node was not found: serving without the wall gate (WallAccessFunction); "
                        "install Node.js to run it locally")
    store = {key: secret_value(secret) for key, secret in STORE_SECRETS.items()}
    gate = NodeGate(function_code(resource, resolve), node, store_id(resource, resolve), store)
    try:
        gate.run(viewer_request("GET", "/", []))  # loads the module now: a broken function fails at start
    except GateError:
        gate.close()
        raise
    return gate
