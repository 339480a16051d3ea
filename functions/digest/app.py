"""The digest function: run by EventBridge Scheduler on working days (template.yaml's DigestSchedule, in the
site's timezone); locally by `POST /_local/run/DigestFunction` of `sharewall serve`."""

from __future__ import annotations

from sharewall_common.coldstart import cold_start

with cold_start():
    from datetime import datetime, timezone

    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    from digest import channels
    from digest.ledger import Ledger
    from digest.run import DigestFailed, Senders, run
    from digest.settings import from_environ
    from sharewall_common.secret_values import secret_text

    logger = Logger(service="digest")
    metrics = Metrics(service="digest")
    SECRET_MAX_AGE = 300  # a rotated webhook URL is used within five minutes


# The scheduled time the schedule hands over (`<aws.scheduler.scheduled-time>`), so a retry after midnight still
# counts for the day it was meant for; now when there is none
def scheduled_time(event) -> datetime:
    value = event.get("scheduled") if isinstance(event, dict) else None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        moment = None
    return moment if moment and moment.tzinfo else datetime.now(timezone.utc)


# The Workflow's URL from its secret (never logged)
def _teams_url() -> str:
    return secret_text("DIGEST_TEAMS_SECRET", max_age=SECRET_MAX_AGE).strip()


SENDERS = Senders(teams=channels.post_to_teams, mail=channels.send_mail, teams_url=_teams_url)


# The event holds nothing but the scheduled time; it is never logged, nor is the webhook URL
@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event, context) -> dict:
    settings = from_environ()
    outcomes = run(settings, scheduled_time(event), SENDERS, Ledger(settings.table))
    failed = 0
    for outcome in outcomes:
        log = logger.info if outcome.result in ("sent", "nothing new", "sent already") else logger.warning
        log("digest", extra={"channel": outcome.channel, "language": outcome.language, "result": outcome.result,
                             "posts": list(outcome.posts), "reason": outcome.reason})
        if outcome.result == "sent":
            metrics.add_metric(name="DigestSent", unit=MetricUnit.Count, value=1)
        elif outcome.result == "unknown":
            metrics.add_metric(name="DigestOutcomeUnknown", unit=MetricUnit.Count, value=1)
        elif outcome.result == "failed":
            metrics.add_metric(name="DigestSendFailed", unit=MetricUnit.Count, value=1)
            failed += 1
    if not outcomes:
        logger.info("digest: no channel is set up (DigestTeamsWebhookSecret, DigestEmailTo and DigestEmailFrom)")
    if failed:
        raise DigestFailed(f"{failed} digest(s) certainly not sent; the retry sends them")
    return {"outcomes": [vars(outcome) for outcome in outcomes]}
