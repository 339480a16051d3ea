"""Exports (finance): approved claims as CSV for accounting and as a SEPA credit transfer file."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from sharewall_common.callers import allow
from sharewall_common.errors import Conflict, ServiceUnavailable

from claims import access, exports, store

router = Router()
logger = Logger(service="claims", child=True)
SKIPPED_HEADER = "X-Sharewall-Skipped-Claims"  # "<claim id> <field>, …": approved claims left out of the file


@router.get("/claims/export.csv")
@allow(access.staff_with("finance"))
def csv_file(status: Annotated[Literal["approved", "paid"], Query()] = "approved"):
    claims = list(store.all_by_status(status))
    logger.info("csv exported", extra={"status": status, "claims": len(claims)})
    return Response(200, "text/csv; charset=utf-8", exports.to_csv(claims),
                    headers={"Content-Disposition": f'attachment; filename="claims-{status}-{date.today()}.csv"'})


@router.get("/claims/export.xml")
@allow(access.staff_with("finance"))
def sepa_file():
    claims = list(store.all_by_status("approved"))
    debtor = {"name": os.environ.get("PAYER_NAME"), "IBAN": os.environ.get("PAYER_IBAN"), "BIC": os.environ.get("PAYER_BIC")}
    try:
        xml, skipped = exports.to_sepa(claims, debtor, date.today() + timedelta(days=1))
    except exports.DebtorInvalid as error:
        raise ServiceUnavailable(str(error), code="payer_not_configured") from None
    except exports.NothingToPay as error:
        raise Conflict(str(error), code="nothing_to_export") from None
    headers = {"Content-Disposition": f'attachment; filename="sepa-{date.today()}.xml"'}
    if skipped:  # one claim that cannot be written never fails the file for all others: left out, listed here
        headers[SKIPPED_HEADER] = ", ".join(f"{item.claim} {item.field}" for item in skipped)
        logger.warning("sepa export skipped claims", extra={"skipped": [item.claim for item in skipped]})
    logger.info("sepa exported", extra={"claims": len(claims) - len(skipped), "skipped": len(skipped)})
    return Response(200, "application/xml; charset=utf-8", xml.decode("utf-8"), headers=headers)
