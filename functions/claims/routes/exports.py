"""Exports (finance): claims as CSV for accounting (the SEPA file comes from payment runs: routes/runs.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.callers import allow
from sharewall_common.csv_text import Dialect
from claims import access, exports, store

router = Router()
logger = Logger(service="claims", child=True)


@router.get("/claims/export.csv")
@allow(access.staff_with("finance"))
def csv_file(status: Annotated[Literal["approved", "paid"], Query()] = "approved",
             dialect: Annotated[Dialect, Query()] = "standard"):
    """`dialect=de`: the same rows for German spreadsheets (';', decimal comma, TT.MM.JJJJ, German headings)."""
    claims = list(store.all_by_status(status))
    logger.info("csv exported", extra={"status": status, "claims": len(claims), "dialect": dialect})
    text, suffix = (exports.to_csv(claims, exports.GERMAN), "-de") if dialect == "de" else (exports.to_csv(claims), "")
    return Response(200, "text/csv; charset=utf-8", text,
                    headers={"Content-Disposition": f'attachment; filename="claims-{status}-{date.today()}{suffix}.csv"'})
