"""API Gateway HTTP API (payload 2.0) events and Lambda contexts, as the local stack hands them over."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

# A claim as API Gateway's JWT authorizer passes it (arrays as `[a b]`): the functions read it the same way
from sharewall_common.identity import flattened as claim_value


def unsigned_token(claims: dict) -> str:
    """An unsigned JWT (`alg: none`) carrying `claims`: what the authorizer verified, for local events."""
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@dataclass
class LambdaContext:
    """The attributes of a Lambda context that Powertools reads."""

    function_name: str = "sharewall-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-central-1:123456789012:function:sharewall-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/sharewall-local"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def http_event(method: str, path: str, *, route_key: str | None = None, headers: dict | None = None,
               query: str = "", body: bytes | str | None = None, claims: dict | None = None,
               path_parameters: dict | None = None, source_ip: str = "127.0.0.1", bearer: bool = True) -> dict:
    """An HTTP API v2 event for `method path`, with the authorizer's claims when there are any.

    Like API Gateway's, it carries the bearer token the claims were verified from (an unsigned one of
    `claims` when the headers hold none; `bearer=False` leaves it out): the functions read roles from it.
    """
    headers = {key.lower(): value for key, value in (headers or {}).items()}
    if claims is not None and bearer and "authorization" not in headers:
        headers["authorization"] = f"Bearer {unsigned_token(claims)}"
    cookies = [part.strip() for part in headers.pop("cookie", "").split(";") if part.strip()]
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    encoded = False
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(body).decode(), True
    now = time.time()
    request_id = str(uuid.uuid4())
    event = {
        "version": "2.0",
        "routeKey": route_key or f"{method} {path}",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": headers.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                     "userAgent": headers.get("user-agent", "")},
            "requestId": request_id,
            "routeKey": route_key or f"{method} {path}",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if params:
        event["queryStringParameters"] = params
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        event["body"] = body
    if claims is not None:
        event["requestContext"]["authorizer"] = {
            "jwt": {"claims": {key: claim_value(value) for key, value in claims.items()}, "scopes": None}}
    return event
