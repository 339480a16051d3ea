"""Invites, claims, audit entries, duplicate markers and status totals in the application table.

Items (pk / sk):
  INVITE#<id> / INVITE         the invite: name, campaign, language, expiry, hash of its token, creator pseudonym
                               and name (never the e-mail address it was mailed to; invites from before #20 kept one)
  CLAIM#<id>  / CLAIM          the claim as submitted (never edited), plus status and decision fields
  CLAIM#<id>  / AUDIT#<seq>     one per transition: who (pseudonym), when, from, to, reason; hash-chained (claims.audit),
                               the chain head (audit_seq, audit_head) on the claim item; never deleted
  DUP#R#<sha256 of receipt> / <claim>#<line>        same receipt bytes in any claim
  DUP#P#<sha256 of iban|date|cents|currency> / ...  same payee, date, amount and currency
  INVITE#<id> / TOTALS        cents per category (`c_<category>`) of the invite's claims that are not rejected,
                               kept in the claims' own transactions (the policy's limits across claims)
  CLAIMSTATS  / <status>       count and total cents per status, and the status's newest claims:
                               `r_<claim>` = its list key, `floor` = the newest key trimmed off;
                               all kept in the same transactions as the claims themselves
  DATEVCREDITOR#<payee key> / ACCOUNT, DATEVACCOUNT#<number> / PAYEE   a payee's DATEV creditor account (see there)
Indexes: gsi1 lists claims by status (CLAIMS#<status>) and invites (INVITES), newest first;
gsi2 lists the claims of one invite (INVITE#<id>); gsi3 the claims of a status in one campaign (its partition
key is gsi1pk and `campaign` together, its sort key gsi1sk: every claim is in it as filed, nothing to keep up).
A claim's `search` holds its folded search text (find_claims). No Scan anywhere.

Finance's first page is read from the CLAIMSTATS item (one GetItem, then one BatchGetItem of the
claims), so it costs the same with 100 or 100,000 claims; later pages page through gsi1. Every
claim of a status with a key above `floor` is in that item (claims enter and leave it in their
transaction; trimming only removes keys at or below the new floor), so the page is exact whenever
at least a page of keys lies above the floor; otherwise the list falls back to gsi1.
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Iterator

from botocore.exceptions import ClientError

from sharewall_common import cursors, dynamo
from sharewall_common.aws import client
from sharewall_common.dynamo import expression_values as _values, from_item as _plain, to_item as _item  # numbers as int
from sharewall_common.errors import Conflict, NotFound

from claims import audit as chain

STATS = "CLAIMSTATS"
RECENT = "r_"  # attribute prefix of the newest claims of a status, in the CLAIMSTATS item
KEEP = 50  # trimmed back to this many once over twice as many
TOTAL = "c_"  # attribute prefix of a category's total in an invite's TOTALS item
SEARCH_READ = 150  # the most claims one page of a text search reads: at most 3x what the unfiltered first page reads


def table() -> str:
    return os.environ["APP_TABLE"]


# --- invites ----------------------------------------------------------------------------------


def put_invite(invite: dict) -> None:
    client("dynamodb").put_item(
        TableName=table(),
        Item=_item({**invite, "pk": f"INVITE#{invite['id']}", "sk": "INVITE",
                    "gsi1pk": "INVITES", "gsi1sk": f"{invite['created_at']}#{invite['id']}"}),
        ConditionExpression="attribute_not_exists(pk)",
    )


def get_invite(invite_id: str) -> dict | None:
    found = client("dynamodb").get_item(TableName=table(), Key=_item({"pk": f"INVITE#{invite_id}", "sk": "INVITE"}),
                                        ConsistentRead=True).get("Item")
    return _plain(found) if found else None


def list_invites(limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    return _page("gsi1", "gsi1pk", "INVITES", limit, cursor)


def claim_statuses_of_invite(invite_id: str) -> list[str]:
    """The status of every claim filed with the invite (gsi2, statuses only: no amounts read)."""
    request = {"TableName": table(), "IndexName": "gsi2", "KeyConditionExpression": "gsi2pk = :v",
               "ExpressionAttributeValues": _values(v=f"INVITE#{invite_id}"), "ProjectionExpression": "#s",
               "ExpressionAttributeNames": {"#s": "status"}}
    statuses: list[str] = []
    while True:
        response = client("dynamodb").query(**request)
        statuses += [item["status"]["S"] for item in response.get("Items", []) if "status" in item]
        if not response.get("LastEvaluatedKey"):
            return statuses
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def revoke_invite(invite_id: str, at: str) -> dict:
    """Mark revoked (once; a second revoke keeps the first time). The invite itself stays on record."""
    try:
        result = client("dynamodb").update_item(
            TableName=table(), Key=_item({"pk": f"INVITE#{invite_id}", "sk": "INVITE"}),
            UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :at)",
            ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues=_values(at=at), ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise NotFound(f"no invite {invite_id}") from None
        raise
    return _plain(result["Attributes"])


def count_upload(invite_id: str, day: str, cap: int, ttl: int) -> bool:
    """Count one upload slot of the invite on `day`; False (and nothing written) when `cap` are counted already.

    One conditioned atomic ADD on INVITE#<id> / UPLOADS#<day>: concurrent requests are counted exactly. The
    item expires by the table's TTL (`ttl`, epoch seconds) once the day is over.
    """
    try:
        client("dynamodb").update_item(
            TableName=table(), Key=_item({"pk": f"INVITE#{invite_id}", "sk": f"UPLOADS#{day}"}),
            UpdateExpression="ADD #count :one SET #ttl = :ttl",
            ConditionExpression="attribute_not_exists(#count) OR #count < :cap",
            ExpressionAttributeNames={"#count": "count", "#ttl": "ttl"},
            ExpressionAttributeValues=_values(one=1, cap=cap, ttl=ttl))
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- claims -----------------------------------------------------------------------------------


class TotalsChanged(Exception):
    """Another claim of the invite changed its category totals since they were read: read them again."""


def invite_totals(invite_id: str) -> dict[str, int]:
    """Cents per category of the invite's claims that are not rejected (read consistently)."""
    found = client("dynamodb").get_item(TableName=table(), Key=_item({"pk": f"INVITE#{invite_id}", "sk": "TOTALS"}),
                                        ConsistentRead=True).get("Item") or {}
    item = _plain(found)
    return {name.removeprefix(TOTAL): value for name, value in item.items() if name.startswith(TOTAL)}


def claim_items(claim: dict, audit: dict, duplicates: list[tuple[str, str]],
                caps: dict[str, int] | None = None, invite_name: str = "") -> list[dict]:
    """The transaction that files a new claim: the claim, the invite's totals, its first audit entry, markers, totals.

    `caps`: category -> the most the invite's total may be before this claim (the write fails above it);
    `invite_name` goes into the claim's search text (finance's `q`).
    """
    claim, first_entry = chain.first(claim, audit)
    keys = {"pk": f"CLAIM#{claim['id']}", "sk": "CLAIM", "gsi1pk": f"CLAIMS#{claim['status']}",
            "gsi1sk": f"{claim['submitted_at']}#{claim['id']}", "gsi2pk": f"INVITE#{claim['invite_id']}",
            "gsi2sk": f"{claim['submitted_at']}#{claim['id']}", "search": search_text(claim, invite_name)}
    items = [
        {"Put": {"TableName": table(), "Item": _item({**claim, **keys}), "ConditionExpression": "attribute_not_exists(pk)"}},
        _totals_update(claim["invite_id"], claim.get("invite_totals") or {}, caps or {}),
        first_entry,
        _stats_update(claim["status"], 1, claim["total"], enter=(claim["id"], list_key(claim))),
    ]
    for pk, sk in duplicates:
        items.append({"Put": {"TableName": table(), "Item": _item({"pk": pk, "sk": sk, "claim": claim["id"]})}})
    return items


def put_claim(claim: dict, audit: dict, duplicates: list[tuple[str, str]], caps: dict[str, int] | None = None) -> None:
    """File the claim in one transaction; nothing is written when a claim with this id exists already (a retry).

    Raises TotalsChanged (nothing written) when the invite's totals went past a cap meanwhile.
    """
    invite_name = (get_invite(claim["invite_id"]) or {}).get("name", "")  # searchable by the invite's name too
    try:
        _transact(claim_items(claim, audit, duplicates, caps, invite_name))
    except ClientError as error:
        if _cancelled_by_condition(error):
            return
        if _cancelled_by_condition(error, 1):
            raise TotalsChanged() from None
        raise
    trim(claim["status"])


def list_key(claim: dict) -> str:
    """The sort key of a claim in its status's list (gsi1sk): newest submission first."""
    return f"{claim['submitted_at']}#{claim['id']}"


def duplicates_of(keys: list[str]) -> dict[str, list[str]]:
    """For each marker key, the markers (`<claim>#<line>`) already on record."""
    found: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):
        response = client("dynamodb").query(
            TableName=table(), KeyConditionExpression="pk = :pk", ExpressionAttributeValues=_values(pk=key),
            ProjectionExpression="sk", Limit=20,
        )
        found[key] = [dynamo.deserialize(item["sk"]) for item in response.get("Items", [])]
    return found


def get_claim(claim_id: str) -> dict | None:
    found = client("dynamodb").get_item(TableName=table(), Key=_item({"pk": f"CLAIM#{claim_id}", "sk": "CLAIM"}),
                                        ConsistentRead=True).get("Item")
    return _plain(found) if found else None


def audit_of(claim_id: str) -> list[dict]:
    response = client("dynamodb").query(
        TableName=table(), KeyConditionExpression="pk = :pk AND begins_with(sk, :audit)",
        ExpressionAttributeValues=_values(pk=f"CLAIM#{claim_id}", audit=chain.PREFIX), ConsistentRead=True,
    )
    return [_strip(_plain(item)) for item in response.get("Items", [])]


def claims_by_status(status: str, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    return _page("gsi1", "gsi1pk", f"CLAIMS#{status}", limit, cursor)


def search_text(claim: dict, invite_name: str = "") -> str:
    """What finance's text search (`q`) looks in: payee, invite name, reference and line descriptions, folded
    (NFKC, casefold) as `find_claims` folds the query, so 'MÜLLER' finds 'Müller' and 'strasse' 'Straße'."""
    parts = [claim["payee"]["holder"], invite_name, claim["id"], *(line.get("description") or "" for line in claim["lines"])]
    return fold("\n".join(part for part in parts if part))


def fold(text: str) -> str:
    """Text as the search compares it: one Unicode form, case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def find_claims(status: str, limit: int, cursor: str | None, *, campaign: str | None = None,
                since: str | None = None, until: str | None = None, text: str | None = None) -> tuple[list[dict], str | None]:
    """Claims of a status, newest first, narrowed by key conditions, then by text as they are read.

    The campaign picks gsi3 (partition: gsi1pk and campaign, sort: gsi1sk), the submission instants
    [`since`, `until`) (UTC ISO, as `submitted_at`) bound the sort key, so neither reads a claim outside
    them. `text` is matched (FilterExpression) in the claims' folded `search`; claims filed before it was
    kept are matched by payee name or reference as written. A text search reads at most SEARCH_READ claims
    per page: a page may then hold fewer than `limit` claims while `next` goes on.
    """
    index = "gsi3" if campaign else "gsi1"
    condition, values = "gsi1pk = :status", {"status": f"CLAIMS#{status}"}
    if campaign:
        condition, values["campaign"] = condition + " AND campaign = :campaign", campaign
    if since and until:
        condition, values["since"], values["until"] = condition + " AND gsi1sk BETWEEN :since AND :until", since, until
    elif since:
        condition, values["since"] = condition + " AND gsi1sk >= :since", since
    elif until:
        condition, values["until"] = condition + " AND gsi1sk < :until", until  # `<until>#<id>` sorts after it
    request = {"TableName": table(), "IndexName": index, "KeyConditionExpression": condition, "ScanIndexForward": False}
    if text:
        request["FilterExpression"] = ("contains(#search, :text) OR (attribute_not_exists(#search) "
                                       "AND (contains(#payee.#holder, :raw) OR contains(#id, :raw)))")
        request["ExpressionAttributeNames"] = {"#search": "search", "#payee": "payee", "#holder": "holder", "#id": "id"}
        values.update(text=fold(text), raw=text)
    request["ExpressionAttributeValues"] = _values(**values)
    scope = "|".join((index, f"CLAIMS#{status}", campaign or "", since or "", until or "", text or ""))
    if cursor:
        request["ExclusiveStartKey"] = cursors.decode(cursor, scope)
    key_names = ("pk", "sk", "gsi1pk", "gsi1sk", *(("campaign",) if campaign else ()))
    if not text:
        items, last = _one_ahead(request, limit, key_names)
    else:
        response = client("dynamodb").query(**request, Limit=SEARCH_READ)
        items, last = response.get("Items", []), response.get("LastEvaluatedKey")
        if len(items) > limit:
            items = items[:limit]
            last = {name: items[-1][name] for name in key_names}
    return [_strip(_plain(item)) for item in items], cursors.encode(last, scope) if last else None


def all_by_status(status: str) -> Iterator[dict]:
    """Every claim of a status, page by page (for exports)."""
    cursor = None
    while True:
        page, cursor = claims_by_status(status, 100, cursor)
        yield from page
        if not cursor:
            return


def claims_of_invite(invite_id: str, limit: int = 50) -> list[dict]:
    return _page("gsi2", "gsi2pk", f"INVITE#{invite_id}", limit, None)[0]


def status_items(statuses: tuple[str, ...]) -> dict[str, dict]:
    """The CLAIMSTATS item of each status (count, total, newest claims), read consistently."""
    found = _batch_get([{"pk": STATS, "sk": status} for status in statuses])
    return {status: found.get((STATS, status), {}) for status in statuses}


def first_page(status: str, stats: dict, limit: int) -> tuple[list[dict], str | None]:
    """The newest `limit` claims of a status from its CLAIMSTATS item; gsi1 when that cannot be exact."""
    floor = stats.get("floor", "")
    keys = sorted((value for name, value in stats.items() if name.startswith(RECENT) and value > floor), reverse=True)
    if len(keys) < limit and floor:
        return claims_by_status(status, limit, None)
    page = keys[:limit]
    pks = [f"CLAIM#{key.rsplit('#', 1)[1]}" for key in page]
    found = _batch_get([{"pk": pk, "sk": "CLAIM"} for pk in pks])
    claims = [_strip(found[(pk, "CLAIM")]) for pk in pks if (pk, "CLAIM") in found]
    more = len(keys) > limit or (floor and len(page) == limit)
    return claims, (_cursor(status, page[-1]) if more and page else None)


def trim(status: str) -> None:
    """Keep the CLAIMSTATS item small: drop all but the newest KEEP keys once there are twice as many."""
    item = client("dynamodb").get_item(TableName=table(), Key=_item({"pk": STATS, "sk": status}),
                                       ConsistentRead=True).get("Item") or {}
    keys = sorted(((value["S"], name) for name, value in item.items() if name.startswith(RECENT)), reverse=True)
    if len(keys) <= 2 * KEEP:
        return
    dropped = keys[KEEP:]
    new_floor = dropped[0][0]
    for offset in range(0, len(dropped), 50):  # update expressions are limited in size
        chunk = dropped[offset:offset + 50]
        names = {f"#r{index}": name for index, (_, name) in enumerate(chunk)}
        try:
            client("dynamodb").update_item(
                TableName=table(), Key=_item({"pk": STATS, "sk": status}),
                UpdateExpression="SET #floor = :floor REMOVE " + ", ".join(names),
                ConditionExpression="attribute_not_exists(#floor) OR #floor <= :floor",
                ExpressionAttributeNames={**names, "#floor": "floor"}, ExpressionAttributeValues=_values(floor=new_floor))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return  # someone trimmed further already


def decide(claim: dict, to: str, audit: dict, changes: dict) -> None:
    """One transition in one transaction, conditioned on the status the caller expected.

    Raises Conflict when another decision came first: nothing is written then.
    """
    frm = audit["from"]
    sets = {"status": to, "gsi1pk": f"CLAIMS#{to}", **changes}
    names = {f"#{key}": key for key in sets}
    update = {
        "TableName": table(), "Key": _item({"pk": f"CLAIM#{claim['id']}", "sk": "CLAIM"}),
        "UpdateExpression": "SET " + ", ".join(f"#{key} = :{key}" for key in sets),
        "ConditionExpression": "#status = :expected",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {**_values(**sets), **_values(expected=frm)},
    }
    items = [*chain.transition(claim, audit, update),
             *([_totals_update(claim["invite_id"], {name: -cents for name, cents in claim["invite_totals"].items()}, {})]
               if to in ("rejected", "withdrawn") and claim.get("invite_totals") else []),  # it leaves the totals
             _stats_update(frm, -1, -claim["total"], leave=claim["id"]),
             _stats_update(to, 1, claim["total"], enter=(claim["id"], list_key(claim)))]
    try:
        _transact(items)
    except ClientError as error:
        if error.response["Error"]["Code"] == "TransactionCanceledException":
            raise Conflict(f"the claim is no longer {frm}: someone decided already; reload it", code="status_changed") from None
        raise
    trim(to)


# --- payment runs -----------------------------------------------------------------------------
# RUN#<id> / RUN: status (open → sealed → paid | cancelled), creator pseudonym, created_at, the ids of its
# claims (a string set, added in the same transactions that move them), count and total cents; gsi1 RUNS.
# A claim in a run is `in_payment` with `run` = the run's id; every move is conditioned on the status
# (and run) it leaves, so a claim lost to a concurrent run is simply not this run's.

RUN_FIELDS = ("id", "status", "created_at", "creator", "creator_name", "count", "total", "execution_date",
              "file_key", "executed", "decided_at", "decided_by", "decided_by_name", "reason", "skipped",
              "approvers")  # who approved its claims (a few pseudonyms): the list tells the caller their part
RUN_KEYS = ("pk", "sk", "gsi1pk", "gsi1sk")  # read to continue the list after a run, never returned


def put_run(run: dict) -> None:
    client("dynamodb").put_item(
        TableName=table(), ConditionExpression="attribute_not_exists(pk)",
        Item=_item({**run, "pk": f"RUN#{run['id']}", "sk": "RUN", "gsi1pk": "RUNS",
                    "gsi1sk": f"{run['created_at']}#{run['id']}"}))


def get_run(run_id: str) -> dict | None:
    found = client("dynamodb").get_item(TableName=table(), Key=_item({"pk": f"RUN#{run_id}", "sk": "RUN"}),
                                        ConsistentRead=True).get("Item")
    if not found:
        return None
    run = _strip(_plain(found))
    run["claims"] = sorted(run.get("claims") or ())
    return run


def list_runs(limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    """Runs newest first, without their claim ids (a run may hold thousands)."""
    request = {"TableName": table(), "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :v",
               "ExpressionAttributeValues": _values(v="RUNS"), "ScanIndexForward": False, "Limit": limit,
               "ProjectionExpression": ", ".join(f"#{name}" for name in RUN_FIELDS + RUN_KEYS),
               "ExpressionAttributeNames": {f"#{name}": name for name in RUN_FIELDS + RUN_KEYS}}
    if cursor:
        request["ExclusiveStartKey"] = cursors.decode(cursor, "gsi1|RUNS")
    items, last = _one_ahead(request, limit, RUN_KEYS)
    return [_strip(_plain(item)) for item in items], cursors.encode(last, "gsi1|RUNS") if last else None


def claims_by_id(ids: list[str]) -> list[dict]:
    found = _batch_get([{"pk": f"CLAIM#{claim_id}", "sk": "CLAIM"} for claim_id in ids])
    return [_strip(found[(f"CLAIM#{claim_id}", "CLAIM")]) for claim_id in ids if (f"CLAIM#{claim_id}", "CLAIM") in found]


def move_claims(claims: list[dict], frm: str, to: str, audits: list[dict], changes: dict, run_id: str,
                remove: tuple[str, ...] = (), run_update: dict | None = None) -> list[str]:
    """Move `claims` from status `frm` to `to` in ONE transaction, each with its audit entry; [] when done.

    Each claim's write is conditioned on `frm` (and, leaving `in_payment`, on being in run `run_id`).
    When a claim's condition fails (another run took it, or a retry moved it already) nothing is
    written and its id is returned, for the caller to retry without it. `run_update`: the run item's
    Update, in the same transaction (its condition failing raises Conflict).
    """
    items = []
    for claim, audit in zip(claims, audits, strict=True):
        sets = {"status": to, "gsi1pk": f"CLAIMS#{to}", **changes}
        names = {f"#{key}": key for key in (*sets, *remove, *(("run",) if frm == "in_payment" else ()), "status")}
        condition = "#status = :expected" + (" AND #run = :run" if frm == "in_payment" else "")
        items.extend(chain.transition(claim, audit, {  # the claim's Update, then its audit entry's Put
            "TableName": table(), "Key": _item({"pk": f"CLAIM#{claim['id']}", "sk": "CLAIM"}),
            "UpdateExpression": "SET " + ", ".join(f"#{key} = :{key}" for key in sets)
                                + (" REMOVE " + ", ".join(f"#{key}" for key in remove) if remove else ""),
            "ConditionExpression": condition, "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {**_values(**sets), **_values(expected=frm),
                                          **(_values(run=run_id) if frm == "in_payment" else {})}}))
    items.append(_stats_many(frm, claims, -1, leave=True))
    items.append(_stats_many(to, claims, 1, leave=False))
    if run_update:
        items.append({"Update": run_update})
    for attempt in range(8):
        try:
            client("dynamodb").transact_write_items(TransactItems=items)
            trim(to)
            return []
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            lost = [claims[index // 2]["id"] for index, code in enumerate(reasons[:2 * len(claims)])
                    if code == "ConditionalCheckFailed" and index % 2 == 0]
            if lost:
                return lost
            if run_update and len(reasons) == len(items) and reasons[-1] == "ConditionalCheckFailed":
                raise Conflict("the payment run changed meanwhile; reload it", code="run_changed") from None
            if "TransactionConflict" not in reasons or attempt == 7:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def run_claims_added(run_id: str, claims: list[dict], approvers: set[str] = frozenset()) -> dict:
    """The run item's Update adding `claims` (ids, count, total) and who approved them, while it is still open."""
    adds = {":claims": {"SS": [claim["id"] for claim in claims]},
            **_values(count=len(claims), total=sum(claim["total"] for claim in claims)),
            **({":approvers": {"SS": sorted(approvers)}} if approvers else {})}  # DynamoDB holds no empty set
    names = [value[1:] for value in adds]
    return {"TableName": table(), "Key": _item({"pk": f"RUN#{run_id}", "sk": "RUN"}),
            "UpdateExpression": "ADD " + ", ".join(f"#{name} :{name}" for name in names),
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": {**{f"#{name}": name for name in names}, "#status": "status"},
            "ExpressionAttributeValues": {**adds, **_values(open="open")}}


def set_run_status(run_id: str, frm: tuple[str, ...], to: str, changes: dict) -> dict | None:
    """The run from one of the statuses `frm` to `to` with `changes`; None when it was not in one of them."""
    sets = {"status": to, **changes}
    names = {f"#{key}": key for key in sets}
    allowed = {f":from{index}": dynamo.serialize(status) for index, status in enumerate(frm)}
    try:
        result = client("dynamodb").update_item(
            TableName=table(), Key=_item({"pk": f"RUN#{run_id}", "sk": "RUN"}),
            UpdateExpression="SET " + ", ".join(f"#{key} = :{key}" for key in sets),
            ConditionExpression=f"#status IN ({', '.join(allowed)})", ExpressionAttributeNames=names,
            ExpressionAttributeValues={**_values(**sets), **allowed}, ReturnValues="ALL_NEW")
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        raise
    return _strip(_plain(result["Attributes"]))


def _stats_many(status: str, claims: list[dict], sign: int, *, leave: bool) -> dict:
    """`_stats_update` for many claims at once (one item may appear only once in a transaction)."""
    names = {"#count": "count", "#total": "total", **{f"#r{index}": RECENT + claim["id"] for index, claim in enumerate(claims)}}
    values = _values(count=sign * len(claims), total=sign * sum(claim["total"] for claim in claims))
    expression = "ADD #count :count, #total :total"
    if leave:
        expression += " REMOVE " + ", ".join(f"#r{index}" for index in range(len(claims)))
    else:
        expression += " SET " + ", ".join(f"#r{index} = :r{index}" for index in range(len(claims)))
        values.update({f":r{index}": dynamo.serialize(list_key(claim)) for index, claim in enumerate(claims)})
    return {"Update": {"TableName": table(), "Key": _item({"pk": STATS, "sk": status}), "UpdateExpression": expression,
                       "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}


# --- helpers ----------------------------------------------------------------------------------


def _stats_update(status: str, count: int, total: int, *, enter: tuple[str, str] | None = None,
                  leave: str | None = None) -> dict:
    """Count and total of a status, and the claim entering (SET) or leaving (REMOVE) its newest list."""
    expression, names, values = "ADD #count :count, #total :total", {"#count": "count", "#total": "total"}, _values(count=count, total=total)
    if enter:
        expression += " SET #claim = :key"
        names["#claim"], values[":key"] = RECENT + enter[0], dynamo.serialize(enter[1])
    if leave:
        expression += " REMOVE #claim"
        names["#claim"] = RECENT + leave
    return {"Update": {"TableName": table(), "Key": _item({"pk": STATS, "sk": status}), "UpdateExpression": expression,
                       "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}


def _batch_get(keys: list[dict]) -> dict[tuple[str, str], dict]:
    """Items by (pk, sk), read consistently; unprocessed keys are retried."""
    found: dict[tuple[str, str], dict] = {}
    pending = [_item(key) for key in keys]
    while pending:
        request = {table(): {"Keys": pending[:100], "ConsistentRead": True}}
        response = client("dynamodb").batch_get_item(RequestItems=request)
        for item in response.get("Responses", {}).get(table(), []):
            plain = _plain(item)
            found[(plain["pk"], plain["sk"])] = plain
        pending = pending[100:] + response.get("UnprocessedKeys", {}).get(table(), {}).get("Keys", [])
    return found


def _cursor(status: str, key: str) -> str:
    """A gsi1 cursor that continues after the claim with list key `key`."""
    last = {"pk": {"S": f"CLAIM#{key.rsplit('#', 1)[1]}"}, "sk": {"S": "CLAIM"}, "gsi1pk": {"S": f"CLAIMS#{status}"},
            "gsi1sk": {"S": key}}
    return cursors.encode(last, f"gsi1|CLAIMS#{status}")


def _transact(items: list[dict]) -> None:
    """TransactWriteItems, retried a few times when only a concurrent transaction got in the way."""
    for attempt in range(5):
        try:
            client("dynamodb").transact_write_items(TransactItems=items)
            return
        except ClientError as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if "TransactionConflict" not in reasons or "ConditionalCheckFailed" in reasons or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


# The claim's own Put comes first in its transaction: its condition failing means it is on record already;
# the invite's totals come second
def _cancelled_by_condition(error: ClientError, index: int = 0) -> bool:
    reasons = error.response.get("CancellationReasons", [])
    return len(reasons) > index and reasons[index].get("Code") == "ConditionalCheckFailed"


def _totals_update(invite_id: str, cents: dict[str, int], caps: dict[str, int]) -> dict:
    """ADD cents per category to the invite's totals; each capped category only while its total is at most its cap."""
    names = {f"#t{index}": TOTAL + name for index, name in enumerate(cents)}
    values = {f":t{index}": dynamo.serialize(value) for index, value in enumerate(cents.values())}
    update = {"TableName": table(), "Key": _item({"pk": f"INVITE#{invite_id}", "sk": "TOTALS"}),
              "UpdateExpression": "SET #invite = :invite" + (" ADD " + ", ".join(f"#t{i} :t{i}" for i in range(len(cents))) if cents else ""),
              "ExpressionAttributeNames": {**names, "#invite": "invite"},
              "ExpressionAttributeValues": {**values, ":invite": dynamo.serialize(invite_id)}}
    conditions = []
    for index, name in enumerate(cents):
        if name in caps:
            conditions.append(f"(attribute_not_exists(#t{index}) OR #t{index} <= :c{index})")
            update["ExpressionAttributeValues"][f":c{index}"] = dynamo.serialize(caps[name])
    if conditions:
        update["ConditionExpression"] = " AND ".join(conditions)
    return {"Update": update}


def _page(index: str, key: str, value: str, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    request = {"TableName": table(), "IndexName": index, "KeyConditionExpression": f"{key} = :v",
               "ExpressionAttributeValues": _values(v=value), "ScanIndexForward": False, "Limit": limit}
    if cursor:
        request["ExclusiveStartKey"] = cursors.decode(cursor, f"{index}|{value}")
    items, last = _one_ahead(request, limit, ("pk", "sk", key, f"{index}sk"))
    return [_strip(_plain(item)) for item in items], cursors.encode(last, f"{index}|{value}") if last else None


def _one_ahead(request: dict, limit: int, key_names: tuple[str, ...]) -> tuple[list[dict], dict | None]:
    """A query's first `limit` items and the key to continue after them, None when nothing follows.

    It reads one item more than asked: DynamoDB's LastEvaluatedKey after exactly the last item would
    promise a next page that is empty ("load more" showing nothing, then vanishing).
    """
    response = client("dynamodb").query(**{**request, "Limit": limit + 1})
    items = response.get("Items", [])
    if len(items) > limit:
        items = items[:limit]
        return items, {name: items[-1][name] for name in key_names}
    return items, response.get("LastEvaluatedKey")  # fewer items: only DynamoDB's 1 MB page end continues


def _strip(item: dict) -> dict:
    return {key: value for key, value in item.items()
            if key not in {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "search"}}


# --- DATEV creditor accounts (claims.creditors) ---------------------------------------------------
# DATEVCREDITOR#<payee key> / ACCOUNT   the payee's creditor account, once given never changed
# DATEVACCOUNT#<number>     / PAYEE     the account taken (by which payee key): no number is given twice
# DATEVCREDITORS            / NEXT      where the next search starts (a hint; the two items above decide)


class AccountsExhausted(Exception):
    """Every account of the configured range is given to a payee."""


def creditor_account(payee_key: str, low: int, high: int, at: str) -> int:
    """The payee's creditor account: the one it has, else the lowest free one from the hint on in [low, high].

    Exact under concurrency: the payee's item and the account's item are written in one transaction, each
    conditioned on not existing; a lost race for the payee returns the winner's account, for the account tries
    the next number.
    """
    dynamodb = client("dynamodb")
    found = _creditor_of(payee_key)
    if found is not None:
        return found
    hint = dynamodb.get_item(TableName=table(), Key=_item({"pk": "DATEVCREDITORS", "sk": "NEXT"}),
                             ConsistentRead=True).get("Item")
    number = int(_plain(hint)["next"]) if hint else low
    number = number if low <= number <= high else low
    while number <= high:
        try:
            _transact([
                {"Put": {"TableName": table(), "ConditionExpression": "attribute_not_exists(pk)",
                         "Item": _item({"pk": f"DATEVCREDITOR#{payee_key}", "sk": "ACCOUNT", "account": number, "at": at})}},
                {"Put": {"TableName": table(), "ConditionExpression": "attribute_not_exists(pk)",
                         "Item": _item({"pk": f"DATEVACCOUNT#{number}", "sk": "PAYEE", "payee": payee_key, "at": at})}},
            ])
        except ClientError as error:
            if _cancelled_by_condition(error, 0):  # a concurrent download gave this payee its account
                return _creditor_of(payee_key)
            if not _cancelled_by_condition(error, 1):
                raise
            number += 1  # taken meanwhile (or before a range change): the next one
            continue
        _raise_hint(number + 1)
        return number
    raise AccountsExhausted(f"every creditor account of {low}-{high} (the stack's DatevCreditorAccounts) is given to a "
                            "payee: widen the range or give a new one, then download again")


def _creditor_of(payee_key: str) -> int | None:
    found = client("dynamodb").get_item(TableName=table(), Key=_item({"pk": f"DATEVCREDITOR#{payee_key}", "sk": "ACCOUNT"}),
                                        ConsistentRead=True).get("Item")
    return int(_plain(found)["account"]) if found else None


# The hint only moves up; losing the race to a higher one is fine
def _raise_hint(number: int) -> None:
    try:
        client("dynamodb").update_item(
            TableName=table(), Key=_item({"pk": "DATEVCREDITORS", "sk": "NEXT"}), UpdateExpression="SET #n = :n",
            ConditionExpression="attribute_not_exists(#n) OR #n < :n", ExpressionAttributeNames={"#n": "next"},
            ExpressionAttributeValues=_values(n=number))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


# --- #20: a claim corrected after finance's question, its flag count, retired duplicate markers ----------
# CLAIM#<id> / REVISION#<seq>   the claim's payee, lines, note and total as they were before a correction,
#                               kept whole (seq = the audit entry that replaced them); never updated or deleted
# A marker of a line a correction changed is kept with `retired` = when (it no longer flags anything).


def resubmit(claim: dict, changes: dict, audit: dict, markers: list[tuple[str, str]],
             totals: dict[str, int], caps: dict[str, int]) -> None:
    """The corrected claim back to submitted in ONE transaction: its new content (`changes`), the audit entry,
    the content it replaces as a revision, its new duplicate markers, the invite's totals moved by `totals`
    (capped by `caps`) and the status totals; conditioned on the claim still waiting for the correction.

    Raises Conflict (status_changed, nothing written) when it no longer needs information, TotalsChanged when
    the invite's totals went past a cap meanwhile.
    """
    sets = {**changes, "status": "submitted", "gsi1pk": "CLAIMS#submitted"}  # `changes` has its new `search` (filing)
    names = {f"#{key}": key for key in (*sets, "question")}
    update = {"TableName": table(), "Key": _item({"pk": f"CLAIM#{claim['id']}", "sk": "CLAIM"}),
              "UpdateExpression": "SET " + ", ".join(f"#{key} = :{key}" for key in sets) + " REMOVE #question",
              "ConditionExpression": "#status = :expected", "ExpressionAttributeNames": names,
              "ExpressionAttributeValues": {**_values(**sets), **_values(expected="needs_info")}}
    moves = chain.transition(claim, audit, update)
    seq = int(dynamo.deserialize(moves[0]["Update"]["ExpressionAttributeValues"][":audit_seq_next"]))
    revision = {key: claim.get(key) for key in ("payee", "lines", "note", "total", "invite_totals", "flags", "submitted_at")}
    items = [*moves, _totals_update(claim["invite_id"], totals, caps),
             {"Put": {"TableName": table(), "ConditionExpression": "attribute_not_exists(pk)",
                      "Item": _item({**revision, "pk": f"CLAIM#{claim['id']}", "sk": f"REVISION#{seq:08d}"})}},
             _stats_update("needs_info", -1, -claim["total"], leave=claim["id"]),
             _stats_update("submitted", 1, changes["total"], enter=(claim["id"], list_key(claim)))]
    items += [{"Put": {"TableName": table(), "Item": _item({"pk": pk, "sk": sk, "claim": claim["id"]})}} for pk, sk in markers]
    try:
        _transact(items)
    except ClientError as error:
        if _cancelled_by_condition(error, 0):
            raise Conflict("the claim no longer waits for your correction: reload it", code="status_changed") from None
        if _cancelled_by_condition(error, 2):
            raise TotalsChanged() from None
        raise
    trim("submitted")


def retire_markers(markers: list[tuple[str, str]], at: str) -> None:
    """Mark duplicate markers of lines a correction replaced: they stay on record but flag nothing any more."""
    for pk, sk in markers:
        client("dynamodb").update_item(TableName=table(), Key=_item({"pk": pk, "sk": sk}), UpdateExpression="SET retired = :at",
                                       ExpressionAttributeValues=_values(at=at))


def live_duplicates_of(keys: list[str]) -> dict[str, list[str]]:
    """For each marker key, the markers (`<claim>#<line>`) on record that still flag (not retired by a correction)."""
    found: dict[str, list[str]] = {}
    for key in dict.fromkeys(keys):
        response = client("dynamodb").query(
            TableName=table(), KeyConditionExpression="pk = :pk", ExpressionAttributeValues=_values(pk=key),
            ProjectionExpression="sk, retired", Limit=40)
        found[key] = [dynamo.deserialize(item["sk"]) for item in response.get("Items", []) if "retired" not in item]
    return found


def set_flag_count(claim_id: str, count: int) -> None:
    """Keep the number of the claim's flags (as its detail shows them) on the claim, for finance's list."""
    client("dynamodb").update_item(
        TableName=table(), Key=_item({"pk": f"CLAIM#{claim_id}", "sk": "CLAIM"}), UpdateExpression="SET flag_count = :n",
        ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues=_values(n=count))
