"""Count a share exactly once: one TransactWriteItems with the share record, counters and people markers.

Items (one application table, `pk`/`sk`):
- `SHARE#<Idempotency-Key>` / `SHARE`: the share record, put only if absent, expiring; no identity.
- `STATS#<day|week|month>` / `<period>`: counters `shares`, `personalised`, `people`, and one counter
  per network (`net:<name>`), source (`src:<key>`), post (`post:<slug>`) and the post's campaign
  (`camp:<key>`, for campaign goals), bounded by the catalogue.
- `PEOPLE#<granularity>#<period>` / `<HMAC(period, subject)>`: a person was active in that period; put
  only if absent, expiring after the period. Different periods give different pseudonyms.

A replayed key fails the record's condition, which cancels the whole transaction: nothing changes.
A person's second share of a period fails that marker's condition: the transaction is retried
without that marker and without its `people` increment, so the share counts and the person doesn't.
A warm container remembers markers it saw, so the same person's next share needs one transaction.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone

from botocore.exceptions import ClientError

from sharewall_common.periods import GRANULARITIES, Granularity, period_end_epoch, period_key
from shares.stats import CAMPAIGN, NETWORK, POST, SOURCE
from sharewall_common.pseudonym import pseudonym

RECORD_DAYS = 7  # how long a key is remembered: retries come within minutes, replays within days
MARKER_GRACE_SECONDS = 86400  # markers outlive their period by a day (clock skew, late retries)
ATTEMPTS = 8  # transaction conflicts on the hot counters are retried with jittered back-off


@dataclass(frozen=True)
class Share:
    post: str
    network: str
    personalised: bool
    source: str
    campaign: str | None = None  # the post's (from the catalogue): counted for the campaign's goal; not in the fingerprint

    # Same key with a different share is a client bug, told apart from a replay by this fingerprint
    @property
    def fingerprint(self) -> str:
        payload = json.dumps([self.post, self.network, self.personalised, self.source])
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Outcome:
    share: Share
    period: str
    replayed: bool


class KeyReused(Exception):
    """The Idempotency-Key was already used for a different share."""


def record_item(table: str, key: str, share: Share, day: str, now: float) -> dict:
    return {"Put": {
        "TableName": table,
        "Item": {
            "pk": {"S": f"SHARE#{key}"}, "sk": {"S": "SHARE"},
            "post": {"S": share.post}, "network": {"S": share.network}, "source": {"S": share.source},
            "personalised": {"BOOL": share.personalised}, "period": {"S": day},
            "fingerprint": {"S": share.fingerprint}, "ttl": {"N": str(int(now) + RECORD_DAYS * 86400)},
        },
        "ConditionExpression": "attribute_not_exists(pk)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }}


def counter_item(table: str, granularity: Granularity, period: str, share: Share, new_person: bool) -> dict:
    names = {"#net": f"{NETWORK}{share.network}", "#src": f"{SOURCE}{share.source}", "#post": f"{POST}{share.post}"}
    additions = "shares :one, personalised :personalised, #net :one, #src :one, #post :one"
    if share.campaign:
        names["#camp"] = f"{CAMPAIGN}{share.campaign}"
        additions += ", #camp :one"
    if new_person:
        additions += ", people :one"
    return {"Update": {
        "TableName": table,
        "Key": {"pk": {"S": f"STATS#{granularity}"}, "sk": {"S": period}},
        "UpdateExpression": f"ADD {additions}",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {":one": {"N": "1"}, ":personalised": {"N": "1" if share.personalised else "0"}},
    }}


def marker_item(table: str, granularity: Granularity, period: str, person: str, expires: int) -> dict:
    return {"Put": {
        "TableName": table,
        "Item": {"pk": {"S": f"PEOPLE#{granularity}#{period}"}, "sk": {"S": person}, "ttl": {"N": str(expires)}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }}


def transaction(table: str, key: str, share: Share, subject: str, day: date, now: float,
                new_people: frozenset[Granularity], secret: bytes | None = None) -> list[dict]:
    """The items of one attempt: the record, a counter per period, a marker per period still to claim."""
    periods = {granularity: period_key(day, granularity) for granularity in GRANULARITIES}
    items = [record_item(table, key, share, periods["day"], now)]
    items += [counter_item(table, g, periods[g], share, g in new_people) for g in GRANULARITIES]
    for granularity in GRANULARITIES:
        if granularity in new_people:
            period = periods[granularity]
            person = pseudonym(subject, f"{granularity}#{period}", secret)
            expires = period_end_epoch(day, granularity) + MARKER_GRACE_SECONDS
            items.append(marker_item(table, granularity, period, person, expires))
    return items


def marker_keys(subject: str, day: date, secret: bytes | None = None) -> dict[Granularity, str]:
    """Which marker each period's people count needs for this subject (pseudonymous)."""
    keys = {}
    for granularity in GRANULARITIES:
        scope = f"{granularity}#{period_key(day, granularity)}"
        keys[granularity] = f"{scope}#{pseudonym(subject, scope, secret)}"
    return keys


# Markers this container saw written or already present: a person's next share in the same period
# skips them and needs one transaction instead of two. Markers are never deleted within their period,
# so a remembered marker is a present marker; the keys are pseudonyms, never the subject.
_present_markers: dict[str, None] = {}
PRESENT_MARKERS_MAX = 50_000


def _remember(keys) -> None:
    if len(_present_markers) > PRESENT_MARKERS_MAX:
        _present_markers.clear()
    _present_markers.update(dict.fromkeys(keys))


def count_share(client, table: str, key: str, share: Share, subject: str, day: date) -> Outcome:
    """Write the share once; a replay of `key` changes nothing and reports `replayed`."""
    markers = marker_keys(subject, day)
    new_people = frozenset(g for g in GRANULARITIES if markers[g] not in _present_markers)
    now = datetime.now(timezone.utc).timestamp()
    for attempt in range(ATTEMPTS):
        items = transaction(table, key, share, subject, day, now, new_people)
        try:
            client.transact_write_items(TransactItems=items)
            _remember(markers.values())
            return Outcome(share, period_key(day, "day"), replayed=False)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
        codes = [reason.get("Code", "None") for reason in reasons]
        if codes and codes[0] == "ConditionalCheckFailed":
            return _replay(client, table, key, share, reasons[0].get("Item"))
        known = [g for g in GRANULARITIES if g in new_people]  # markers follow the record and counters
        counted_before = {g for g, code in zip(known, codes[1 + len(GRANULARITIES):]) if code == "ConditionalCheckFailed"}
        if counted_before:
            _remember(markers[g] for g in counted_before)
            new_people = new_people - counted_before
            continue
        time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # a conflict with a concurrent share
    raise RuntimeError("share not counted: too many transaction conflicts")


def _replay(client, table: str, key: str, share: Share, old: dict | None) -> Outcome:
    # The record's condition failed: the key was counted before; same share or a reused key?
    if not old:
        old = client.get_item(TableName=table, Key={"pk": {"S": f"SHARE#{key}"}, "sk": {"S": "SHARE"}},
                              ConsistentRead=True).get("Item") or {}
    if old.get("fingerprint", {}).get("S") != share.fingerprint:
        raise KeyReused(key)
    return Outcome(share, old["period"]["S"], replayed=True)
