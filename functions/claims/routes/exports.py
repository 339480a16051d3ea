"""Exports (finance): approved claims as CSV for accounting and as a SEPA credit transfer file."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.errors import Conflict

from claims import access, exports, store

router = Router()
logger = Logger(service="claims", child=True)


@router.get("/claims/export.csv")
def csv_file(status: Annotated[Literal["approved", "paid"], Query()] = "approved"):
    access.staff(router.current_event.raw_event, "finance")
    claims = list(store.all_by_status(status))
    logger.info("csv exported", extra={"status": status, "claims": len(claims)})
    return Response(200, "text/csv; charset=utf-8", exports.to_csv(claims),
                    headers={"Content-Disposition": f'attachment; filename="claims-{status}-{date.today()}.csv"'})


@router.get("/claims/export.xml")
def sepa_file():
    access.staff(router.current_event.raw_event, "finance")
    claims = list(store.all_by_status("approved"))
    if not claims:
        raise Conflict("there are no approved claims to pay", code="nothing_to_export")
    debtor = {"name": os.environ["PAYER_NAME"], "IBAN": os.environ["PAYER_IBAN"], "BIC": os.environ.get("PAYER_BIC")}
    xml = exports.to_sepa(claims, debtor, date.today() + timedelta(days=1))
    logger.info("sepa exported", extra={"claims": len(claims)})
    return Response(200, "application/xml; charset=utf-8", xml.decode("utf-8"),
                    headers={"Content-Disposition": f'attachment; filename="sepa-{date.today()}.xml"'})
