"""Suggestions, the per-person daily limit and the aggregate counters in the application table.

Items (pk / sk):
  SUGGESTION#<id> / SUGGESTION      the suggestion: its fields, status, decision, the suggester's pseudonym
                                    (for "mine"), their display name only when they asked to be named;
                                    `ttl` once decided (deleted SUGGESTION_RETENTION_DAYS after the decision)
  SUGGESTLIMIT#<day> / <pseudonym>  how many a person suggested that day (pseudonym of that day only); expiring
  SUGGESTSTATS#<granularity> / <period>   received, accepted and people (different suggesters) of the period
  SUGGESTPEOPLE#<granularity>#<period> / <pseudonym of that period>   a person suggested then; expiring
Indexes: gsi1 lists suggestions by status (SUGGESTIONS#<status>, oldest first); gsi2 one person's
(SUGGESTER#<pseudonym>, newest first). A suggestion's id is a keyed hash of its suggester's pseudonym and
Idempotency-Key: a retry finds the same item, so the suggestion's own conditional Put is the idempotency
record. Nothing holds the subject itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import time
from datetime import date, datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

from sharewall_common.periods import GRANULARITIES, Granularity, period_end_epoch, period_key
from sharewall_common import cursors, dynamo
from sharewall_common.aws import client
from sharewall_common.dynamo import expression_values as _values, from_item as _plain, to_item as _item  # numbers as int
from sharewall_common.errors import ApiError, Conflict
from sharewall_common.pseudonym import pseudonym

DAILY_LIMIT = 10
DAY_SECONDS = 86400
ATTEMPTS = 6
OPEN, ACCEPTING, ACCEPTED, DECLINED = "open", "accepting", "accepted", "declined"
LISTED = {OPEN: OPEN, ACCEPTING: OPEN, ACCEPTED: ACCEPTED, DECLINED: DECLINED}  # status -> the list it is in
KEYS = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "suggester", "fingerprint", "ttl")


class TooMany(ApiError):
    status, code = 429, "daily_limit"


class AlreadyDecided(Conflict):
    code = "already_decided"


def table() -> str:
    return os.environ["APP_TABLE"]


def retention_days() -> int:
    """Days a decided suggestion is kept (template.yaml's SuggestionRetentionDays)."""
    value = os.environ.get("SUGGESTION_RETENTION_DAYS", "90")
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"SUGGESTION_RETENTION_DAYS: {value!r} is not a whole number of at least 1")
    return int(value)


def suggester(subject: str) -> str:
    """The pseudonym "mine" is found by: stable for a person, not reversible without the secret."""
    return pseudonym(subject, "suggestions")


def suggestion_id(person: str, key: str) -> str:
    """26 characters [a-z2-7]: the same for a retry of one person's submission, different for anyone else's."""
    digest = hashlib.sha256(f"{person}\x1f{key}".encode()).digest()
    return base64.b32encode(digest).decode().lower()[:26]


def fingerprint(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _key(suggestion_id: str) -> dict:
    return _item({"pk": f"SUGGESTION#{suggestion_id}", "sk": "SUGGESTION"})


def _reasons(error: ClientError) -> list[dict]:
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        raise error
    return error.response.get("CancellationReasons") or []


# --- suggesting -------------------------------------------------------------------------------


def add(fields: dict, subject: str, key: str, name: str | None, now: datetime, day: date) -> tuple[dict, bool]:
    """Store a suggestion once per (person, key), within the daily limit; (suggestion, replayed)."""
    person = suggester(subject)
    new_id = suggestion_id(person, key)
    created = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    order = f"{now.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{new_id}"  # arrival order
    record = {**fields, "pk": f"SUGGESTION#{new_id}", "sk": "SUGGESTION", "id": new_id, "status": OPEN,
              "created": created, "name": name if fields["name_me"] else None, "suggester": person,
              "fingerprint": fingerprint(fields), "gsi1pk": f"SUGGESTIONS#{OPEN}", "gsi1sk": order,
              "gsi2pk": f"SUGGESTER#{person}", "gsi2sk": order}
    periods = {g: period_key(day, g) for g in GRANULARITIES}
    markers = {g: pseudonym(subject, f"suggest#{g}#{periods[g]}") for g in GRANULARITIES}
    new_people = set(GRANULARITIES)
    for attempt in range(ATTEMPTS):
        items = [{"Put": {"TableName": table(), "Item": _item(record), "ConditionExpression": "attribute_not_exists(pk)",
                          "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
                 _limit_update(subject, day)]
        items += [_stats_update(g, periods[g], received=1, people=int(g in new_people)) for g in GRANULARITIES]
        items += [{"Put": {"TableName": table(),
                           "Item": _item({"pk": f"SUGGESTPEOPLE#{g}#{periods[g]}", "sk": markers[g],
                                          "ttl": period_end_epoch(day, g) + DAY_SECONDS}),
                           "ConditionExpression": "attribute_not_exists(pk)"}}
                  for g in GRANULARITIES if g in new_people]
        try:
            client("dynamodb").transact_write_items(TransactItems=items)
            return _plain(_item(record)), False
        except ClientError as error:
            codes = [reason.get("Code", "None") for reason in _reasons(error)]
            reasons = error.response.get("CancellationReasons") or []
        if codes and codes[0] == "ConditionalCheckFailed":
            return _replay(new_id, reasons[0].get("Item"), fields), True
        if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
            raise TooMany(f"you made {DAILY_LIMIT} suggestions today, the most a day; suggest again tomorrow")
        tried = [g for g in GRANULARITIES if g in new_people]
        known = {g for g, code in zip(tried, codes[2 + len(GRANULARITIES):]) if code == "ConditionalCheckFailed"}
        if known:
            new_people -= known  # this person suggested in that period before: counted once
            continue
        time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # a concurrent write to the same counters
    raise RuntimeError("suggestion not stored: too many transaction conflicts")


def _replay(suggestion_id_: str, old: dict | None, fields: dict) -> dict:
    if not old:
        old = client("dynamodb").get_item(TableName=table(), Key=_key(suggestion_id_), ConsistentRead=True).get("Item") or {}
    if old.get("fingerprint", {}).get("S") != fingerprint(fields):
        raise Conflict("idempotency-key: already used for a different suggestion; make a new key per suggestion")
    return _plain(old)


def _limit_update(subject: str, day: date) -> dict:
    return {"Update": {
        "TableName": table(),
        "Key": _item({"pk": f"SUGGESTLIMIT#{day.isoformat()}", "sk": pseudonym(subject, f"suggest-limit#{day}")}),
        "UpdateExpression": "ADD #count :one SET #ttl = :ttl",
        "ConditionExpression": "attribute_not_exists(#count) OR #count < :limit",
        "ExpressionAttributeNames": {"#count": "count", "#ttl": "ttl"},
        "ExpressionAttributeValues": _values(one=1, limit=DAILY_LIMIT, ttl=period_end_epoch(day, "day") + DAY_SECONDS),
    }}


def _stats_update(granularity: Granularity, period: str, *, received: int = 0, accepted: int = 0,
                  people: int = 0) -> dict:
    return {"Update": {
        "TableName": table(),
        "Key": _item({"pk": f"SUGGESTSTATS#{granularity}", "sk": period}),
        "UpdateExpression": "ADD received :received, accepted :accepted, people :people",
        "ExpressionAttributeValues": _values(received=received, accepted=accepted, people=people),
    }}


# --- reading ----------------------------------------------------------------------------------


def get(suggestion_id_: str) -> dict | None:
    item = client("dynamodb").get_item(TableName=table(), Key=_key(suggestion_id_), ConsistentRead=True).get("Item")
    return _plain(item) if item else None


def mine(subject: str, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    """One person's suggestions, newest first."""
    value = f"SUGGESTER#{suggester(subject)}"
    return _page({"IndexName": "gsi2", "KeyConditionExpression": "gsi2pk = :v", "ScanIndexForward": False,
                  "ExpressionAttributeValues": _values(v=value)}, f"gsi2|{value}", limit, cursor)


def listing(status: str, language: str | None, topic: str | None, limit: int,
            cursor: str | None) -> tuple[list[dict], str | None]:
    """The suggestions of a status (open includes those being accepted), oldest first, filtered."""
    value = f"SUGGESTIONS#{status}"
    request: dict[str, Any] = {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :v", "ScanIndexForward": True}
    values, filters = {"v": value}, []
    if language:
        filters.append("#language = :language")
        values["language"] = language
    if topic:
        filters.append("contains(topics, :topic)")
        values["topic"] = topic
    if filters:
        request["FilterExpression"] = " AND ".join(filters)
        if language:
            request["ExpressionAttributeNames"] = {"#language": "language"}
    request["ExpressionAttributeValues"] = _values(**values)
    return _page(request, f"gsi1|{value}|{language or ''}|{topic or ''}", limit, cursor)


def _page(request: dict, scope: str, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    request = {"TableName": table(), "Limit": limit, **request}
    if cursor:
        request["ExclusiveStartKey"] = cursors.decode(cursor, scope)
    response = client("dynamodb").query(**request)
    last = response.get("LastEvaluatedKey")
    return [_plain(item) for item in response.get("Items", [])], (cursors.encode(last, scope) if last else None)


# --- deciding ---------------------------------------------------------------------------------


def _expiry(now: datetime) -> int:
    return int(now.timestamp()) + retention_days() * DAY_SECONDS


def _decided_at(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def start_accepting(suggestion: dict, now: datetime) -> dict:
    """open -> accepting, conditional on the status: only one decision starts; others see the new status.
    `accepting_at` fixes the draft's date, so every attempt writes the same file."""
    return _set_status(suggestion, OPEN, {"status": ACCEPTING, "accepting_at": _decided_at(now)})


def decline(suggestion: dict, reason: str, now: datetime) -> dict:
    """open, or accepting (an accept that failed half-way), -> declined with the reason, deleted after the
    retention period."""
    return _set_status(suggestion, (OPEN, ACCEPTING), {"status": DECLINED, "reason": reason, "decided": _decided_at(now),
                                          "ttl": _expiry(now), "gsi1pk": f"SUGGESTIONS#{DECLINED}"})


def finish_accepting(suggestion: dict, pull_request: dict, now: datetime, day: date) -> dict:
    """accepting -> accepted with its pull request, counted as accepted in the decision's periods, once."""
    changes = {"status": ACCEPTED, "pull_request": pull_request, "decided": _decided_at(now), "ttl": _expiry(now),
               "gsi1pk": f"SUGGESTIONS#{ACCEPTED}"}
    update = _status_update(suggestion["id"], ACCEPTING, changes)
    stats = [_stats_update(g, period_key(day, g), accepted=1) for g in GRANULARITIES]
    try:
        client("dynamodb").transact_write_items(TransactItems=[update, *stats])
    except ClientError as error:
        codes = [reason.get("Code") for reason in _reasons(error)]
        if codes and codes[0] == "ConditionalCheckFailed":  # a concurrent accept finished it first
            return get(suggestion["id"]) or suggestion
        raise
    return {**suggestion, **changes}


def _set_status(suggestion: dict, expected: str | tuple[str, ...], changes: dict) -> dict:
    try:
        client("dynamodb").transact_write_items(TransactItems=[_status_update(suggestion["id"], expected, changes)])
    except ClientError as error:
        codes = [reason.get("Code") for reason in _reasons(error)]
        if codes and codes[0] == "ConditionalCheckFailed":
            current = get(suggestion["id"])
            wanted = " or ".join((expected,) if isinstance(expected, str) else expected)
            raise AlreadyDecided(f"suggestion is {(current or {}).get('status', 'gone')}, not {wanted}")
        raise
    return {**suggestion, **changes}


# The update of a suggestion's fields, conditional on its status being (one of) `expected`
def _status_update(suggestion_id_: str, expected: str | tuple[str, ...], changes: dict) -> dict:
    names = {f"#f{index}": name for index, name in enumerate(changes)}
    values = {f":f{index}": dynamo.serialize(value) for index, value in enumerate(changes.values())}
    allowed = (expected,) if isinstance(expected, str) else expected
    statuses = {f":expected{index}": dynamo.serialize(status) for index, status in enumerate(allowed)}
    return {"Update": {
        "TableName": table(), "Key": _key(suggestion_id_),
        "UpdateExpression": "SET " + ", ".join(f"#f{index} = :f{index}" for index in range(len(changes))),
        "ConditionExpression": f"attribute_exists(pk) AND #status IN ({', '.join(statuses)})",
        "ExpressionAttributeNames": {**names, "#status": "status"},
        "ExpressionAttributeValues": {**values, **statuses},
    }}


# --- statistics -------------------------------------------------------------------------------


def stats_items(granularity: Granularity, periods: list[str]) -> dict[str, dict]:
    """The counters of the periods asked for, by key (BatchGetItem, 100 keys a call)."""
    found: dict[str, dict] = {}
    for start in range(0, len(periods), 100):
        request = {table(): {"Keys": [_item({"pk": f"SUGGESTSTATS#{granularity}", "sk": period})
                                      for period in periods[start:start + 100]]}}
        for attempt in range(ATTEMPTS):
            page = client("dynamodb").batch_get_item(RequestItems=request)
            for item in page.get("Responses", {}).get(table(), []):
                plain = _plain(item)
                found[plain["sk"]] = plain
            request = page.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.01 * 2 ** attempt)
        else:
            raise RuntimeError("statistics not read: DynamoDB kept keys unprocessed")
    return found


