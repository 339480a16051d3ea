"""The claims CSV for people, in the export's language (#20 defect 4): German is ';' between cells, decimal comma,
UTF-8 BOM, statuses, kinds, categories (the policy's labels) and campaigns (their names) in German, days
TT.MM.JJJJ and the submission TT.MM.JJJJ HH:MM in the site's timezone, formulas defused; English and French
likewise in theirs. Parsed back as a spreadsheet of that language would read it. The standard CSV (keys, ISO)
stays as it was, for import tools."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from site_builder import catalogue
from site_builder.adapter.outputs import published_claims_csv
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, call, invite, line, payee


@pytest.fixture
def approved(fresh_tables, monkeypatch):
    """One approved claim of two lines (a formula and a ';' in the descriptions) in campaign fair-2026."""
    monkeypatch.setenv("TIMEZONE", "Europe/Berlin")
    token = invite()["token"]
    body = {"payee": payee(holder="Jörg Ämter"),
            "lines": [line(None, category="local-transport", gross="12.50", vat="2.00", description="=HYPERLINK(1)"),
                      line(None, category="local-transport", gross="7.05", vat="0", description="Taxi; Nachtfahrt")]}
    claim = call("POST", "/claims", body, token=token, key="german-csv-1").body["id"]
    assert call("POST", f"/claims/{claim}/decision", {"action": "approve", "expected": "submitted"},
                claims=FINANCE).status == 200
    mine = call("GET", "/claims/mine", token=token).body["claims"][0]
    return claim, mine["submitted_at"], body["lines"][0]["date"]


def export(dialect: str, delimiter: str) -> tuple[list[dict], object]:
    reply = call("GET", "/claims/export.csv", claims=FINANCE, query=f"dialect={dialect}")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv"), reply.body
    raw = reply.text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 (Jörg, Ämter), not cp1252
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter)), reply


def test_the_german_csv_says_everything_in_german_with_german_dates_and_decimal_commas(approved):
    claim, submitted_at, day = approved
    rows, reply = export("de", ";")
    assert reply.headers["Content-Disposition"].endswith('-de.csv"')
    assert list(rows[0])[:3] == ["Abrechnung", "Status", "Eingereicht"]
    assert [row["Abrechnung"] for row in rows] == [claim, claim]
    assert [row["Brutto"] for row in rows] == ["12,50", "7,05"] and [row["USt"] for row in rows] == ["2,00", "0,00"]
    assert rows[0]["Empfänger"] == "Jörg Ämter"
    assert rows[0]["Beschreibung"] == "'=HYPERLINK(1)"  # still no formula
    assert rows[1]["Beschreibung"] == "Taxi; Nachtfahrt"  # a ';' in a cell is quoted, not a new column
    assert all(len(row) == 21 and None not in row for row in rows)
    assert rows[0]["Status"] == "genehmigt" and rows[0]["Art"] == "Privatperson"
    assert rows[0]["Kategorie"] == "Nahverkehr und Taxi"  # the policy's German label, not local-transport
    assert rows[0]["Kampagne"] == "Herbstmesse"  # the campaign's German name, not fair-2026
    year, month, date_of_month = day.split("-")
    assert rows[0]["Datum"] == f"{date_of_month}.{month}.{year}"
    berlin = datetime.fromisoformat(submitted_at).astimezone(ZoneInfo("Europe/Berlin"))
    assert rows[0]["Eingereicht"] == berlin.strftime("%d.%m.%Y %H:%M")  # TT.MM.JJJJ HH:MM where the site is
    assert rows[0]["Duplikat vermutet"] == "nein"


def test_english_and_french_csvs_are_in_their_languages(approved):
    claim, submitted_at, day = approved
    english, reply = export("en", ",")
    assert reply.headers["Content-Disposition"].endswith('-en.csv"')
    assert english[0]["Claim"] == claim and english[0]["Status"] == "approved" and english[0]["Kind"] == "private person"
    assert english[0]["Category"] == "Local transport and taxi" and english[0]["Campaign"] == "Autumn fair"
    assert [row["Gross"] for row in english] == ["12.50", "7.05"] and english[0]["Duplicate suspected"] == "no"
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", english[0]["Date"])  # the month's name: never 01/04/2027
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}\s[AP]M", english[0]["Submitted"])
    assert english[0]["Description"] == "'=HYPERLINK(1)"

    french, reply = export("fr", ";")
    assert french[0]["Demande"] == claim and french[0]["Statut"] == "approuvée" and french[0]["Type"] == "particulier"
    assert french[0]["Catégorie"] == "Transports locaux et taxi"
    assert french[0]["Campagne"] == "Autumn fair"  # no French name: the English one, as pages show it
    assert [row["Brut"] for row in french] == ["12,50", "7,05"] and french[0]["Doublon suspecté"] == "non"
    assert re.fullmatch(r"\d{1,2} \w+\.? \d{4} \d{2}:\d{2}", french[0]["Envoyée"])


def test_the_standard_csv_stays_for_import_tools_and_an_unknown_dialect_is_refused(approved):
    claim, submitted_at, _ = approved
    rows, reply = export("standard", ",")
    assert "-de.csv" not in reply.headers["Content-Disposition"]
    assert [row["gross"] for row in rows] == ["12.50", "7.05"]
    assert rows[0]["status"] == "approved" and rows[0]["category"] == "local-transport" and rows[0]["campaign"] == "fair-2026"
    assert rows[0]["submitted"] == submitted_at
    for dialect in ("excel", "es", ""):
        refused = call("GET", "/claims/export.csv", claims=FINANCE, query=f"dialect={dialect}")
        assert refused.status == 400 and refused.body["error"]["code"] == "invalid_request"
        assert refused.body["error"]["fields"][0]["field"] == "query.dialect"


# The claims function reading `data` as its published sharewall/claims-csv.json (a fetch that fails: OSError)
def published_words(monkeypatch, data: bytes | None) -> None:
    from claims import exports
    from sharewall_common.published import Published

    def fetch(name: str) -> bytes:
        if data is None:
            raise OSError(f"{name}: not found")
        return data

    monkeypatch.setattr(exports, "published", Published(exports.PUBLISHED_NAME, exports._labels_from_published,
                                                        service="claims", fetch=fetch))


@pytest.mark.parametrize("language", ["de", "en", "fr"])
def test_the_files_words_are_the_catalogues_as_the_build_publishes_them(language):
    from claims.exports import CSV_COLUMNS, _labels_from_published
    from claims.rules import STATUSES

    sections = catalogue.load(language).sections
    labels = _labels_from_published(published_claims_csv(["de", "en", "fr"])["sharewall/claims-csv.json"])[language]
    assert labels.statuses == {status: sections["claims_form"][f"status_{status}"] for status in STATUSES}
    assert labels.kinds == sections["finance_review"]["kinds"]  # as the claim page and finance's page say them
    assert labels.columns == tuple(sections["claims_csv"]["columns"][column] for column in CSV_COLUMNS)
    assert labels.yes_no == (sections["claims_csv"]["flag_yes"], sections["claims_csv"]["flag_no"])


def test_a_language_without_words_in_the_file_has_english_words_in_its_own_formats(approved, monkeypatch):
    claim, _, day = approved
    published_words(monkeypatch, published_claims_csv(["de", "en"])["sharewall/claims-csv.json"])  # no French words
    rows, _ = export("fr", ";")  # French formats: ';' between cells, decimal commas, the month's name
    assert list(rows[0])[:3] == ["Claim", "Status", "Submitted"]
    assert rows[0]["Claim"] == claim and rows[0]["Status"] == "approved" and rows[0]["Kind"] == "private person"
    assert [row["Gross"] for row in rows] == ["12,50", "7,05"] and rows[0]["Duplicate suspected"] == "no"
    assert re.fullmatch(r"\d{1,2} \w+\.? \d{4}", rows[0]["Date"])


def test_without_the_published_words_the_export_still_answers_in_the_standard_words(approved, monkeypatch, caplog):
    claim, _, day = approved
    published_words(monkeypatch, None)
    rows, reply = export("de", ";")  # German formats: ';' and decimal commas, no 500
    assert list(rows[0])[:3] == ["claim", "status", "submitted"]
    assert rows[0]["claim"] == claim and rows[0]["status"] == "approved" and rows[0]["kind"] == "private"
    assert [row["gross"] for row in rows] == ["12,50", "7,05"] and rows[0]["duplicate_suspected"] == "no"
    year, month, date_of_month = day.split("-")
    assert rows[0]["date"] == f"{date_of_month}.{month}.{year}"
    assert "claims-csv.json not read" in caplog.text
