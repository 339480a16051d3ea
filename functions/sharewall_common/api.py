"""The resolver every function uses: HTTP API v2, pydantic validation, capped bodies, errors mapped once."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from sharewall_common.errors import PayloadTooLarge, register_error_handlers

MAX_BODY_BYTES = 4096


def capped_json(limit: int):
    """A JSON body parser that refuses bodies over `limit` bytes before parsing them."""

    def parse(text: str):
        size = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
        if size > limit:
            raise PayloadTooLarge(f"body: {size} bytes is over the limit of {limit} bytes")
        return json.loads(text)

    return parse


def make_resolver(logger=None, max_body_bytes: int = MAX_BODY_BYTES) -> APIGatewayHttpResolver:
    """An `APIGatewayHttpResolver` with validation on, bodies capped and the error mapping registered."""
    app = APIGatewayHttpResolver(enable_validation=True, json_body_deserializer=capped_json(max_body_bytes))
    register_error_handlers(app, logger)
    return app
