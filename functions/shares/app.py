"""The shares function: one resolver, a Router per resource, errors mapped once in sharewall_common."""

from __future__ import annotations

from sharewall_common.coldstart import cold_start

with cold_start():
    import warnings

    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.logging import correlation_paths

    from shares.routes import go, shares, stats
    from sharewall_common.api import make_resolver
    from sharewall_common.aws import client

    logger = Logger(service="shares")
    metrics = Metrics(service="shares")
    # GET /stats emits no metric; that is expected, not worth a warning per request
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    app = make_resolver(logger)
    app.include_router(shares.router)
    app.include_router(stats.router)
    app.include_router(go.router)
    client("dynamodb")  # created during the cold start, reused by every invocation


# The event is never logged: it carries the caller's token and claims
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
