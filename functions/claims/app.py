"""The claims function: invites, claims, receipt uploads, exports and payment runs behind the HTTP API."""

from __future__ import annotations

from sharewall_common.coldstart import cold_start

with cold_start():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging import correlation_paths

    from sharewall_common.api import make_resolver

    from claims.routes import claims, exports, invites, runs, uploads

    logger = Logger(service="claims")
    app = make_resolver(logger, max_body_bytes=64 * 1024)
    for resource in (invites, uploads, exports, runs, claims):  # literal /claims/… routes before /claims/{id}
        app.include_router(resource.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
