"""CSV files for spreadsheets: cells escaped against formula injection, the dialects exports offer.

Every export (claims for accounting, the statistics for comms) writes through here: one escaping rule,
one choice of dialects (`standard`: ',' and ISO dates; `de`: ';', decimal comma, TT.MM.JJJJ, German headings).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

Dialect = Literal["standard", "de"]  # the `dialect` query value of every CSV export
# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def german_date(value: str) -> str:
    """An ISO date as TT.MM.JJJJ; anything else unchanged."""
    try:
        return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """The header and rows as CSV, every cell escaped, CRLF lines; UTF-8 with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([cell(column) for column in columns])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return "\ufeff" + out.getvalue()
