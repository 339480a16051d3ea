"""`sharewall serve`: the site, /api turned into HTTP API v2 events for the real handlers, dev identities."""

from __future__ import annotations

import errno
import http.client
import json
import socket
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_builder.local.aws import LocalResources, start_moto
from site_builder.local.headers import (POLICY_TYPE, HeadersPolicyError, deep_resolve, local_security_headers,
                                        policy_config, policy_headers)
from site_builder.local.server import ServeError, bind_server
from site_builder.local.signin import same_origin_next
from tests import local_serve
from tests.local_serve import ROOT, ServeProcess, keep_crowds, request, share, site_today, stats
from site_builder.local.devauth import dev_token
from site_builder.local.events import claim_value, http_event
from site_builder.local.template import find_route, http_routes, load_template, parameter_overrides


def test_serves_the_built_site_and_the_dev_signin(local_server):
    status, headers, body = request(local_server)
    assert status == 200 and b"<html" in body.lower() and "text/html" in headers["content-type"]
    status, _, body = request(local_server + "_dev/signin?next=/stats/")
    assert status == 200 and b'"tokenKey":"sharewall.token"' in body and b'src="/_dev/signin.js"' in body
    assert f'"next":"{local_server}stats/"'.encode() in body
    status, headers, script = request(local_server + "_dev/signin.js")
    assert status == 200 and "javascript" in headers["content-type"] and b"sessionStorage" in script


def test_api_requests_reach_the_real_handler_with_the_dev_identity(local_server):
    before = stats(local_server)["totals"]["shares"]
    status, _, body = share(local_server, "local-anna", network="mastodon")
    assert status == 201, body
    assert json.loads(body)["network"] == "mastodon"
    token = dev_token("local-ben", ["employee", "comms"])
    result = stats(local_server, Authorization=f"Bearer {token}")
    assert result["totals"]["shares"] == before + 1
    assert any(row["network"] == "mastodon" and row["shares"] >= 1 for row in result["by_network"])


def test_after_midnight_the_crowd_of_today_shares_again(local_server):
    # a run crossing midnight in the site's time zone: the crowd's day lies behind, so the new day would be withheld
    people, day = local_serve._CROWDS[local_server]
    before = stats(local_server)["totals"]["shares"]
    local_serve._CROWDS[local_server] = (people, day - timedelta(days=1))
    keep_crowds()
    assert stats(local_server)["totals"]["shares"] == before + people
    assert local_serve._CROWDS[local_server] == (people, site_today(local_server))
    keep_crowds()  # the same day: nobody shares again
    assert stats(local_server)["totals"]["shares"] == before + people


def test_without_identity_the_authorizer_refuses_like_api_gateway(local_server):
    status, _, body = request(local_server + "api/stats")
    assert status == 401 and json.loads(body) == {"message": "Unauthorized"}
    status, _, _ = request(local_server + "api/stats", headers={"Authorization": "Bearer not-a-token"})
    assert status == 401
    status, _, _ = request(local_server + "api/stats", headers={"X-Sharewall-Dev-User": "x",
                                                              "X-Sharewall-Dev-Roles": "root"})
    assert status == 401


def test_handler_errors_come_back_as_json(local_server):
    status, _, body = share(local_server, "local-anna", network="myspace")
    assert status == 400 and "network" in json.loads(body)["error"]["message"]
    status, _, body = request(local_server + "api/nothing-here")
    assert status == 404 and json.loads(body)


def test_an_unknown_page_is_the_sites_own_404_page_as_cloudfront_answers_it(local_server):
    status, _, page = request(local_server + "404.html")
    assert status == 200 and b"404" in page
    for path in ("no-such-page/", "posts/no-such-post/", "assets/sharewall/nothing.js", "en/no-such-page/"):
        status, headers, body = request(local_server + path)
        assert status == 404, path
        assert headers["content-type"] == "text/html; charset=utf-8", path
        assert body == page, path  # the built 404.html, not http.server's "Error response" page
    status, headers, body = raw_request(local_server, "HEAD", "/no-such-page/", {})
    assert status == 404 and body == b"" and int(headers["content-length"]) == len(page)
    # the API's 404s stay the function's JSON
    status, headers, body = request(local_server + "api/no-such-route", headers={"X-Sharewall-Dev-User": "anna"})
    assert status == 404 and headers["content-type"].startswith("application/json") and json.loads(body)


def test_data_survives_a_restart_with_the_data_option(tmp_path):
    data = tmp_path / "state.json"
    # three people are enough once the minimum group size is set to three
    first = ServeProcess(tmp_path / "site", data, parameters=("StatsMinimumPeople=3",))
    try:
        for person in ("p1", "p2", "p3"):
            assert share(first.url, person, post="q3-results")[0] == 201
    finally:
        first.stop()
    assert data.is_file()
    second = ServeProcess(tmp_path / "site", data, parameters=("StatsMinimumPeople=3",))
    try:
        result = stats(second.url)
        assert result["min_people"] == 3
        assert result["totals"]["shares"] == 3 and result["series"][-1]["people"] == 3
        # the pseudonym secret survived too: a known person is not counted again
        assert share(second.url, "p1", post="q3-results")[0] == 201
        assert stats(second.url)["series"][-1]["people"] == 3
    finally:
        second.stop()


def test_a_lone_share_is_withheld_under_the_templates_minimum_group_size(sparse_server):
    # two colleagues shared today already: with this third person still fewer than five
    assert share(sparse_server, "alone")[0] == 201
    result = stats(sparse_server)
    assert result["min_people"] == 5 and result["series"][-1]["withheld"] is True
    assert result["totals"]["shares"] == 0 and result["by_network"] == []


def test_template_parameters_are_checked_like_cloudformation_does():
    template = load_template("template.yaml")
    assert parameter_overrides(template, ["StatsMinimumPeople=1", "Timezone=UTC"]) == {
        "StatsMinimumPeople": "1", "Timezone": "UTC"}
    for pair, mentions in (("Nope=1", "StatsMinimumPeople"), ("StatsMinimumPeople", "NAME=VALUE"),
                           ("StatsMinimumPeople=0", "minimum of 1"), ("StatsMinimumPeople=many", "not a number"),
                           ("SiteOrigin=ftp://x", "does not match")):
        with pytest.raises(ValueError, match=mentions):
            parameter_overrides(template, [pair])


def test_events_look_like_api_gateways():
    event = http_event("GET", "/stats", query="from=2026-11-01&granularity=day&x=1&x=2",
                       headers={"Cookie": "a=1; b=2", "X-Thing": "v"}, claims={"sub": "u", "groups": ["a", "b"]})
    assert event["version"] == "2.0" and event["rawPath"] == "/stats"
    assert event["queryStringParameters"] == {"from": "2026-11-01", "granularity": "day", "x": "1,2"}
    assert event["cookies"] == ["a=1", "b=2"] and event["headers"]["x-thing"] == "v"
    assert event["headers"]["authorization"].startswith("Bearer ")  # the token the claims were verified from
    assert event["requestContext"]["authorizer"]["jwt"]["claims"] == {"sub": "u", "groups": "[a b]"}
    assert claim_value(["employee"]) == "[employee]"


def test_routes_come_from_the_template():
    routes = http_routes(load_template("template.yaml"))
    route, params = find_route(routes, "POST", "/shares")
    assert route.handler == "shares.app.lambda_handler" and params == {}
    assert find_route(routes, "GET", "/shares") is None


def test_claims_routes_are_served_too_and_links_point_back_to_the_local_site(local_server):
    comms = {"X-Sharewall-Dev-User": "dev-comms", "X-Sharewall-Dev-Roles": "employee,comms"}
    status, _, body = request(local_server + "api/invites", "POST",
                              {"name": "Dev Influencer", "email": "dev@example.com", "campaign": "creator-programme"}, comms)
    assert status == 201, body
    assert json.loads(body)["link"].startswith(local_server + "claim/#invite=")
    status, _, _ = request(local_server + "api/invites", headers={"X-Sharewall-Dev-User": "anna"})
    assert status == 403


def test_the_signin_page_offers_every_role_and_an_influencer_invite(local_server):
    _, _, body = request(local_server + "_dev/signin")
    page = body.decode()
    for role in ("employee", "comms", "finance"):
        assert f'value="{role}"' in page
    assert 'id="influencer"' in page and "__" not in page and '"api":"/api"' in page
    _, _, script = request(local_server + "_dev/signin.js")
    assert b'fetch(config.api + "/invites"' in script


# --- production's security headers, the Host check, refused bodies, a taken port ----------------------

def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_response_carries_the_templates_security_headers(local_server):
    template = load_template("template.yaml")
    resolve = LocalResources(template=template, parameters={"JwtIssuer": "https://idp.example/t"}).resolve
    policy = policy_headers(deep_resolve(policy_config(template), resolve))
    port = urlsplit(local_server).port
    for path, headers, status in (("", {}, 200), ("assets/sharewall/site.js", {}, 200), ("no-such-page/", {}, 404),
                                  ("_dev/signin", {}, 200), ("_dev/signin.js", {}, 200), ("api/stats", {}, 401),
                                  ("api/nothing", {"X-Sharewall-Dev-User": "anna"}, 404),
                                  ("", {"Host": f"evil.example:{port}"}, 421)):
        got, sent, _ = raw_request(local_server, "GET", "/" + path, headers)
        assert got == status, path
        csp = _directives(sent["content-security-policy"])
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], path
        assert set(csp) == set(_directives(policy["Content-Security-Policy"])), path
        for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"):
            assert sent[name.lower()] == policy[name], (path, name)
        assert "strict-transport-security" not in sent  # plain http on loopback: see site_builder/local/headers.py
    # the receipts bucket's origin is the local moto server, the provider's the dev issuer's
    connect = _directives(sent["content-security-policy"])["connect-src"]
    assert not any("amazonaws.com" in source for source in connect)
    assert any(source.startswith("http://127.0.0.1:") and source != local_server.rstrip("/") for source in connect)


HEADERS_POLICY = """
Parameters:
  JwtIssuer: {Type: String}
  DomainName: {Type: String, Default: ""}
Conditions:
  HasCustomDomain: !Not [!Equals [!Ref DomainName, ""]]
Resources:
  ReceiptsBucket: {Type: AWS::S3::Bucket}
  SiteHeadersPolicy:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: !Sub "${AWS::StackName}-site-headers"
        SecurityHeadersConfig:
          ContentSecurityPolicy:
            Override: true
            ContentSecurityPolicy: !Sub
              - >-
                default-src 'self'; script-src 'self'; connect-src 'self' https://${ReceiptsBucket.RegionalDomainName}
                https://${IdpHost} ${Extra}; form-action 'self' https://${ReceiptsBucket}.s3.${AWS::Region}.amazonaws.com;
                upgrade-insecure-requests; report-uri https://reports.example/csp
              - IdpHost: !Select [2, !Split ["/", !Ref JwtIssuer]]
                Extra: !If [HasCustomDomain, "https://cdn.example", "https://static.example"]
          StrictTransportSecurity: {Override: true, AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true,
                                    Preload: "true"}
          ContentTypeOptions: {Override: true}
          FrameOptions: {Override: true, FrameOption: SAMEORIGIN}
          ReferrerPolicy: {Override: true, ReferrerPolicy: no-referrer}
          XSSProtection: {Override: true, Protection: true, ModeBlock: true}
        CustomHeadersConfig:
          Items: [{Header: Permissions-Policy, Override: true, Value: camera=()}]
"""


def test_the_headers_policy_is_read_like_cloudfront_and_made_to_work_on_loopback(tmp_path):
    (tmp_path / "template.yaml").write_text(HEADERS_POLICY, encoding="utf-8")
    template = load_template(tmp_path / "template.yaml")
    resources = LocalResources(template=template, parameters={"JwtIssuer": "https://login.example/tenant/v2.0",
                                                              "DomainName": ""},
                               buckets={"ReceiptsBucket": "receipts"})
    production = policy_headers(deep_resolve(policy_config(template), resources.resolve))
    assert production["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert production["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; connect-src 'self' https://receipts.s3.eu-central-1.amazonaws.com "
        "https://login.example https://static.example; form-action 'self' "
        "https://receipts.s3.eu-central-1.amazonaws.com; upgrade-insecure-requests; "
        "report-uri https://reports.example/csp")
    local = local_security_headers(template, resources.resolve, issuer="https://login.example/tenant/v2.0",
                                   aws_endpoint="http://127.0.0.1:4566", sign_in_urls=(
                                       "http://127.0.0.1:9000/authorize", "http://127.0.0.1:9000/token"))
    assert local == {
        "Content-Security-Policy": "default-src 'self'; script-src 'self'; connect-src 'self' "
                                   "http://127.0.0.1:4566 http://127.0.0.1:9000 https://static.example; "
                                   "form-action 'self' http://127.0.0.1:4566",
        "X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer",
        "X-XSS-Protection": "1; mode=block", "Permissions-Policy": "camera=()"}
    # without a configured provider the issuer's origin stays (locally the dev issuer's, never contacted)
    plain = local_security_headers(template, resources.resolve, issuer="https://login.example/tenant/v2.0")
    assert "https://login.example" in plain["Content-Security-Policy"]
    assert local_security_headers({"Resources": {}}, resources.resolve, issuer="https://x") == {}
    broken = {"Resources": {"SiteHeadersPolicy": {"Type": POLICY_TYPE, "Properties": {}}}}
    with pytest.raises(HeadersPolicyError, match="SiteHeadersPolicy"):
        local_security_headers(broken, resources.resolve, issuer="https://x")


def test_only_requests_for_a_loopback_name_and_this_port_are_answered(local_server):
    port = urlsplit(local_server).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert raw_request(local_server, "GET", "/", {"Host": host})[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", f"localhost.evil:{port}"):
        status, headers, body = raw_request(local_server, "GET", "/", {"Host": host})
        assert status == 421 and body.count(b"\n") == 1 and b"Misdirected" in body, host
        assert headers["connection"] == "close"
    # an API call with a rebound name never reaches a function
    status, _, body = raw_request(local_server, "POST", "/api/shares", {"Host": "evil.example",
                                                                        "X-Sharewall-Dev-User": "anna"}, b"{}")
    assert status == 421 and "Misdirected" in json.loads(body)["message"]
    # HTTP/1.0 without a Host header
    with socket.create_connection((urlsplit(local_server).hostname, port), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert _read_all(conn).startswith(b"HTTP/1.1 400 ")


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def test_bodies_it_cannot_take_are_refused_at_once_with_one_line(local_server):
    before = stats(local_server)["totals"]["shares"]
    dev = {"X-Sharewall-Dev-User": "anna", "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    for extra, status in (({"Content-Length": "abc"}, 400), ({"Content-Length": "-5"}, 400),
                          ({"Transfer-Encoding": "chunked"}, 411),
                          ({"Content-Length": str(12 * 1024 * 1024)}, 413)):
        host, port = urlsplit(local_server).hostname, urlsplit(local_server).port
        with socket.create_connection((host, port), timeout=10) as conn:
            head = "".join(f"{key}: {value}\r\n" for key, value in {**dev, **extra}.items())
            # only the head and a few bytes: the answer must not wait for a body it will not read
            conn.sendall(f"POST /api/shares HTTP/1.1\r\nHost: {host}:{port}\r\n{head}\r\n{{\"post\"".encode())
            answer = _read_all(conn)  # the server closes the connection after answering
        assert answer.startswith(f"HTTP/1.1 {status} ".encode()), (extra, answer[:80])
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["message"], extra
    # a client that sends its whole oversized body before reading still gets the answer, not a reset
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(f"POST /api/shares HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {12 * 1024 * 1024}\r\n"
                     "\r\n".encode() + b"x" * (12 * 1024 * 1024))
        assert _read_all(conn).startswith(b"HTTP/1.1 413 ")
    status, _, body = raw_request(local_server, "PUT", "/index.html", {}, b"x" * 100)
    assert status == 405 and body.count(b"\n") == 1
    assert stats(local_server)["totals"]["shares"] == before  # nothing refused was counted


def test_a_taken_port_is_one_clear_line_and_exit_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(Path(sys.executable).parent / "sharewall"), "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"Error: port {port} is in use: stop the other server, or choose another "
                                     "with `sharewall serve --port N` (with make: `make serve PORT=N`)")
    assert "Traceback" not in result.stdout + result.stderr


def test_a_taken_aws_port_is_one_line_naming_the_make_variable_before_any_build(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(Path(sys.executable).parent / "sharewall"), "serve", "--port", "0",
                                 "--aws-port", str(port), "--site-dir", str(tmp_path / "site")],
                                capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"Error: AWS port {port} is in use: stop the other server, or choose another "
                                     "with `sharewall serve --aws-port N` (with make: `make serve AWS_PORT=N`)")
    assert not (tmp_path / "site").exists()  # refused before the build


def test_moto_on_a_taken_port_raises_instead_of_waiting_for_ever():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError) as error:
            start_moto(taken.getsockname()[1])
    assert error.value.errno == errno.EADDRINUSE


def test_bind_server_names_the_port_it_cannot_have():
    first = bind_server("127.0.0.1", 0)
    try:
        port = first.server_address[1]
        with pytest.raises(ServeError, match=f"^port {port} is in use: .*`make serve PORT=N`"):
            bind_server("127.0.0.1", port)
        assert first.request_queue_size >= 128 and first.daemon_threads
    finally:
        first.server_close()


# the value of `next` (as the query string decodes it) -> where signing in returns, on http://127.0.0.1:8000
NEXT = [
    (None, "/"), ("", "/"), ("/stats/", "/stats/"), ("/stats/?from=2026-11-01#top", "/stats/?from=2026-11-01#top"),
    ("stats/", "/stats/"), ("http://127.0.0.1:8000/stats/", "/stats/"), ("/./stats/../claim/", "/claim/"),
    ("/\t/example.org/", "/"), ("//evil.example/", "/"), ("///evil.example/", "/"), ("/\\evil.example/", "/"),
    ("\\\\evil.example", "/"), ("\n//evil.example", "/"), (" //evil.example", "/"), ("/\x00/evil.example", "/"),
    ("https://evil.example/", "/"), ("https:evil.example", "/"), ("javascript:alert(1)", "/"),
    ("JavaScript:alert(1)", "/"), ("data:text/html,x", "/"), ("http://localhost:8000/stats/", "/"),
    ("http://127.0.0.1:8001/", "/"), ("http://127.0.0.1:8000@evil.example/", "/"),
]


@pytest.mark.parametrize(("value", "path"), NEXT)
def test_the_dev_sign_in_returns_only_to_this_origin(value, path):
    assert same_origin_next(value, "http://127.0.0.1:8000") == "http://127.0.0.1:8000" + path


def raw_request(base: str, method: str, path: str, headers: dict, body: bytes | None = None):
    """One request with exactly these headers (Host included when given); (status, headers, body)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, {key.lower(): value for key, value in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_the_first_requests_of_a_function_arriving_together_share_one_handler_and_lock(tmp_path, monkeypatch):
    """A function's first requests may come at once (a page's list call beside a POST): each must get the same
    warm handler and the same lock, or two invocations run at once in one resolver (Powertools keeps per-request
    state) and one fails."""
    import sys
    import threading

    from site_builder.local.server import LocalApi
    from site_builder.local.template import Route

    (tmp_path / "slow_import_handler.py").write_text(
        "import time\ntime.sleep(0.3)  # a cold start that takes a while\n"
        "def lambda_handler(event, context):\n    return {}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_import_handler", raising=False)
    api = LocalApi(routes=[], resources=None)
    route = Route("GET", "/slow", "SlowFunction", "slow_import_handler.lambda_handler", False)
    got, start = [], threading.Barrier(8)

    def first_request():
        start.wait()
        got.append(api.handler(route))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(function) for function, _ in got}) == 1
    assert len({id(lock) for _, lock in got}) == 1


def test_a_dev_token_for_another_audience_is_refused_like_the_jwt_authorizer_does(local_server):
    assert stats(local_server, Authorization=f"Bearer {dev_token('aud-anna', ['employee'])}")  # the API's own
    for audience in ("another-app", ""):
        token = dev_token("aud-anna", ["employee"], audience=audience)
        status, _, body = request(local_server + "api/stats", headers={"Authorization": f"Bearer {token}"})
        assert status == 401 and json.loads(body) == {"message": "Unauthorized"}, audience


def test_two_content_lengths_are_refused_whichever_comes_first(local_server):
    host, port = urlsplit(local_server).hostname, urlsplit(local_server).port
    before = stats(local_server)["totals"]["shares"]
    body = json.dumps({"post": "arm-migration", "network": "email", "personalised": False}).encode()
    for lengths in ((len(body), 2), (2, len(body)), (len(body), len(body))):
        head = "".join(f"Content-Length: {length}\r\n" for length in lengths)
        with socket.create_connection((host, port), timeout=10) as conn:
            conn.sendall(f"POST /api/shares HTTP/1.1\r\nHost: {host}:{port}\r\nX-Sharewall-Dev-User: anna\r\n"
                         f"Idempotency-Key: {uuid.uuid4()}\r\nContent-Type: application/json\r\n{head}\r\n".encode()
                         + body)
            answer = _read_all(conn)
        assert answer.startswith(b"HTTP/1.1 400 ") and b"Content-Length" in answer, (lengths, answer[:120])
    assert stats(local_server)["totals"]["shares"] == before


def test_every_page_request_goes_through_the_templates_wall_gate(local_server):
    # WallAccess is public locally by default: the gate only does what it does for S3 (a folder without its
    # slash to the slash, not stored; an index path for a folder) - CloudFront's answer, not http.server's 301
    status, headers, _ = raw_request(local_server, "GET", "/stats?granularity=week", {})
    assert status == 302 and headers["location"] == "/stats/?granularity=week"
    assert headers["cache-control"] == "no-store" and "script-src 'self'" in headers["content-security-policy"]
    status, _, body = raw_request(local_server, "GET", "/stats/", {})
    assert status == 200 and b"<html" in body.lower()
    # the API, the dev sign-in and its files never meet the gate
    assert raw_request(local_server, "GET", "/api/stats", {})[0] == 401
    assert raw_request(local_server, "GET", "/_dev/signin", {})[0] == 200


def test_without_node_serve_says_so_in_one_line_and_serves_without_the_gate(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").symlink_to(subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip())
    server = ServeProcess(tmp_path / "site", parameters=("WallAccess=employees",), path=str(folder))
    try:
        status, _, _ = raw_request(server.url, "GET", "/stats/", {})
        assert status == 200  # no gate: nothing to send to sign-in
    finally:
        server.stop()
    server.errors.seek(0)
    lines = [line for line in server.errors.read().splitlines() if "node" in line.lower()]
    assert lines == ["node was not found: serving without the wall gate (WallAccessFunction); "
                     "install Node.js to run it locally"]


def test_sub_keeps_cloudformations_escape_for_a_literal_dollar_brace():
    resources = LocalResources(template={}, parameters={"WallAccess": "employees"})
    text = "var MODE = '${WallAccess}'; var s = `${!name} and ${!AWS::Region}`;"
    assert resources.resolve({"Fn::Sub": text}) == "var MODE = 'employees'; var s = `${name} and ${AWS::Region}`;"


def test_the_site_is_compressed_as_cloudfront_compresses_it(local_server):
    import gzip

    import brotli

    plain = {path: raw_request(local_server, "GET", path, {}) for path in ("/", "/assets/sharewall/wall.js")}
    for path, (status, headers, body) in plain.items():
        assert status == 200 and "content-encoding" not in headers and len(body) > 1000, path  # none asked for
    for accept, encoding, decode in (("gzip, deflate, br, zstd", "br", brotli.decompress),
                                     ("gzip, deflate", "gzip", gzip.decompress),
                                     ("br;q=0, gzip;q=0.8", "gzip", gzip.decompress)):
        for path, (_, plain_headers, body) in plain.items():
            status, headers, sent = raw_request(local_server, "GET", path, {"Accept-Encoding": accept})
            assert status == 200 and headers.get("content-encoding") == encoding, (path, accept)
            assert headers["content-type"] == plain_headers["content-type"] and headers["vary"] == "Accept-Encoding"
            assert int(headers["content-length"]) == len(sent) < len(body) and decode(sent) == body, (path, accept)
            assert headers["content-security-policy"] == plain_headers["content-security-policy"]
    # the site's own 404 page too (CloudFront compresses 404s); the API's behaviour (CachingDisabled) never
    status, headers, sent = raw_request(local_server, "GET", "/no-such-page/", {"Accept-Encoding": "br"})
    assert status == 404 and headers["content-encoding"] == "br" and b"404" in brotli.decompress(sent)
    status, headers, body = raw_request(local_server, "GET", "/api/stats", {"Accept-Encoding": "br, gzip",
                                                                         "X-Sharewall-Dev-User": "anna",
                                                                         "X-Sharewall-Dev-Roles": "employee comms"})
    assert "content-encoding" not in headers and json.loads(body)
    # nothing CloudFront leaves alone: a type outside its list, anything under 1,000 bytes
    status, headers, _ = raw_request(local_server, "GET", "/assets/images/favicon.png", {"Accept-Encoding": "br"})
    assert status == 200 and "content-encoding" not in headers
    from site_builder.local import compress

    assert not compress.compressible(200, "text/html", 999) and compress.compressible(200, "text/html", 1000)
    assert compress.chosen("identity") is None and compress.chosen("br;q=0") is None and compress.chosen("GZIP") == "gzip"
