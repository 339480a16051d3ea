"""Finance's claim list: first-page latency with 100 vs 10,000 claims, measured in one run.

The real claims handler answers `GET /claims?status=submitted` (first page, totals) against a moto
server on loopback, with the table created from template.yaml. Claims are written with the same
items the function files (claim, audit entry, duplicate markers) via batch writes, spread over the
last year. Prints each median and the ratio; exits 1 when the ratio is over the target (1.3x).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this script is named like the function's package: take bench/ off the path, put functions/ first
sys.path[:] = [str(ROOT / "functions"), str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.synthetic import put_items  # noqa: E402

SMALL, LARGE, RUNS, TARGET = 100, 10_000, 40, 1.3
FINANCE = {"sub": "bench-finance", "groups": ["employee", "finance"]}


def claim_record(number: int, when: datetime) -> dict:
    from claims.rules import payment_key

    gross = 1000 + number % 50_000
    return {
        "id": f"{number:024x}", "invite_id": f"{number % 500:016x}", "campaign": "fair-2026", "creator": "bench",
        "status": "submitted", "submitted_at": when.isoformat(timespec="microseconds"),
        "payee": {"kind": "private", "holder": f"Payee {number}", "iban": "DE89370400440532013000", "vat_id": None,
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
        for item in store.claim_items(record, audit, [(marker, f"{record['id']}#0")]):
            if "Put" in item:
                puts.append(item["Put"]["Item"])
            else:
                dynamodb.update_item(**item["Update"])
        if number % 25 == 0:
            store.trim("submitted")  # the function trims after every filing; every 25th keeps loading quick
    put_items(dynamodb, os.environ["APP_TABLE"], puts)


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


def main() -> None:
    import logging

    from site_builder.local.aws import create_resources, set_local_env, start_moto

    logging.disable(logging.INFO)
    server, endpoint = start_moto()
    try:
        set_local_env(endpoint)
        os.environ.update(create_resources(ROOT / "template.yaml").function_environment())
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        add_claims(0, SMALL)
        small = first_page_median()
        add_claims(SMALL, LARGE - SMALL)
        large = first_page_median()
    finally:
        server.stop()
    ratio = large / small
    print(f"finance list, first page, {SMALL} claims: {small * 1000:.2f} ms (median of {RUNS - 3})")
    print(f"finance list, first page, {LARGE} claims: {large * 1000:.2f} ms (median of {RUNS - 3})")
    print(f"ratio {LARGE}/{SMALL}: {ratio:.2f}x (target: at most {TARGET}x) {'OK' if ratio <= TARGET else 'FAIL'}")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
