"""Exports of approved claims: CSV for accounting and a SEPA credit transfer file (pain.001.001.09).

Pure: no boto3. Claims come as the dicts `claims.store` returns (money in integer cents).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from sepaxml import SepaTransfer

from sharewall_common.expenses import money_text

SEPA_SCHEMA = "pain.001.001.09"
CSV_COLUMNS = (
    "claim", "status", "submitted", "campaign", "payee", "kind", "vat_id", "iban", "street", "postcode",
    "town", "country", "line", "date", "category", "description", "gross", "vat", "currency", "receipt",
    "duplicate_suspected",
)
# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(claims: Iterable[dict]) -> str:
    """One row per claim line; amounts as decimal strings ('12.50'); UTF-8 with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for claim in claims:
        payee, address = claim["payee"], claim["payee"]["address"]
        flagged = bool(claim.get("flags"))
        for index, line in enumerate(claim["lines"]):
            writer.writerow([cell(value) for value in (
                claim["id"], claim["status"], claim["submitted_at"], claim.get("campaign", ""), payee["holder"],
                payee["kind"], payee.get("vat_id") or "", payee["iban"], address["street"], address["postcode"],
                address["town"], address["country"], index + 1, line["date"], line["category"], line["description"],
                money_text(int(line["gross"])), money_text(int(line["vat"])), line["currency"],
                line.get("receipt_key") or "", "yes" if flagged else "no",
            )])
    return "\ufeff" + out.getvalue()


def to_sepa(claims: Iterable[dict], debtor: dict, execution_date: date) -> bytes:
    """A pain.001.001.09 credit transfer paying each claim's total to its payee, schema-validated.

    `debtor`: name, IBAN and optionally BIC of the company account the money leaves from.
    """
    transfer = SepaTransfer(
        {"name": debtor["name"], "IBAN": debtor["IBAN"], **({"BIC": debtor["BIC"]} if debtor.get("BIC") else {}),
         "batch": True, "currency": "EUR"},
        schema=SEPA_SCHEMA,
    )
    count = 0
    for claim in claims:
        payee, address = claim["payee"], claim["payee"]["address"]
        transfer.add_payment({
            "name": payee["holder"],
            "IBAN": payee["iban"],
            "amount": int(claim["total"]),
            "execution_date": execution_date,
            "description": f"Sharewall expense claim {claim['id']}",
            "endtoend_id": claim["id"].replace("-", "")[:35],
            "address": {"street_name": address["street"], "postcode": address["postcode"],
                        "town": address["town"], "country": address["country"]},
        })
        count += 1
    if not count:
        raise ValueError("there are no approved claims to pay")
    return transfer.export(validate=True)
