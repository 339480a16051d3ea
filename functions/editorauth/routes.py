"""GET /cms/auth: the editor's sign-in popup, sent to GitHub; GET /cms/callback: GitHub's answer, handed to the editor.

Every outcome of the handshake is the callback page (200, text/html), which tells the editor window what
happened; only a request the API cannot read (a code or state over its length) gets the API's JSON 400.
"""

from __future__ import annotations

import os
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from botocore.exceptions import BotoCoreError, ClientError

from editorauth import github
from editorauth.handshake import (CODE_PATTERN, PROVIDER, Client, Outcome, authorize_url,
                                  callback_page, cleared_state_cookie, cookie_states, exchange_form,
                                  exchange_outcome, new_state, parse_client, returned_error, site_origin,
                                  state_cookie, state_matches)
from sharewall_common.callers import allow, anyone
from sharewall_common.secret_values import secret_text

router = APIGatewayHttpRouter()
logger = Logger(service="editorauth", child=True)
HTML = "text/html; charset=utf-8"
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
SECRET_MAX_AGE = 300  # a changed client secret is in use five minutes later


# The OAuth client from Secrets Manager: None with the outcome when it cannot be had or is not set up yet
def _client() -> tuple[Client | None, str]:
    try:
        text = secret_text("GITHUB_OAUTH_SECRET_ARN", max_age=SECRET_MAX_AGE)
    except (BotoCoreError, ClientError, KeyError):
        return None, "unavailable"
    client = parse_client(text)
    return client, "" if client else "not_configured"


# Decap opens this in its popup: `?provider=github&site_id=<host>&scope=repo` (site_id and scope are not needed)
@router.get("/cms/auth")
@allow(anyone)
def start(provider: Annotated[str, Query(max_length=32, description="Decap's provider: github")] = PROVIDER,
          site_id: Annotated[str | None, Query(max_length=253, description="Decap's site id (ignored)")] = None,
          scope: Annotated[str | None, Query(max_length=64, description="Decap's scope (ignored: always repo)")] = None,
          ) -> Response[str]:
    origin = site_origin(os.environ.get("SITE_ORIGIN", ""))
    if provider != PROVIDER:
        return Response(200, HTML, callback_page(Outcome("unknown_provider"), origin), headers=PAGE_HEADERS)
    client, problem = _client()
    if client is None:
        return Response(200, HTML, callback_page(Outcome(problem), origin), headers=PAGE_HEADERS)
    state = new_state()
    location = authorize_url(github.github_url(os.environ.get("GITHUB_URL")), client.client_id, origin, state)
    return Response(302, body="", headers={"Location": location, "Cache-Control": "no-store"}, cookies=[state_cookie(state)])


# GitHub sends the person back here with `code` and `state`, or `error` (e.g. access_denied) and `state`;
# whatever happened, the state cookie goes (a state serves one callback)
@router.get("/cms/callback")
@allow(anyone)
def callback(code: Annotated[str | None, Query(pattern=CODE_PATTERN, description="GitHub's authorization code")] = None,
             state: Annotated[str | None, Query(max_length=128, description="the state /cms/auth made")] = None,
             error: Annotated[str | None, Query(max_length=64, description="GitHub's error code")] = None,
             ) -> Response[str]:
    origin = site_origin(os.environ.get("SITE_ORIGIN", ""))
    outcome = _outcome(code, state, error, origin)
    logger.info("editor sign-in", extra={"outcome": outcome.code})  # the outcome only: never code, state or token
    return Response(200, HTML, callback_page(outcome, origin), headers=PAGE_HEADERS, cookies=[cleared_state_cookie()])


# The state first (no exchange for a browser that did not start this sign-in), then GitHub's answer
def _outcome(code: str | None, state: str | None, error: str | None, origin: str) -> Outcome:
    if not state_matches(state, cookie_states(router.current_event.cookies)):
        return Outcome("state_mismatch")
    if error is not None or not code:
        return returned_error(error)
    client, problem = _client()
    if client is None:
        return Outcome(problem)
    answer = github.exchange(github.github_url(os.environ.get("GITHUB_URL")), exchange_form(client, code, origin))
    return Outcome("unavailable") if answer is None else exchange_outcome(*answer)
