"""#20 defect 6: a run is confirmed paid only with an execution date from its creation day to today, both days in
the site's timezone; any other date is a coded 400 field error on `executed` and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3

from sharewall_common.clock import today as site_today
from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)

CREATED = "2026-03-01T23:30:00.000000+00:00"  # 2 March 00:30 in Berlin, 1 March 18:30 in New York


def backdate(run_id: str, created_at: str) -> None:
    """Let a run have been created at `created_at` (ISO 8601): what a run created that day holds."""
    from claims import store

    boto3.client("dynamodb").update_item(
        TableName=store.table(), Key={"pk": {"S": f"RUN#{run_id}"}, "sk": {"S": "RUN"}},
        UpdateExpression="SET created_at = :at", ExpressionAttributeValues={":at": {"S": created_at}})


def sealed_run(created_at: str | None = None) -> dict:
    from tests.functions.test_payment_runs import create_run, plant

    plant("approved", 2)
    run = create_run().body
    if created_at:
        backdate(run["id"], created_at)
    return run


def paid(run_id: str, executed: str):
    from tests.functions.test_payment_runs import decide

    return decide(run_id, {"action": "paid", "executed": executed})


def refused_unchanged(tables, run_id: str, executed: str, code: str, **params: str) -> None:
    """The decision is a 400 naming `executed` with `code` (and `params`), and no table changed."""
    before = table_items(tables)
    reply = paid(run_id, executed)
    assert reply.status == 400, reply.body
    assert reply.body["error"]["code"] == code and reply.body["error"]["message"].startswith("executed: ")
    assert reply.body["error"]["fields"] == [{"field": "executed", "code": code, **params}]
    assert table_items(tables) == before


def test_a_date_before_the_runs_creation_day_in_the_site_timezone_is_refused(fresh_tables):
    run = sealed_run(CREATED)
    refused_unchanged(fresh_tables, run["id"], "2026-03-01", "executed_before_run", earliest="2026-03-02")
    refused_unchanged(fresh_tables, run["id"], "2025-12-31", "executed_before_run", earliest="2026-03-02")
    reply = paid(run["id"], "2026-03-02")  # its creation day in Berlin
    assert reply.status == 200 and (reply.body["status"], reply.body["executed"]) == ("paid", "2026-03-02")


def test_the_creation_day_follows_the_sites_timezone(fresh_tables, monkeypatch):
    monkeypatch.setenv("TIMEZONE", "America/New_York")
    run = sealed_run(CREATED)
    refused_unchanged(fresh_tables, run["id"], "2026-02-28", "executed_before_run", earliest="2026-03-01")
    reply = paid(run["id"], "2026-03-01")  # the day before Berlin's: New York's creation day
    assert reply.status == 200 and reply.body["executed"] == "2026-03-01"


def test_a_date_after_today_in_the_site_timezone_is_refused(fresh_tables):
    run = sealed_run()
    for _ in range(2):  # once more if the site's day changed while asking (at its midnight)
        today = site_today()
        before = table_items(fresh_tables)
        reply = paid(run["id"], (today + timedelta(days=1)).isoformat())
        if site_today() == today:
            break
    assert reply.status == 400 and reply.body["error"]["code"] == "executed_in_future", reply.body
    assert reply.body["error"]["fields"] == [{"field": "executed", "code": "executed_in_future",
                                              "latest": today.isoformat()}]
    assert table_items(fresh_tables) == before
    reply = paid(run["id"], site_today().isoformat())
    assert reply.status == 200 and reply.body["executed"] == site_today().isoformat()


def test_a_run_paid_days_after_its_creation_takes_any_day_between(fresh_tables):
    created = datetime.now(timezone.utc) - timedelta(days=40)
    run = sealed_run(created.isoformat(timespec="microseconds"))
    executed = (site_today() - timedelta(days=20)).isoformat()
    reply = paid(run["id"], executed)
    assert reply.status == 200 and reply.body["executed"] == executed
