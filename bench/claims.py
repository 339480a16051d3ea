"""Finance's claim list and payment runs, measured in one run against a moto server on loopback.

1. First page: the real claims handler answers `GET /claims?status=submitted` (first page, totals)
   with 100 and with 10,000 claims; target: at most 1.3x.
2. Filtered first page: `GET /claims?status=submitted` with a campaign, a month (from/to), a text search (q, a
   payee's name) and all three, at 1,000 and at 10,000 claims, each against the unfiltered first page at the
   same size. Target: at 10,000 claims each reads at most 3x the items DynamoDB reads for the unfiltered one
   (Query's ScannedCount, BatchGetItem's items: what a page costs and how long it takes in DynamoDB). The
   time is printed beside it with its ratio, and the unfiltered second page (a gsi1 Query, as since before
   #20) as the Query baseline: moto answers every Query by sorting the whole table in Python, so on moto any
   Query's time grows with the table (seconds at 10,000 claims) where DynamoDB reads one page; the functions'
   5 s read timeout is raised for this run only, for that reason.
3. Payment run: on emptied tables, finance approves 100 claims one by one (`POST /claims/{id}/decision`,
   each its own request), then `POST /payment-runs` moves 1,000 approved claims into one run and
   writes its SEPA file; target: the run takes at most 3x the 100 approvals.

Tables come from template.yaml. Claims are written with the same items the function files (claim,
audit entry, duplicate markers) via batch writes, spread over the last year. Prints the figures;
exits 1 when a ratio is over its target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# this script is named like the function's package: take bench/ off the path, put functions/ first
sys.path[:] = [str(ROOT / "functions"), str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.synthetic import put_items  # noqa: E402

SMALL, LARGE, RUNS, TARGET = 100, 10_000, 40, 1.3
MIDDLE, FILTER_RUNS, FILTER_TARGET = 1_000, 6, 3.0
CAMPAIGNS = ("fair-2026", "spring-2026", "summer-2026", "autumn-2026", "winter-2026")  # claims spread evenly
APPROVALS, RUN_CLAIMS, RUN_TARGET = 100, 1_000, 3.0
FINANCE = {"sub": "bench-finance", "groups": ["employee", "finance"]}
RUN_CREATOR = {"sub": "bench-finance-2", "groups": ["employee", "finance"]}


def claim_record(number: int, when: datetime, status: str = "submitted") -> dict:
    from claims.rules import payment_key

    gross = 1000 + number % 50_000
    return {
        "id": f"{number:024x}", "invite_id": f"{number % 500:016x}", "campaign": CAMPAIGNS[number % len(CAMPAIGNS)],
        "creator": "bench", "status": status, "submitted_at": when.isoformat(timespec="microseconds"),
        "payee": {"kind": "private", "holder": f"Payee {number:05d}", "iban": "DE89370400440532013000", "vat_id": None,
                  "address": {"street": "Hauptstraße 1", "postcode": "10115", "town": "Berlin", "country": "DE"}},
        "lines": [{"date": when.date().isoformat(), "category": "travel", "description": "Train", "gross": gross,
                   "vat": 0, "currency": "EUR"}],
        "total": gross, "note": None, "flags": [],
        "_marker": "DUP#P#" + payment_key("DE89370400440532013000", when.date(), gross, "EUR"),
    }


def add_claims(start: int, count: int) -> None:
    """Write `count` claims with the items of the function's own filing transaction.

    Each status Update is applied as it is and the Puts go in batches of 25 once all are built (moto
    deep-copies the table on every TransactWriteItems, which would make loading 10,000 claims
    quadratic); the function's trim of the status item runs after every 25th claim.
    """
    import boto3

    from claims import store

    dynamodb = boto3.client("dynamodb")
    now = datetime.now(timezone.utc)
    rng = random.Random(start)
    puts = []
    for number in range(start, start + count):
        record = claim_record(number, now - timedelta(minutes=rng.randrange(365 * 24 * 60)))
        marker = record.pop("_marker")
        audit = {"at": record["submitted_at"], "actor": "invite:bench", "role": "influencer", "from": None,
                 "to": "submitted"}
        for item in store.claim_items(record, audit, [(marker, f"{record['id']}#0")], invite_name=f"Invite {number % 500}"):
            if "Put" in item:
                puts.append(item["Put"]["Item"])
            else:
                dynamodb.update_item(**item["Update"])
        if number % 25 == 0:
            store.trim("submitted")  # the function trims after every filing; every 25th keeps loading quick
    put_items(dynamodb, os.environ["APP_TABLE"], puts)


def approve_all(approver: str = "bench-approver") -> None:
    """Every submitted claim approved by `approver`, by the function's own moves (audit entries included), 45 a time."""
    from claims import store

    pending = list(store.all_by_status("submitted"))
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    for offset in range(0, len(pending), 45):  # two items a claim, plus two totals: within a transaction's 100
        chunk = pending[offset:offset + 45]
        audits = [{"at": at, "actor": approver, "role": "finance", "from": "submitted", "to": "approved"} for _ in chunk]
        assert store.move_claims(chunk, "submitted", "approved", audits, {"approved_at": at, "approved_by": approver}, "") == []


def published_site(root: Path):
    """What the build publishes and the function reads (expense policy, campaigns), served on loopback."""
    from datetime import date

    from sharewall_common.campaigns import Campaign, published_campaigns
    from sharewall_common.expenses import published_policy
    from site_builder.local.server import serve_catalogue

    origin, server = serve_catalogue(root, [])
    (root / "sharewall" / "expenses.json").write_bytes(
        published_policy((ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")))
    running = Campaign(name="Fair", start=date.today() - timedelta(days=400), end=date.today() + timedelta(days=30),
                       reimbursed=True)
    (root / "sharewall" / "campaigns.json").write_bytes(published_campaigns({key: running for key in CAMPAIGNS}, timezone.utc))
    return origin, server


def first_page_median() -> float:
    from claims.app import lambda_handler
    from site_builder.local.events import LambdaContext, http_event

    timings = []
    for _ in range(RUNS):
        event = http_event("GET", "/claims", route_key="GET /claims", query="status=submitted", claims=FINANCE)
        started = time.perf_counter()
        result = lambda_handler(event, LambdaContext())
        timings.append(time.perf_counter() - started)
        assert result["statusCode"] == 200, result
    return statistics.median(timings[3:])  # the first calls warm clients and caches


def filters(now: datetime) -> dict[str, str]:
    """The filtered lists measured: a campaign, a month (site days), a payee's name (matching one claim), all three."""
    month = {"from": (now - timedelta(days=60)).date().isoformat(), "to": (now - timedelta(days=30)).date().isoformat()}
    return {"campaign": urlencode({"campaign": CAMPAIGNS[1]}), "month": urlencode(month),
            "q": urlencode({"q": "payee 00042"}), "all three": urlencode({"campaign": CAMPAIGNS[2], **month, "q": "train"})}


def page_median(query: str, runs: int) -> tuple[float, int]:
    """(median seconds, claims DynamoDB read) of the real handler's first page of `GET /claims?<query>`."""
    from claims.app import lambda_handler
    from sharewall_common.aws import client
    from site_builder.local.events import LambdaContext, http_event

    read = []

    def count(parsed, model, **_):  # what a page costs in DynamoDB: items read (BatchGet: the claims and the totals)
        if model.name == "Query":
            read.append(parsed.get("ScannedCount", 0))
        elif model.name == "BatchGetItem":
            read.append(sum(len(items) for items in parsed.get("Responses", {}).values()))

    events = client("dynamodb").meta.events
    events.register("after-call.dynamodb.*", count)
    timings = []
    try:
        for _ in range(runs):
            read.clear()
            event = http_event("GET", "/claims", route_key="GET /claims", query=f"status=submitted&{query}".rstrip("&"),
                               claims=FINANCE)
            started = time.perf_counter()
            result = lambda_handler(event, LambdaContext())
            timings.append(time.perf_counter() - started)
            assert result["statusCode"] == 200, result
    finally:
        events.unregister("after-call.dynamodb.*", count)
    return statistics.median(timings[1:]), sum(read)  # the first call warms clients and caches


def filtered_pages(now: datetime) -> dict[str, tuple[float, int]]:
    """Unfiltered ("") and each filter's first page, and the unfiltered second page: (median seconds, claims read)."""
    from claims.app import lambda_handler
    from site_builder.local.events import LambdaContext, http_event

    first = lambda_handler(http_event("GET", "/claims", route_key="GET /claims", query="status=submitted", claims=FINANCE),
                           LambdaContext())
    second = urlencode({"cursor": json.loads(first["body"])["next"]})
    return {name: page_median(query, FILTER_RUNS) for name, query in {"": "", **filters(now), "page 2": second}.items()}


def _handle(method: str, path: str, body: str | None = None, query: str = "", claims: dict = FINANCE) -> dict:
    from claims.app import lambda_handler
    from site_builder.local.events import LambdaContext, http_event

    route = path if not path.endswith("/decision") else "/claims/{id}/decision"
    event = http_event(method, path, route_key=f"{method} {route}", query=query, claims=claims, body=body,
                       headers={"content-type": "application/json"} if body else None,
                       path_parameters={"id": path.split("/")[2]} if route != path else None)
    return lambda_handler(event, LambdaContext())


def approvals_then_run() -> tuple[float, float]:
    """(seconds for APPROVALS approvals one by one, seconds for one run of RUN_CLAIMS approved claims)."""
    from claims import store

    add_claims(LARGE, APPROVALS)
    pending = [claim["id"] for claim in store.all_by_status("submitted")]
    started = time.perf_counter()
    for claim_id in pending:
        result = _handle("POST", f"/claims/{claim_id}/decision", '{"action": "approve", "expected": "submitted"}')
        assert result["statusCode"] == 200, result
    approving = time.perf_counter() - started
    add_claims(LARGE + APPROVALS, RUN_CLAIMS - APPROVALS)
    approve_all()  # filed, then approved: the audit trail holds only legal steps (sharewall_common.claimsteps)
    started = time.perf_counter()
    result = _handle("POST", "/payment-runs", claims=RUN_CREATOR)
    running = time.perf_counter() - started
    assert result["statusCode"] == 201, result
    assert f'"count":{RUN_CLAIMS}' in result["body"].replace(" ", ""), result["body"][:300]
    return approving, running


# The command line: no options, but `--help` prints what the benchmark measures instead of starting it
def options() -> argparse.Namespace:
    return argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()


def main() -> None:
    options()  # --help says what runs, and runs nothing
    import logging

    from site_builder.local.aws import create_resources, reset_tables, set_local_env, start_moto

    logging.disable(logging.INFO)
    from botocore.config import Config

    from sharewall_common import aws

    aws.CONFIG = aws.CONFIG.merge(Config(read_timeout=120))  # moto's Query sorts the whole table: seconds at 10,000
    server, endpoint = start_moto()
    site = tempfile.TemporaryDirectory()
    origin, site_server = published_site(Path(site.name))
    try:
        set_local_env(endpoint)
        resources = create_resources(ROOT / "template.yaml", {"SiteOrigin": origin})
        os.environ.update(resources.function_environment())
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        now = datetime.now(timezone.utc)
        add_claims(0, SMALL)
        small = first_page_median()
        add_claims(SMALL, MIDDLE - SMALL)
        middle_filtered = filtered_pages(now)
        add_claims(MIDDLE, LARGE - MIDDLE)
        large = first_page_median()
        large_filtered = filtered_pages(now)
        reset_tables(resources)  # the run's transactions on the same moto server, without 10,000 bystanders
        approving, running = approvals_then_run()
    finally:
        server.stop()
        site_server.shutdown()
        site.cleanup()
    ratio = large / small
    print(f"finance list, first page, {SMALL} claims: {small * 1000:.2f} ms (median of {RUNS - 3})")
    print(f"finance list, first page, {LARGE} claims: {large * 1000:.2f} ms (median of {RUNS - 3})")
    print(f"ratio {LARGE}/{SMALL}: {ratio:.2f}x (target: at most {TARGET}x) {'OK' if ratio <= TARGET else 'FAIL'}")
    filter_ok = True
    for size, pages in ((MIDDLE, middle_filtered), (LARGE, large_filtered)):
        base_seconds, base_read = pages[""]
        print(f"unfiltered first page, {size} claims: {base_seconds * 1000:.1f} ms, {base_read} items read "
              f"(second page, a gsi1 Query: {pages['page 2'][0] * 1000:.1f} ms, {pages['page 2'][1]} items read)")
        for name in filters(datetime.now(timezone.utc)):
            seconds, read = pages[name]
            reads = read / base_read
            verdict = ""
            if size == LARGE:
                filter_ok = filter_ok and reads <= FILTER_TARGET
                verdict = f" (target: at most {FILTER_TARGET}x) {'OK' if reads <= FILTER_TARGET else 'FAIL'}"
            print(f"  filtered ({name}), {size} claims: {read} items read, ratio {reads:.2f}x{verdict}; "
                  f"{seconds * 1000:.1f} ms on moto, ratio {seconds / base_seconds:.2f}x")
    run_ratio = running / approving
    print(f"approving {APPROVALS} claims one by one: {approving:.2f} s")
    print(f"payment run of {RUN_CLAIMS} approved claims (moves, audit entries, SEPA file): {running:.2f} s")
    print(f"ratio run/approvals: {run_ratio:.2f}x (target: at most {RUN_TARGET}x) {'OK' if run_ratio <= RUN_TARGET else 'FAIL'}")
    sys.exit(0 if ratio <= TARGET and run_ratio <= RUN_TARGET and filter_ok else 1)


if __name__ == "__main__":
    main()
