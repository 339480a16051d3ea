"""The CSV for German spreadsheet programs: ';' between cells, decimal comma, UTF-8 BOM, formulas
defused; parsed back as a German Excel would read it. The standard CSV stays as it was."""

from __future__ import annotations

import csv
import io

from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, call, invite, line, payee


def test_the_german_csv_parses_back_with_semicolons_decimal_commas_and_a_bom(fresh_tables):
    token = invite()["token"]
    body = {"payee": payee(holder="Jörg Ämter"),
            "lines": [line(None, category="local-transport", gross="12.50", vat="2.00", description="=HYPERLINK(1)"),
                      line(None, category="local-transport", gross="7.05", vat="0", description="Taxi; Nachtfahrt")]}
    claim = call("POST", "/claims", body, token=token, key="german-csv-1").body["id"]
    assert call("POST", f"/claims/{claim}/decision", {"action": "approve", "expected": "submitted"},
                claims=FINANCE).status == 200

    german = call("GET", "/claims/export.csv", claims=FINANCE, query="dialect=de")
    assert german.status == 200 and german.headers["Content-Type"].startswith("text/csv")
    assert german.headers["Content-Disposition"].endswith('-de.csv"')
    raw = german.text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 (Jörg, Ämter), not cp1252
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Abrechnung;Status;Eingereicht;")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["Abrechnung"] for row in rows] == [claim, claim]
    assert [row["Brutto"] for row in rows] == ["12,50", "7,05"] and [row["USt"] for row in rows] == ["2,00", "0,00"]
    assert rows[0]["Empfänger"] == "Jörg Ämter"
    assert rows[0]["Beschreibung"] == "'=HYPERLINK(1)"  # still no formula
    assert rows[1]["Beschreibung"] == "Taxi; Nachtfahrt"  # a ';' in a cell is quoted, not a new column
    assert all(len(row) == 21 and None not in row for row in rows)
    day, month, year = rows[0]["Datum"].split(".")
    assert len(day) == 2 and len(month) == 2 and len(year) == 4
    assert rows[0]["Duplikat vermutet"] == "nein"

    standard = call("GET", "/claims/export.csv", claims=FINANCE)  # the current one, unchanged
    parsed = list(csv.DictReader(io.StringIO(standard.text.removeprefix("\ufeff"))))
    assert [row["gross"] for row in parsed] == ["12.50", "7.05"] and "-de.csv" not in standard.headers["Content-Disposition"]
    assert call("GET", "/claims/export.csv", claims=FINANCE, query="dialect=excel").status in (400, 422)
