"""The editor's sign-in function: Decap CMS's external OAuth client for GitHub, in the stack (no third party)."""

from __future__ import annotations

from sharewall_common.coldstart import cold_start

with cold_start():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging import correlation_paths

    from editorauth.routes import router
    from sharewall_common.api import make_resolver

    logger = Logger(service="editorauth")
    app = make_resolver(logger)
    app.include_router(router)


# The event is never logged: its query holds GitHub's code and state
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False)
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
