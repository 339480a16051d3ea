"""Payment runs (finance): create a run of the approved claims, list runs, their SEPA file, paid or cancelled."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

import regex
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.callers import allow, current_caller
from sharewall_common.clock import zone
from sharewall_common.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable
from sharewall_common.expenses import money_text

from claims import access, datev, exports, runs, store
from claims.model import RunDecisionIn, RunIn

router = Router()
logger = Logger(service="claims", child=True)
RUN_ID = regex.compile(r"[0-9]{8}-[a-f0-9]{12}")
PAGE = 20


class Unprocessable(ApiError):
    status, code = 422, "nothing_to_pay"


@router.post("/payment-runs")
@allow(access.staff_with("finance"))
def create(body: RunIn | None = None):
    caller = current_caller(router)
    try:
        created = runs.create(caller.actor, datetime.now(timezone.utc), caller.name,
                              execution=body.execution_date if body else None)
    except runs.ExecutionTooEarly as error:  # coded field errors, before anything is written
        raise BadRequest(str(error), code="execution_too_early",
                         fields=[{"field": "execution_date", "code": "execution_too_early", "earliest": error.day}]) from None
    except runs.NotBusinessDay as error:
        raise BadRequest(str(error), code="execution_not_business_day",
                         fields=[{"field": "execution_date", "code": "execution_not_business_day", "next": error.day}]) from None
    except exports.DebtorInvalid as error:
        raise ServiceUnavailable(str(error), code="payer_not_configured") from None
    except exports.NothingToPay as error:
        raise Unprocessable(str(error)) from None
    except runs.RunConflict as error:
        raise Conflict(str(error), code="run_changed") from None
    except runs.OwnApprovals as error:
        raise Forbidden(str(error), code="own_approval") from None
    run = created.run
    logger.info("payment run created", extra={"run": run["id"], "claims": len(created.claims), "skipped": len(created.skipped)})
    return {"id": run["id"], "claims": created.claims, "count": run["count"], "total": money_text(run["total"]),
            "status": run["status"], "execution_date": run["execution_date"],
            "skipped": [{"claim": item.claim, "field": item.field, "reason": item.reason} for item in created.skipped]}, 201


@router.get("/payment-runs")
@allow(access.staff_with("finance"))
def listing(cursor: Annotated[str | None, Query(max_length=600)] = None):
    caller = current_caller(router)
    found, next_cursor = store.list_runs(PAGE, cursor)
    page = {"runs": [_summary(run, caller.actor) for run in found], "next": next_cursor}
    return page if cursor else {**page, **_offer(caller.actor, datetime.now(timezone.utc))}


# What the page offers for a new run (first page only): the default execution date (the next TARGET2 business day,
# so no page re-implements the calendar), the approved claims waiting for a run and those the caller approved
# (four eyes: they may not put them into one), so the page does not offer a run it would refuse
def _offer(actor: str, now: datetime) -> dict:
    waiting = list(store.all_by_status("approved"))
    yours = 0 if runs.creator_may_approve() else sum(actor in runs.approvers_of(claim) for claim in waiting)
    return {"next_execution_date": runs.execution_date(None, now.astimezone(zone()).date()).isoformat(),
            "waiting": {"count": len(waiting), "yours": yours}}


@router.get("/payment-runs/<run_id>/sepa.xml")
@allow(access.staff_with("finance"))
def sepa_file(run_id: str):
    run = _run(run_id)
    if run["status"] == "open":
        raise Conflict("the run is still being created; its file follows when it is sealed", code="run_open")
    if not run.get("file_key"):  # emptied by runs created at the same moment: it never had a file
        raise NotFound(f"payment run {run_id} has no SEPA file (it holds no claim)", code="no_file")
    if run["status"] == "cancelled":  # its claims are approved again: the run that pays them has their transfers
        raise Conflict("the run was cancelled: its claims are paid with the run that takes them next", code="run_cancelled")
    data = runs.sepa_file(run)
    return Response(200, "application/xml; charset=utf-8", data.decode("utf-8"),
                    headers={"Content-Disposition": f'attachment; filename="sepa-{run_id}.xml"'})


@router.get("/payment-runs/<run_id>/datev.csv")
@allow(access.staff_with("finance"))
def datev_file(run_id: str, fiscal_year: Annotated[int | None, Query(ge=2000, le=2999)] = None):
    run = _run(run_id)
    if run["status"] == "open":
        raise Conflict("the run is still being created; its files follow when it is sealed", code="run_open")
    if not run.get("file_key"):  # emptied by runs created at the same moment: it holds no claim
        raise NotFound(f"payment run {run_id} has no DATEV file (it holds no claim)", code="no_file")
    if run["status"] == "cancelled":  # its claims are approved again: the run that pays them books them
        raise Conflict("the run was cancelled: its claims are booked with the run that pays them", code="run_cancelled")
    try:
        data = runs.datev_file(run, fiscal_year)
    except datev.SpansFiscalYears as error:
        raise Conflict(str(error), code="fiscal_years") from None
    except store.AccountsExhausted as error:  # DatevCreditorAccounts has no free account for a new payee
        raise Conflict(str(error), code="creditor_accounts_exhausted") from None
    except datev.DatevError as error:
        raise Conflict(str(error), code="datev_unwritable") from None
    name = f"EXTF_Buchungsstapel_{run_id}" + (f"_{fiscal_year}" if fiscal_year else "")
    logger.info("datev exported", extra={"run": run_id, "fiscal_year": fiscal_year})
    return Response(200, datev.CONTENT_TYPE, data, headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.post("/payment-runs/<run_id>/decision")
@allow(access.staff_with("finance"))
def decide(run_id: str, decision: RunDecisionIn):
    caller = current_caller(router)
    run = _run(run_id)
    if run["creator"] == caller.actor:
        raise Forbidden("you created this payment run; another person in finance must confirm or cancel it (four eyes)",
                        code="own_run")
    if decision.action == "paid" and caller.actor in runs.approvers(run):
        raise Forbidden("you approved a claim of this payment run; another person in finance must confirm it paid "
                        "(four eyes)", code="own_approval")
    now = datetime.now(timezone.utc)
    if decision.action == "paid":
        _check_executed(decision.executed, run, now)
    try:
        decided = runs.decide(run, caller.actor, decision.action, executed=decision.executed, reason=decision.reason,
                              now=now, name=caller.name)
    except runs.RunConflict as error:
        raise Conflict(f"{error}: it cannot be {'confirmed paid' if decision.action == 'paid' else 'cancelled'}",
                       code="run_changed") from None
    logger.info("payment run decided", extra={"run": run_id, "to": decided["status"]})
    return _summary(decided, caller.actor)


# The bank cannot have executed a run before it existed, nor later than today (both days in the site's timezone):
# a coded field error on `executed`, raised before anything is written
def _check_executed(executed: date, run: dict, now: datetime) -> None:
    created = datetime.fromisoformat(run["created_at"]).astimezone(zone()).date()
    today = now.astimezone(zone()).date()
    if executed < created:
        raise BadRequest(f"executed: the bank's execution date cannot lie before the run was created ({created.isoformat()})",
                         code="executed_before_run",
                         fields=[{"field": "executed", "code": "executed_before_run", "earliest": created.isoformat()}])
    if executed > today:
        raise BadRequest(f"executed: the bank's execution date cannot lie in the future (after {today.isoformat()})",
                         code="executed_in_future",
                         fields=[{"field": "executed", "code": "executed_in_future", "latest": today.isoformat()}])


def _run(run_id: str) -> dict:
    run = store.get_run(run_id) if RUN_ID.fullmatch(run_id) else None
    if run is None:
        raise NotFound(f"no payment run {run_id[:40]!r}")
    return run


def _summary(run: dict, actor: str) -> dict:
    """What finance sees of a run: who created and decided it by name (attributable), never their pseudonyms."""
    sealed = run["status"] not in ("open", "cancelled") and bool(run.get("file_key"))  # a cancelled run's files answer 409
    return {"id": run["id"], "status": run["status"], "created_at": run["created_at"], "count": run.get("count", 0),
            "total": money_text(run.get("total", 0)), "execution_date": run.get("execution_date"),
            "executed": run.get("executed"), "decided_at": run.get("decided_at"), "reason": run.get("reason"),
            "own": run.get("creator") == actor, "created_by": run.get("creator_name"),
            "you_approved": _you_approved(run, actor),
            "decided_by": run.get("decided_by_name"),
            "files": {"sepa": f"/payment-runs/{run['id']}/sepa.xml",
                      "datev": f"/payment-runs/{run['id']}/datev.csv"} if sealed else {}}


# Whether the caller approved a claim of a sealed run, so may not confirm it paid (four eyes): the page offers only
# what the caller may do; a run listed without its approvers (older runs) is read whole
def _you_approved(run: dict, actor: str) -> bool:
    if run["status"] != "sealed":
        return False
    whole = run if "approvers" in run or "claims" in run else (store.get_run(run["id"]) or run)
    return actor in runs.approvers(whole)
