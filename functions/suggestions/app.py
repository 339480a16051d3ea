"""The suggestions function: one resolver, a Router per resource, errors mapped once in sharewall_common.

githubkit (the accept path) is imported on first use, so suggesting and listing never pay for it.
"""

from __future__ import annotations

from sharewall_common.coldstart import cold_start

with cold_start():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging import correlation_paths

    from sharewall_common.api import make_resolver
    from sharewall_common.aws import client
    from suggestions.routes import review, stats, suggestions

    logger = Logger(service="suggestions")
    app = make_resolver(logger, max_body_bytes=8 * 1024)
    for resource in (suggestions, stats, review):  # literal /suggestions/… routes before /suggestions/{id}
        app.include_router(resource.router)
    client("dynamodb")  # created during the cold start, reused by every invocation


# The event is never logged: it carries the caller's token, claims and name
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
