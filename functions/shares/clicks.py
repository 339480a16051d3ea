"""Count a click on a `/go/` link exactly once per request: one TransactWriteItems, nothing of the requester.

Items (the application table):
- `CLICK#<hash of the API's request id>` / `CLICK`: put only if absent, expiring after a day; it holds no
  post, network, address, agent or time of the requester: it only makes a retried write of the same request
  count once (the SDK retries a write whose answer was lost).
- `STATS#<day|week|month>` / `<period>`: counters `clicks`, `click:net:<network>`, `click:post:<slug>` and
  `click:camp:<campaign>` next to the shares' counters (shares.counting), bounded by the catalogue.

Concurrent clicks conflict on the hot counters; a conflict is retried with jittered back-off, so N requests
count N clicks.
"""

from __future__ import annotations

import hashlib
import random
import time
from datetime import date, datetime, timezone

from botocore.exceptions import ClientError

from shares.stats import CLICK_CAMPAIGN, CLICK_NETWORK, CLICK_POST, CLICKS
from sharewall_common.periods import GRANULARITIES, period_key

RECORD_SECONDS = 86400  # the SDK's retries come within seconds; a day is plenty
ATTEMPTS = 8


def record_key(request_id: str) -> str:
    """The record's key: a hash of API Gateway's id of the request (not of anything the requester sent)."""
    return "CLICK#" + hashlib.sha256(request_id.encode()).hexdigest()[:32]


def transaction(table: str, request_id: str, post: str, network: str, day: date, now: float,
                campaign: str | None = None) -> list[dict]:
    """The record and one counter update per period (day, week, month)."""
    items = [{"Put": {
        "TableName": table,
        "Item": {"pk": {"S": record_key(request_id)}, "sk": {"S": "CLICK"}, "ttl": {"N": str(int(now) + RECORD_SECONDS)}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }}]
    names = {"#clicks": CLICKS, "#net": f"{CLICK_NETWORK}{network}", "#post": f"{CLICK_POST}{post}"}
    if campaign:
        names["#camp"] = f"{CLICK_CAMPAIGN}{campaign}"
    additions = ", ".join(f"{name} :one" for name in names)
    for granularity in GRANULARITIES:
        items.append({"Update": {
            "TableName": table,
            "Key": {"pk": {"S": f"STATS#{granularity}"}, "sk": {"S": period_key(day, granularity)}},
            "UpdateExpression": f"ADD {additions}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }})
    return items


def count_click(client, table: str, request_id: str, post: str, network: str, day: date,
                campaign: str | None = None) -> bool:
    """Count the click of request `request_id` once; False when it was counted before (a retry)."""
    now = datetime.now(timezone.utc).timestamp()
    items = transaction(table, request_id, post, network, day, now, campaign)
    for attempt in range(ATTEMPTS):
        try:
            client.transact_write_items(TransactItems=items)
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False
        time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # a conflict with a concurrent click or share
    raise RuntimeError("click not counted: too many transaction conflicts")
