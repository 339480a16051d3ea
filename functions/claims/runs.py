"""Payment runs: approved claims moved into a run (never into two), its SEPA file written once, paid or cancelled.

A run is created `open`; its claims move `approved` → `in_payment` in transactions of BATCH claims,
each write conditioned on `approved`, so a claim another run took meanwhile drops out of this one
(the batch is retried without it). When all moved the run is `sealed` and its pain.001.001.09 file
is written once to the receipts bucket (`runs/<id>/sepa.xml`, locked: claims.records), built from the run
record only (id, creation time, execution date, its claims), so writing it again gives the same bytes.
A person other than the creator then confirms it `paid` (claims `paid`, with the bank's execution
date) or `cancelled` (claims back to `approved`). Four eyes: nobody who approved a claim of the run
confirms it paid, and (unless PaymentRunCreatorMayApprove, for a finance team of two) nobody puts a
claim they approved into a run: the audit then names three people. The run records who approved its
claims (`approvers`, pseudonyms, added in the transactions that move them). Every step is conditioned
on the status it leaves, so a retry finishes what a first attempt left half done and never applies
anything twice.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, datetime
from typing import NamedTuple

from sharewall_common.clock import zone

from claims import datev, exports, policy, records, rules, store, target2

BATCH = 48  # claims per transaction: 2 items each (claim, audit entry) + 2 status totals + the run = 99 of 100
SEPA_NAME = "sepa.xml"


class Created(NamedTuple):
    run: dict
    claims: list[str]  # ids moved into the run
    skipped: list[exports.Skipped]  # approved claims no SEPA file can hold: left approved


class RunConflict(Exception):
    """The run is not in a status the decision starts from (the message says which it is)."""


class OwnApprovals(Exception):
    """Every approved claim a run could take was approved by the one creating it (four eyes)."""


class ExecutionDateRefused(ValueError):
    """The requested execution date cannot be asked of the bank; `day` is the one to ask instead (YYYY-MM-DD)."""

    def __init__(self, message: str, day: date):
        super().__init__(message)
        self.day = day.isoformat()


class ExecutionTooEarly(ExecutionDateRefused):
    """The requested execution date is today or past; `day` is the earliest one."""


class NotBusinessDay(ExecutionDateRefused):
    """The requested execution date is a weekend day or a TARGET2 holiday; `day` is the next business day."""


OWN_APPROVAL = "approved by you: another person in finance puts it into a run (four eyes)"


# PaymentRunCreatorMayApprove: only a finance team of two lets the run's creator be its claims' approver
def creator_may_approve() -> bool:
    return os.environ.get("RUN_CREATOR_MAY_APPROVE", "false").strip().lower() == "true"


def approvers_of(claim: dict) -> set[str]:
    """Who approved the claim (pseudonyms): recorded on it when approved, for older claims read from its audit trail."""
    if claim.get("approved_by"):
        return {claim["approved_by"]}
    return rules.approvers(store.audit_of(claim["id"]))


def approvers(run: dict) -> set[str]:
    """Who approved any claim of the run: as the run recorded them, for older runs read from its claims."""
    if "approvers" in run:
        return set(run["approvers"])
    return set().union(*(approvers_of(claim) for claim in store.claims_by_id(run.get("claims") or [])))


def payer() -> dict:
    """The company account the money leaves from (the stack's PayerName, PayerIban, optional BIC)."""
    return {"name": os.environ.get("PAYER_NAME"), "IBAN": os.environ.get("PAYER_IBAN"), "BIC": os.environ.get("PAYER_BIC")}


def execution_date(requested: date | None, today: date) -> date:
    """The date the run asks the bank to execute it: a TARGET2 business day after `today` (the site's), by
    default the next one. Raises ExecutionTooEarly or NotBusinessDay for any other."""
    earliest = target2.next_business_day(today)
    if requested is None:
        return earliest
    if requested <= today:
        raise ExecutionTooEarly(f"execution_date: {requested.isoformat()} is not after today; the earliest is "
                                f"{earliest.isoformat()}", earliest)
    if not target2.is_business_day(requested):
        following = target2.next_business_day(requested)
        raise NotBusinessDay(f"execution_date: {requested.isoformat()} is no TARGET2 business day (a weekend or bank "
                             f"holiday); the next is {following.isoformat()}", following)
    return requested


def new_id(now: datetime) -> str:
    """`YYYYMMDD-<12 hex>`: sortable by day, unique, a valid SEPA MsgId (at most 35 characters)."""
    return f"{now:%Y%m%d}-{secrets.token_hex(6)}"


def file_key(run_id: str, name: str = SEPA_NAME) -> str:
    return f"runs/{run_id}/{name}"


def create(actor: str, now: datetime, name: str | None = None, execution: date | None = None) -> Created:
    """A run of every approved claim a SEPA file can hold that no other run took first.

    `actor`: the creator's pseudonym (the four-eyes check compares it); `name`: their token's display name;
    `execution`: the requested execution date (checked by execution_date(); default the next business day).

    Raises ExecutionTooEarly and NotBusinessDay (the requested date), exports.DebtorInvalid (payer not configured),
    exports.NothingToPay (no claim moved) and OwnApprovals (every claim it could take was approved by `actor`,
    who may not put it into a run).
    """
    executes = execution_date(execution, now.astimezone(zone()).date())
    debtor = payer()
    exports.check_debtor(debtor)
    exports.charset()
    writable, skipped, approved_by, own = [], [], {}, 0
    for claim in store.all_by_status("approved"):
        problem = exports.unwritable(claim)
        if problem is not None:
            skipped.append(exports.Skipped(claim["id"], *problem))
            continue
        approved_by[claim["id"]] = approvers_of(claim)
        if actor in approved_by[claim["id"]] and not creator_may_approve():
            skipped.append(exports.Skipped(claim["id"], "approved_by", OWN_APPROVAL))
            own += 1
        else:
            writable.append(claim)
    if not writable:
        if own:
            which = f"all {own} approved claims" if own > 1 else "the one approved claim"
            raise OwnApprovals(f"you approved {which} a run could take; another person in finance must create the run "
                               "(four eyes)")
        raise exports.NothingToPay(skipped)
    at = now.isoformat(timespec="microseconds")
    run = {"id": new_id(now), "status": "open", "created_at": at, "creator": actor, "creator_name": name, "count": 0, "total": 0,
           "execution_date": executes.isoformat(),
           "skipped": [claim for claim, _, _ in skipped] or None}
    store.put_run(run)
    moved: list[str] = []
    pending = sorted(writable, key=lambda claim: claim["id"])
    for offset in range(0, len(pending), BATCH):
        batch = pending[offset:offset + BATCH]
        while batch:  # a claim another run took meanwhile drops out; the rest are retried
            audits = [{"at": at, "actor": actor, "name": name, "role": "finance", "from": "approved", "to": "in_payment",
                       "run": run["id"]} for _ in batch]
            lost = store.move_claims(batch, "approved", "in_payment", audits, {"run": run["id"], "in_payment_at": at},
                                     run["id"], run_update=store.run_claims_added(
                                         run["id"], batch, set().union(*(approved_by[claim["id"]] for claim in batch))))
            if not lost:
                moved.extend(claim["id"] for claim in batch)
                break
            batch = [claim for claim in batch if claim["id"] not in lost]
    if not moved:  # every claim went to runs created at the same moment: this one stays on record, empty
        store.set_run_status(run["id"], ("open",), "cancelled", {"reason": "no claim left to pay", "decided_at": at})
        raise exports.NothingToPay(skipped)
    sealed = store.set_run_status(run["id"], ("open",), "sealed", {"sealed_at": at, "file_key": file_key(run["id"])})
    if sealed is None:
        raise RunConflict("the run was cancelled while it was being created")
    sepa_file(sealed)
    return Created(sealed, moved, skipped)


def sepa_file(run: dict) -> bytes:
    """The run's SEPA file: the stored bytes, written first (once) if a crash left it unwritten."""
    return written_once(file_key(run["id"]), lambda: build_file(run), "application/xml")


def written_once(key: str, build, content_type: str) -> bytes:
    """The stored bytes of a run's file; built and written first when absent, never overwritten.

    Written once and locked for the payment runs' retention (records.put_record): a second writer
    (or a retry) gets the first one's bytes, the same ones.
    """
    found = records.get_record(key)
    return found if found is not None else records.put_record(key, build(), content_type)


def datev_file(run: dict, year: int | None = None) -> bytes:
    """The run's DATEV Buchungsstapel (one fiscal year's when `year`): written once at its first download,
    with the accounting of the policy published then; the same bytes on every download after."""
    name = f"datev-{year}.csv" if year else "datev.csv"
    return written_once(file_key(run["id"], name), lambda: build_datev(run, year), datev.CONTENT_TYPE)


def build_datev(run: dict, year: int | None = None) -> bytes:
    """The Buchungsstapel from the run record and its claims; the Beleglink names each receipt's object."""
    from sharewall_common.clock import zone

    from claims import creditors

    bucket, current = records.bucket(), policy.current()
    return datev.to_datev(run, store.claims_by_id(run["claims"]), current, zone(),
                          receipt_link=lambda key: f"s3://{bucket}/{key}", year=year,
                          creditor=creditors.accounts(current.accounting), lock=datev.festschreibung_setting())


def end_to_end(run_id: str) -> str:
    """What a run adds to its claims' EndToEndIds: `-` and 10 of its id's random hex digits (24 + 11 = 35 characters)."""
    return "-" + run_id.rpartition("-")[2][:10]


def build_file(run: dict) -> bytes:
    """pain.001.001.09 from the run record alone: MsgId = run id, CreDtTm = its creation, its claims by id."""
    claims = sorted(store.claims_by_id(run["claims"]), key=lambda claim: claim["id"])
    data, skipped = exports.to_sepa(claims, payer(), date.fromisoformat(run["execution_date"]), message=run["id"],
                                    created=datetime.fromisoformat(run["created_at"]), end_to_end=end_to_end(run["id"]))
    if skipped:  # checked when the claims moved; a claim changed since (by other means) is not silently unpaid
        raise exports.NothingToPay(skipped)
    return data


def decide(run: dict, actor: str, action: str, *, executed: date | None, reason: str | None, now: datetime,
           name: str | None = None) -> dict:
    """Mark a sealed run paid, or cancel an open or sealed one; then move its claims. Safe to retry.

    The run's status changes first (one conditioned write), then its claims in batches, each claim
    conditioned on still being `in_payment` in this run: a retry of the same decision finishes the
    moves a first attempt left undone; a different decision on a decided run raises RunConflict.
    """
    at = now.isoformat(timespec="microseconds")
    if action == "paid":
        frm, to, changes = ("sealed",), "paid", {"executed": executed.isoformat(), "decided_at": at, "decided_by": actor}
    else:
        frm, to, changes = ("open", "sealed"), "cancelled", {"reason": reason, "decided_at": at, "decided_by": actor}
    if name:
        changes["decided_by_name"] = name
    decided = store.set_run_status(run["id"], frm, to, changes)
    if decided is None:
        decided = store.get_run(run["id"])
        same = decided["status"] == to and (to != "paid" or decided.get("executed") == changes["executed"])
        if not same:
            raise RunConflict(f"the run is {decided['status']}" + (f" (executed {decided['executed']})" if decided.get("executed") else ""))
    decided["claims"] = run["claims"] if not decided.get("claims") else sorted(decided["claims"])
    pending = [claim for claim in store.claims_by_id(decided["claims"])
               if claim["status"] == "in_payment" and claim.get("run") == run["id"]]
    claim_to = "paid" if to == "paid" else "approved"
    moves = {"paid_at": at, "executed": changes["executed"], **({"paid_by_name": name} if name else {})} if to == "paid" else {}
    for offset in range(0, len(pending), BATCH):
        batch = pending[offset:offset + BATCH]
        while batch:  # a claim a concurrent retry moved already drops out
            audits = [{"at": at, "actor": actor, "name": name, "role": "finance", "from": "in_payment", "to": claim_to, "run": run["id"],
                       "executed": moves.get("executed"), "reason": reason if to == "cancelled" else None} for _ in batch]
            lost = store.move_claims(batch, "in_payment", claim_to, audits, moves, run["id"],
                                     remove=("run",) if to == "cancelled" else ())
            if not lost:
                break
            batch = [claim for claim in batch if claim["id"] not in lost]
    return decided
