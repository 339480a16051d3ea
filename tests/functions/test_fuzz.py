"""Schema-based fuzzing: schemathesis runs all its checks over each function's OpenAPI document against
the real local stack (`sharewall serve`): no answer may be a 5xx, and every answer must be one its
document lists (status, media type, body schema).

Bounded and repeatable: a fixed number of cases per operation from a fixed seed, generated
deterministically, one worker per function. Staff call with a dev bearer token and influencers with a
real invite token, the security schemes the documents declare, so schemathesis can also leave them out
and expect 401/403. The documents themselves must be what the resolvers generate today
(`python -m site_builder.openapi`).

Configured, not skipped (CONFIG): a schema cannot say everything a route checks (a post must be on the
wall, an IBAN valid, a cursor one the API signed, a claim within the policy), so a schema-valid request
may also get the API's documented refusals 400/422 (and 415: schemathesis at times sends a schema-valid
body under another content type than the documented JSON); a schema-violating one may also get 413/415; a
method no route has is answered by the HTTP API itself (404 before any function runs, as the local
server does), so the two checks about undeclared methods are off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.local.devauth import dev_token
from site_builder.openapi import OUT_DIR, app_modules
from tests.local_serve import ServeProcess, request

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
STAFF = {"X-Sharewall-Dev-User": "fuzzer", "X-Sharewall-Dev-Roles": "employee,comms,finance"}
CASES_PER_OPERATION = {"shares": 40, "claims": 12, "session": 30, "suggestions": 20,  # a few hundred cases per function
                       "editorauth": 30}
SEED = 20261127
# The session function takes no input, the editor's sign-in only what its schema says: a schema-valid request
# to them is never refused as invalid
RULES_BEYOND_THE_SCHEMA = {"shares": True, "claims": True, "session": False, "suggestions": True, "editorauth": False}
CONFIG = """
[checks]
positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "415", "429"{refusals}]
negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "409", "413", "415", "422"]
"""


def test_the_committed_openapi_documents_are_what_the_resolvers_generate():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "SITE_"))}
    result = subprocess.run([sys.executable, "-m", "site_builder.openapi", "--check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_function_behind_the_api_has_a_document_and_a_bound():
    assert set(app_modules()) == set(CASES_PER_OPERATION) == set(RULES_BEYOND_THE_SCHEMA)
    for name in app_modules():
        document = json.loads((OUT_DIR / f"{name}.json").read_text(encoding="utf-8"))
        operations = [op for path in document["paths"].values() for op in path.values()]
        assert operations and all("security" in op for op in operations), name


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A `sharewall serve` of its own (the fuzzer writes to it), and an invite token for the influencer routes."""
    server = ServeProcess(tmp_path_factory.mktemp("fuzzed-site"))
    try:
        status, _, body = request(server.url + "api/invites", "POST",
                                  {"name": "Fuzz Tester", "email": "fuzz@example.org", "campaign": "creator-programme"}, STAFF)
        assert status == 201, body
        yield server.url, json.loads(body)["token"]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def fuzz_runs(stack, tmp_path_factory):
    """One schemathesis run per function, all started at once (the local stack serves each function apart)."""
    url, token = stack
    bearer = dev_token("fuzzer", ["employee", "comms", "finance"])
    runs = {}
    for name, cases in CASES_PER_OPERATION.items():
        directory = tmp_path_factory.mktemp(f"fuzz-{name}")
        refusals = ', "400", "422"' if RULES_BEYOND_THE_SCHEMA[name] else ""
        (directory / "schemathesis.toml").write_text(CONFIG.format(refusals=refusals), encoding="utf-8")
        command = [
            str(SCHEMATHESIS), "--config-file", str(directory / "schemathesis.toml"), "run",
            str(OUT_DIR / f"{name}.json"), "--url", url + "api", "--checks", "all",
            "--exclude-checks", "unsupported_method,allow_header_conformance",
            "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(cases), "--seed", str(SEED),
            "--generation-deterministic", "--generation-with-security-parameters", "false", "--workers", "1",
            "--request-timeout", "30", "--no-color",
            "-H", f"X-Invite-Token: {token}", "-H", f"Authorization: Bearer {bearer}",
        ]
        runs[name] = subprocess.Popen(command, cwd=directory, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    yield runs
    for process in runs.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("name", sorted(CASES_PER_OPERATION))
def test_no_generated_request_gets_a_5xx(fuzz_runs, name):
    output, _ = fuzz_runs[name].communicate(timeout=240)
    failures = output[output.find("FAILURES"):] if "FAILURES" in output else output[-4000:]
    assert fuzz_runs[name].returncode == 0, failures[:8000]
    assert " generated" in output  # it did run cases


# (method, path, headers, body): hand-made requests no schema describes, through the real local stack
RAW = [
    ("POST", "/api/shares", {"content-type": "application/json", "idempotency-key": "raw-hostile-1"}, b'{"post": "\xff"}'),
    ("POST", "/api/shares", {"content-type": "multipart/form-data", "idempotency-key": "raw-hostile-2"}, b"--x--"),
    ("POST", "/api/shares", {"content-type": "application/json", "idempotency-key": "raw-hostile-3"}, b"[" * 3000),
    ("POST", "/api/invites", {"content-type": "application/json"}, b'{"days": ' + b"9" * 5000 + b"}"),
    ("GET", "/api/stats?from=0001-01-01&to=9999-12-31", {}, b""),
    ("GET", "/api/invites?cursor=eyJwayI6eyJTIjoiSU5WSVRFIzEifX0", {}, b""),
    ("GET", "/api/claims?cursor=" + "%FF" * 10, {}, b""),
    ("POST", "/api/claims", {"content-type": "application/json", "x-invite-token": "0" * 16 + "." + "a" * 43}, b"{"),
    ("POST", "/api/invites", {"content-type": "multipart/form-data"}, b""),  # no boundary and no body: still not JSON
]


@pytest.mark.parametrize("method, path, headers, body", RAW, ids=[f"{row[0]} {row[1][:40]}" for row in RAW])
def test_hand_made_requests_through_the_local_stack_are_4xx_json(stack, method, path, headers, body):
    import http.client
    from urllib.parse import urlsplit

    url, _ = stack
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={**STAFF, **headers})
        response = connection.getresponse()
        status, data = response.status, response.read()
    finally:
        connection.close()
    assert 400 <= status < 500, (status, data[:300])
    error = json.loads(data)["error"]
    assert set(error) == {"code", "message"}, error


@pytest.mark.parametrize("method", ["OPTIONS", "HEAD"])
def test_a_body_sent_with_a_method_that_reads_none_never_becomes_the_next_request(stack, method):
    """The local server answers OPTIONS and HEAD without reading a body: one that was sent is dropped with
    the connection, never read as another request (schemathesis' checks send such bodies)."""
    import socket
    from urllib.parse import urlsplit

    url, _ = stack
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}"
    smuggled = f"GET /api/suggestions/mine HTTP/1.1\r\nHost: {host}\r\nX-Sharewall-Dev-User: fuzzer\r\n\r\n".encode()
    head = f"{method} /api/claims HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(smuggled)}\r\n\r\n".encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(head + smuggled)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    assert data.count(b"HTTP/1.") == 1, data[:600]  # one answer, to the request that was sent
