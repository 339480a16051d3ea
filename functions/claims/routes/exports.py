"""Exports (finance): claims as CSV for accounting (the SEPA file comes from payment runs: routes/runs.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.callers import allow
from sharewall_common.clock import zone
from sharewall_common.errors import BadRequest
from claims import access, campaigns, exports, policy, store
from claims.model import interface_languages

router = Router()
logger = Logger(service="claims", child=True)


@router.get("/claims/export.csv")
@allow(access.staff_with("finance"))
def csv_file(status: Annotated[Literal["approved", "paid"], Query()] = "approved",
             dialect: Annotated[str, Query(max_length=16)] = "standard"):
    """`dialect=standard`: keys and ISO dates for import tools; an interface language (`de`, `en`, `fr`): the same
    rows for people in it (headings, statuses, kinds, categories and campaigns in it; its dates, times and decimal
    sign; ';' between cells where that is a comma)."""
    if dialect != "standard" and dialect not in interface_languages():
        expected = ", ".join(("standard", *interface_languages()))
        raise BadRequest(f"query.dialect: one of {expected}", code="invalid_request",
                         fields=[{"field": "query.dialect", "code": "not_allowed", "expected": expected}])
    claims = list(store.all_by_status(status))
    logger.info("csv exported", extra={"status": status, "claims": len(claims), "dialect": dialect})
    if dialect == "standard":
        text, suffix = exports.to_csv(claims), ""
    else:
        labels = {key: category.label for key, category in policy.current().categories.items()}
        names = {key: campaigns.name_of(key) for key in {claim.get("campaign") for claim in claims} if key}
        text, suffix = exports.spreadsheet_csv(claims, dialect, labels, names, zone()), f"-{dialect}"
    return Response(200, "text/csv; charset=utf-8", text,
                    headers={"Content-Disposition": f'attachment; filename="claims-{status}-{date.today()}{suffix}.csv"'})
