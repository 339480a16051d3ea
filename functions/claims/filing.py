"""Submitting a claim: format, policy and receipt checks, duplicate flags, one transaction, exactly once;
and the influencer's correction after finance's question (every check again) and withdrawal.

Powertools idempotency (DynamoDB) keys each submission by invite and `Idempotency-Key`; the claim
id is derived from the same pair and its write is conditioned, so even a retry after a lost
idempotency record never files a second claim. A correction is keyed by invite, claim and key, its
write conditioned on the claim still waiting for it.

A refused claim gets ONE answer, 400 `invalid_claim`, listing every problem: the format's (pydantic) and,
for the lines that are well-formed, the policy's and the receipts'.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from datetime import date, datetime, timezone
from functools import lru_cache

from pydantic import ValidationError

from sharewall_common.aws import client
from sharewall_common.clock import zone
from sharewall_common.errors import ApiError, Conflict, describe_validation, validation_fields
from sharewall_common.expenses import money_text

from claims import policy, receipts, rules, store, uploads, views
from claims.model import ClaimCorrectionIn, ClaimIn, Line


LINE_FIELD = re.compile(r"lines\[(\d+)\]")
TOTALS_ATTEMPTS = 5  # reads of the invite's totals when concurrent claims of one invite keep changing them


class InvalidClaim(ApiError):
    """The claim cannot be filed: the message lists every problem (format and policy) as `field: …`, `fields` codes them."""

    status, code = 400, "invalid_claim"


@dataclasses.dataclass
class Checked:
    """A claim that passed every check: priced in EUR cents, per line what to store besides the usual fields,
    the receipts to file (line -> bytes and type) and those kept from the claim's earlier version (line -> its line)."""

    claim: ClaimIn
    kept: list[dict]
    files: dict[int, tuple[bytes, str]]
    reused: dict[int, dict]


def claim_id(invite_id: str, key: str) -> str:
    return hashlib.sha256(f"{invite_id}|{key}".encode()).hexdigest()[:24]


def submit(invite: dict, key: str, body: dict, context=None) -> dict:
    """File the claim once per (invite, key); a replay returns the first result."""
    return _once(_file, "[invite, key]", {"invite": invite["id"], "key": key, "claim": body, "_invite": invite},
                 context, "claim", "submitted")


# Run `work` once per idempotency key (the request's fields `keys` names); a replay returns the first result
def _once(work, keys: str, request: dict, context, what: str, doing: str) -> dict:
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    once, config = _idempotent(work, keys)
    if context is not None:
        config.register_lambda_context(context)  # in-progress records expire with the invocation
    try:
        return once(request=request)
    except IdempotencyAlreadyInProgressError:
        raise Conflict(f"this {what} is being {doing} right now; wait a moment", code="in_progress") from None
    except IdempotencyValidationError:
        raise Conflict(f"Idempotency-Key was already used for a different {what}", code="idempotency_key_reused") from None


# Built on first use per kind of work: only the routes that file pay for Powertools idempotency (and boto3) at cold start
@lru_cache(maxsize=2)
def _idempotent(work, keys: str):
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(event_key_jmespath=keys, payload_validation_jmespath="claim",
                               raise_on_no_idempotency_key=True, expires_after_seconds=24 * 3600)
    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE"], boto3_client=client("dynamodb"))
    once = idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)(work)
    return once, config


def _file(request: dict) -> dict:
    invite, key = request["_invite"], request["key"]
    expenses = policy.current()  # first: without the published policy nothing is checked or written
    now = datetime.now(timezone.utc)
    today = now.astimezone(zone()).date()
    cid = claim_id(invite["id"], key)
    existing = store.get_claim(cid)
    if existing is not None:
        return views.own(existing)
    checked = _checked(invite, request["claim"], ClaimIn, expenses, today)
    claim, kept = checked.claim, checked.kept  # from here on every gross is EUR cents as the server computed it
    lines = _stored_lines(cid, checked)
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
            _refuse_across(rules.across_claims(claim, expenses, over))
        caps = {name: expenses.categories[name].limit - cents
                for name, cents in record["invite_totals"].items() if name not in over}
        record["flags"] = duplicates + _limit_flags(claim, expenses, over) + _rate_flags(lines)
        record["flag_count"] = len(record["flags"])  # as of filing; count_flags adds a twin filed at the same moment
        try:
            store.put_claim(record, audit, [(pk, f"{cid}#{index}") for index, _, pk in markers], caps)
        except store.TotalsChanged:
            continue  # another claim of this invite was filed meanwhile: decide again on the new totals
        count_flags([cid, *_partners(duplicates)])
        return views.own(record)  # the reference (id), what was filed as the server priced it, the masked IBAN
    raise Conflict("other claims of this invite are being filed right now; submit again in a moment", code="in_progress")


def _checked(invite: dict, body, model: type[ClaimIn], expenses, today: date, own: dict | None = None) -> Checked:
    """The claim as it may be filed, or InvalidClaim listing every problem: the format's, and the policy's and
    receipts' of every well-formed line (so one answer says all). `own`: the claim a correction replaces (its
    receipts may be kept by their upload ids; its own totals and per-diem days do not count against it)."""
    try:
        claim, positions, problems = model.model_validate(body), None, []
    except ValidationError as error:
        claim, positions = _well_formed(body)
        problems = _format_problems(error)
    found: list[rules.Violation] = []
    kept, files, reused = [], {}, {}
    if claim is not None:
        claim, found, kept = rules.priced(claim, expenses)
        files, present, wrong, reused = _receipts(invite["id"], claim, own)
        found += rules.violations(claim, expenses, today, receipts=present) + wrong
        if any(extra.get("kind") == "per_diem" for extra in kept):
            found += rules.per_diem_overlaps(claim, kept, _per_diem_periods(invite["id"], own))
        if expenses.across_claims == "refuse":  # said once: a category over its limit in this claim alone is not repeated
            alone = {violation.params.get("category") for violation in found if violation.code == "category_limit"}
            found += [violation for violation in rules.across_claims(claim, expenses, rules.over_invite_limits(
                claim, expenses, _before(invite, own))) if violation.params.get("category") not in alone]
    if positions is not None:
        found = [_at_position(violation, positions) for violation in found]
    problems += [(violation.as_field(), _sentence(violation)) for violation in found]
    problems.sort(key=lambda problem: _line_of(problem[0]["field"]))  # the claim's own fields, then line by line
    if problems:
        raise InvalidClaim("; ".join(sentence for _, sentence in problems), fields=[item for item, _ in problems])
    return Checked(claim, kept, files, reused)


def _format_problems(error: ValidationError) -> list[tuple[dict, str]]:
    """Each format problem once per field and code: its coded field and its `field: what` sentence."""
    seen, problems = set(), []
    for detail in error.errors():
        for item in validation_fields([detail]):
            if (item["field"], item["code"]) not in seen:
                seen.add((item["field"], item["code"]))
                problems.append((item, describe_validation([detail])))
    return problems


def _line_of(field: str) -> int:
    """The line a field path belongs to (`lines[2].gross` -> 2), -1 for the claim's own fields."""
    found = LINE_FIELD.match(field)
    return int(found[1]) if found else -1


def _sentence(violation: rules.Violation) -> str:
    return f"{violation.as_field()['field']}: {violation.message}"


def _well_formed(body) -> tuple[ClaimIn | None, list[int]]:
    """The lines of a malformed claim that are well-formed on their own, as a claim to check against the policy,
    and each one's position in the body; None when there are none."""
    raw = body.get("lines") if isinstance(body, dict) else None
    good, positions = [], []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            good.append(Line.model_validate(item))
        except ValidationError:
            continue
        positions.append(index)
    return (ClaimIn.model_construct(payee=None, lines=good, note=None) if good else None), positions


def _at_position(violation: rules.Violation, positions: list[int]) -> rules.Violation:
    """A violation of the well-formed lines' claim, with the line numbers of the body as sent."""
    params = dict(violation.params)
    if "line" in params:  # another line of the claim, counted from 1
        params["line"] = str(positions[int(params["line"]) - 1] + 1)
    line = positions[violation.line] if violation.line is not None else None
    return dataclasses.replace(violation, line=line, params=params)


def _before(invite: dict, own: dict | None) -> dict[str, int]:
    """Cents per category of the invite's other claims that count (without the one being corrected)."""
    totals = store.invite_totals(invite["id"])
    for name, cents in ((own or {}).get("invite_totals") or {}).items():
        totals[name] = totals.get(name, 0) - cents
    return totals


def _stored_lines(cid: str, checked: Checked, revision: int = 0) -> list[dict]:
    """The lines as stored, each new receipt filed (a correction's under its own revision: filed ones are locked)."""
    lines = []
    for index, line in enumerate(checked.claim.lines):
        stored = {"date": line.date.isoformat(), "category": line.category, "description": line.description,
                  "gross": line.gross, "vat": line.vat, "currency": line.currency, **checked.kept[index]}
        if index in checked.reused:
            stored.update({key: checked.reused[index][key] for key in ("receipt_key", "content_type", "receipt_hash",
                                                                         "receipt_upload") if key in checked.reused[index]})
        elif index in checked.files:
            data, content_type = checked.files[index]
            stored.update(receipt_key=receipts.claim_key(f"{cid}/v{revision}" if revision else cid, index, content_type),
                          content_type=content_type, receipt_hash=rules.receipt_key(data), receipt_upload=line.receipt)
            uploads.file_receipt(stored["receipt_key"], data, content_type)
        lines.append(stored)
    return lines


# --- the influencer's correction after finance's question, and withdrawal ----------------------------


def resubmit(invite: dict, claim: dict, key: str, body: dict, context=None) -> dict:
    """File the influencer's correction of a claim that needs information, once per (invite, claim, key)."""
    return _once(_refile, "[invite, claim_id, key]",
                 {"invite": invite["id"], "claim_id": claim["id"], "key": key, "claim": body, "_invite": invite},
                 context, "correction", "sent")


def _refile(request: dict) -> dict:
    invite, key, cid = request["_invite"], request["key"], request["claim_id"]
    expenses = policy.current()
    now = datetime.now(timezone.utc)
    today = now.astimezone(zone()).date()
    own = store.get_claim(cid)
    if own["status"] != "needs_info":
        if own.get("resubmit_key") == key:  # a retry of the correction that was filed (its record lost)
            return views.own(own)
        raise Conflict(f"the claim is {own['status']}: only a claim finance asked about can be corrected; reload it",
                       code="status_changed")
    checked = _checked(invite, request["claim"], ClaimCorrectionIn, expenses, today, own)
    claim = checked.claim
    revision = int(own.get("audit_seq") or 0) + 1  # the seq of the correction's audit entry
    lines = _stored_lines(cid, checked, revision)
    markers = _markers(claim.payee.iban, lines)
    at = now.isoformat(timespec="microseconds")
    totals = rules.category_totals(claim, expenses)
    changes = {"payee": claim.payee.model_dump(), "lines": lines, "total": sum(line.gross for line in claim.lines),
               "note": claim.note, "invite_totals": totals, "resubmitted_at": at, "resubmit_key": key}
    changes["search"] = store.search_text({**own, **changes}, invite.get("name", ""))  # finance's q finds what it says now
    audit = {"at": at, "actor": f"invite:{invite['id']}", "role": "influencer", "from": "needs_info", "to": "submitted",
             "answer": getattr(claim, "answer", None), "total": money_text(changes["total"]),
             "total_was": money_text(own["total"])}
    duplicates = _flags(cid, markers)
    old = {(pk, f"{cid}#{index}") for index, _, pk in _markers(own["payee"]["iban"], own["lines"])}
    new = {(pk, f"{cid}#{index}") for index, _, pk in markers}
    old_totals = own.get("invite_totals") or {}
    delta = {name: totals.get(name, 0) - old_totals.get(name, 0) for name in {*totals, *old_totals}}
    for _ in range(TOTALS_ATTEMPTS):
        before = _before(invite, own)
        over = rules.over_invite_limits(claim, expenses, before)
        if expenses.across_claims == "refuse":
            _refuse_across(rules.across_claims(claim, expenses, over))
        caps = {name: expenses.categories[name].limit - cents + old_totals.get(name, 0)
                for name, cents in totals.items() if name not in over}
        changes["flags"] = duplicates + _limit_flags(claim, expenses, over) + _rate_flags(lines)
        changes["flag_count"] = len(changes["flags"])
        try:
            store.resubmit(own, changes, audit, sorted(new - old), delta, caps)
        except store.TotalsChanged:
            continue
        store.retire_markers(sorted(old - new), at)
        count_flags([cid, *_partners(duplicates), *_partners(_flags(cid, _markers(own["payee"]["iban"], own["lines"])))])
        return views.own({**own, **changes, "status": "submitted"})
    raise Conflict("other claims of this invite are being filed right now; send it again in a moment", code="in_progress")


def _refuse_across(found: list[rules.Violation]) -> None:
    """Over a limit across the invite's claims as of the write (another claim was filed since the check)."""
    if found:
        raise InvalidClaim("; ".join(_sentence(violation) for violation in found),
                           fields=[violation.as_field() for violation in found])


def withdraw(invite: dict, claim: dict) -> dict:
    """The influencer takes their claim back while finance has not decided it (submitted or needs_info)."""
    try:
        to = rules.transition("withdraw", claim["status"], claim["status"])
    except rules.TransitionError:
        raise Conflict(f"the claim is {claim['status']}: only a claim finance has not decided can be withdrawn",
                       code="status_changed") from None
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    audit = {"at": at, "actor": f"invite:{invite['id']}", "role": "influencer", "from": claim["status"], "to": to}
    store.decide(claim, to, audit, {"withdrawn_at": at})
    return {"id": claim["id"], "status": to}


def count_flags(claim_ids: list[str]) -> None:
    """Keep each claim's flag count (finance's list) equal to the flags its detail shows, after a filing or
    correction changed which claims share a receipt or payment."""
    for cid in dict.fromkeys(claim_ids):
        found = store.get_claim(cid)
        if found is not None:
            flag_count(found)


def flag_count(claim: dict, flags: list[dict] | None = None) -> int:
    """The number of the claim's flags as of now (`flags`: as current_flags gave them), kept on the claim."""
    count = len(current_flags(claim) if flags is None else flags)
    if claim.get("flag_count") != count:
        store.set_flag_count(claim["id"], count)
    return count


def _partners(flags: list[dict]) -> list[str]:
    """The other claims the flags name (sharing a receipt or payment)."""
    return [other for flag in flags for other in flag.get("claims") or []]


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


def _per_diem_periods(invite_id: str, own: dict | None = None) -> list[tuple[date, date]]:
    """The travel days of the per-diem lines in the invite's claims that still count (not rejected or withdrawn;
    its latest 50 claims), without the claim being corrected."""
    return [(date.fromisoformat(line["date"]), date.fromisoformat(line["until"]))
            for claim in store.claims_of_invite(invite_id)
            if claim["status"] not in rules.RELEASED and claim["id"] != (own or {}).get("id")
            for line in claim["lines"] if line.get("kind") == "per_diem"]


def _receipts(invite_id: str, claim: ClaimIn, own: dict | None = None
              ) -> tuple[dict[int, tuple[bytes, str]], set[int], list[rules.Violation], dict[int, dict]]:
    """The uploaded receipt of each line that names one, checked by its bytes: (good files, lines with an upload,
    problems, lines keeping a receipt filed with the corrected claim `own` under the same upload id)."""
    files, present, found, reused = {}, set(), [], {}
    filed = {line["receipt_upload"]: line for line in (own or {}).get("lines", []) if line.get("receipt_upload")}
    for index, line in enumerate(claim.lines):
        if line.receipt is None:
            continue
        if line.receipt in filed:
            present.add(index)
            reused[index] = filed[line.receipt]
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
    return files, present, found, reused


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
    known = store.live_duplicates_of([pk for _, _, pk in markers])
    flags = []
    for index, kind, pk in markers:
        others = sorted({marker.split("#")[0] for marker in known.get(pk, []) if not marker.startswith(cid)})
        twins = [other for other, _, key in markers if key == pk and other != index]
        if others or twins:
            flags.append({"line": index, "kind": kind, "claims": others, "lines": twins})
    return flags
