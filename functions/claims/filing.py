"""Submitting a claim: policy and receipt checks, duplicate flags, one transaction, exactly once.

Powertools idempotency (DynamoDB) keys each submission by invite and `Idempotency-Key`; the claim
id is derived from the same pair and its write is conditioned, so even a retry after a lost
idempotency record never files a second claim.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, timezone
from functools import lru_cache

from sharewall_common.aws import client
from sharewall_common.clock import zone
from sharewall_common.errors import ApiError, Conflict
from sharewall_common.expenses import money_text

from claims import policy, receipts, rules, store, uploads, views
from claims.model import ClaimIn


TOTALS_ATTEMPTS = 5  # reads of the invite's totals when concurrent claims of one invite keep changing them


class PolicyViolation(ApiError):
    """The claim breaks the expense policy; the message lists every violation as `lines[i].field: …`, `fields` codes them."""

    status, code = 422, "policy_violation"


def claim_id(invite_id: str, key: str) -> str:
    return hashlib.sha256(f"{invite_id}|{key}".encode()).hexdigest()[:24]


def submit(invite: dict, key: str, body: dict, context=None) -> dict:
    """File the claim once per (invite, key); a replay returns the first result."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    once, config = _idempotent()
    if context is not None:
        config.register_lambda_context(context)  # in-progress records expire with the invocation
    try:
        return once(request={"invite": invite["id"], "key": key, "claim": body, "_invite": invite})
    except IdempotencyAlreadyInProgressError:
        raise Conflict("this claim is being submitted right now; wait a moment", code="in_progress") from None
    except IdempotencyValidationError:
        raise Conflict("Idempotency-Key was already used for a different claim", code="idempotency_key_reused") from None


# Built on first submission: only that route pays for Powertools idempotency (and boto3) at cold start
@lru_cache(maxsize=1)
def _idempotent():
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(event_key_jmespath="[invite, key]", payload_validation_jmespath="claim",
                               raise_on_no_idempotency_key=True, expires_after_seconds=24 * 3600)
    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"], boto3_client=client("dynamodb"))
    once = idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)(_file)
    return once, config


def _file(request: dict) -> dict:
    invite, key = request["_invite"], request["key"]
    claim = ClaimIn.model_validate(request["claim"])
    expenses = policy.current()  # first: without the published policy nothing is checked or written
    now = datetime.now(timezone.utc)
    today = now.astimezone(zone()).date()
    cid = claim_id(invite["id"], key)
    existing = store.get_claim(cid)
    if existing is not None:
        return views.own(existing)
    claim, kinds, kept = rules.priced(claim, expenses)  # from here on every gross is EUR cents as the server computed it
    files, present, found = _receipts(invite["id"], claim)
    found = kinds + rules.violations(claim, expenses, today, receipts=present) + found
    if any(extra.get("kind") == "per_diem" for extra in kept):
        found += rules.per_diem_overlaps(claim, kept, _per_diem_periods(invite["id"]))
    _refuse(found)
    lines = []
    for index, line in enumerate(claim.lines):
        stored = {"date": line.date.isoformat(), "category": line.category, "description": line.description,
                  "gross": line.gross, "vat": line.vat, "currency": line.currency, **kept[index]}
        if index in files:
            data, content_type = files[index]
            stored.update(receipt_key=receipts.claim_key(cid, index, content_type), content_type=content_type,
                          receipt_hash=rules.receipt_key(data))
            uploads.file_receipt(stored["receipt_key"], data, content_type)
        lines.append(stored)
    markers = _markers(claim.payee.iban, lines)
    submitted_at = now.isoformat(timespec="microseconds")
    record = {
        "id": cid, "invite_id": invite["id"], "campaign": invite["campaign"], "creator": invite["creator"],
        "status": "submitted", "submitted_at": submitted_at, "payee": claim.payee.model_dump(),
        "lines": lines, "total": sum(line.gross for line in claim.lines), "note": claim.note,
        "invite_totals": rules.category_totals(claim, expenses),
    }
    audit = {"at": submitted_at, "actor": f"invite:{invite['id']}", "role": "influencer", "from": None, "to": "submitted"}
    duplicates = _flags(cid, markers)
    for _ in range(TOTALS_ATTEMPTS):
        # The invite's claims together, as of now: over a limit is refused or flagged, as the policy says
        over = rules.over_invite_limits(claim, expenses, store.invite_totals(invite["id"]))
        if expenses.across_claims == "refuse":
            _refuse(rules.across_claims(claim, expenses, over))
        caps = {name: expenses.categories[name].limit - cents
                for name, cents in record["invite_totals"].items() if name not in over}
        record["flags"] = duplicates + _limit_flags(claim, expenses, over) + _rate_flags(lines)
        try:
            store.put_claim(record, audit, [(pk, f"{cid}#{index}") for index, _, pk in markers], caps)
            return views.own(record)  # the reference (id), what was filed as the server priced it, the masked IBAN
        except store.TotalsChanged:
            continue  # another claim of this invite was filed meanwhile: decide again on the new totals
    raise Conflict("other claims of this invite are being filed right now; submit again in a moment", code="in_progress")


def _refuse(found: list[rules.Violation]) -> None:
    if found:
        raise PolicyViolation("; ".join(f"lines[{v.line}].{v.field}: {v.message}" if v.line is not None
                                        else f"{v.field}: {v.message}" for v in found),
                              fields=[violation.as_field() for violation in found])


def _limit_flags(claim: ClaimIn, expenses, over: dict[str, int]) -> list[dict]:
    """Flags for finance on the lines of categories where the invite's claims together pass the limit."""
    return [{"line": index, "kind": "limit", "claims": [], "lines": [], "category": line.category,
             "total": money_text(over[line.category]), "limit": money_text(expenses.categories[line.category].limit)}
            for index, line in enumerate(claim.lines) if line.category in over]


def _rate_flags(lines: list[dict]) -> list[dict]:
    """A flag for finance on each line converted from another currency: the influencer's rate is to be checked."""
    return [{"line": index, "kind": "rate", "claims": [], "lines": [], "currency": line["original_currency"],
             "original": money_text(line["original_amount"]), "rate": line["rate"], "gross": money_text(line["gross"])}
            for index, line in enumerate(lines) if line.get("original_currency")]


def _per_diem_periods(invite_id: str) -> list[tuple[date, date]]:
    """The travel days of the per-diem lines in the invite's claims that are not rejected (its latest 50 claims)."""
    return [(date.fromisoformat(line["date"]), date.fromisoformat(line["until"]))
            for claim in store.claims_of_invite(invite_id) if claim["status"] != "rejected"
            for line in claim["lines"] if line.get("kind") == "per_diem"]


def _receipts(invite_id: str, claim: ClaimIn) -> tuple[dict[int, tuple[bytes, str]], set[int], list[rules.Violation]]:
    """The uploaded receipt of each line that names one, checked by its bytes: (good files, lines with an upload, problems)."""
    files, present, found = {}, set(), []
    for index, line in enumerate(claim.lines):
        if line.receipt is None:
            continue
        got = uploads.inspect(invite_id, line.receipt)
        if got is None:
            continue  # rules.violations reports the missing upload
        present.add(index)
        data, declared = got
        wrong = receipts.problem(data if len(data) <= receipts.MAX_BYTES else b"", declared)
        if wrong:
            code, message, params = wrong
            found.append(rules.Violation(index, "receipt", message, code, params))
        else:
            files[index] = (data, declared)
    return files, present, found


def current_flags(claim: dict) -> list[dict]:
    """The claim's flags as of now: duplicates (also a twin filed at the same moment), limits across the invite, rates to check."""
    limits = [flag for flag in claim.get("flags") or [] if flag.get("kind") in ("limit", "rate")]
    return _flags(claim["id"], _markers(claim["payee"]["iban"], claim["lines"])) + limits


# Filing and finance's view derive the markers from the same stored lines, so their keys always agree
def _markers(iban: str, lines: list[dict]) -> list[tuple[int, str, str]]:
    markers = []
    for index, line in enumerate(lines):
        key = rules.payment_key(iban, date.fromisoformat(line["date"]), line["gross"], line["currency"])
        markers.append((index, "payment", "DUP#P#" + key))
        if line.get("receipt_hash"):
            markers.append((index, "receipt", "DUP#R#" + line["receipt_hash"]))
    return markers


def _flags(cid: str, markers: list[tuple[int, str, str]]) -> list[dict]:
    """Suspected duplicates: the same receipt or payment in another claim, or twice in this one."""
    known = store.duplicates_of([pk for _, _, pk in markers])
    flags = []
    for index, kind, pk in markers:
        others = sorted({marker.split("#")[0] for marker in known.get(pk, []) if not marker.startswith(cid)})
        twins = [other for other, _, key in markers if key == pk and other != index]
        if others or twins:
            flags.append({"line": index, "kind": kind, "claims": others, "lines": twins})
    return flags
