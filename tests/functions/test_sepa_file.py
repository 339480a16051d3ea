"""A payment run's SEPA file as the API writes it, validated with lxml against the pain.001.001.09 XSD that
sepaxml ships: umlauts kept (DK character set) or transliterated everywhere (SepaCharset=basic), the debtor
agent's BIC or NOTPROVIDED, and the requested execution date (a TARGET2 business day after today)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import regex
import sepaxml
from dateutil.easter import easter
from lxml import etree

from claims.target2 import next_business_day
from sharewall_common.clock import today as site_today
from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, IBAN_A, call, payee
from tests.functions.test_payment_runs import plant

P = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
XSD = etree.XMLSchema(etree.parse(str(Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd")))
MUELLER = {**payee(IBAN_A), "holder": "Max Müller", "vat_id": None,
           "address": {"street": "Hauptstraße 5", "postcode": "10115", "town": "Köln", "country": "DE"}}
EPC_BASIC = regex.compile(r"[A-Za-z0-9/?:().,'+ \-]*")


def run_file(body: dict | None = None) -> tuple[dict, etree._Element]:
    """Create a run through the API, download its SEPA file and validate it against the official schema."""
    created = call("POST", "/payment-runs", body, claims=FINANCE)
    assert created.status == 201, created.body
    reply = call("GET", f"/payment-runs/{created.body['id']}/sepa.xml", claims=FINANCE)
    assert reply.status == 200
    document = etree.fromstring(reply.text.encode("utf-8"))
    XSD.assertValid(document)  # names the element and the rule it breaks
    return created.body, document


def texts(document: etree._Element, path: str) -> list[str]:
    return [node.text for node in document.iterfind(path, P)]


def test_umlauts_and_sz_are_kept_in_every_text_field_by_default(fresh_tables, monkeypatch):
    monkeypatch.setenv("PAYER_NAME", "Bäckerei Groß GmbH")
    plant("approved", payee=MUELLER)
    _, document = run_file()
    assert texts(document, ".//p:Cdtr/p:Nm") == ["Max Müller"]  # was "Max Muller": sepaxml's unidecode
    assert texts(document, ".//p:Cdtr/p:PstlAdr/p:StrtNm") == ["Hauptstraße 5"]
    assert texts(document, ".//p:Cdtr/p:PstlAdr/p:TwnNm") == ["Köln"]
    assert texts(document, ".//p:Dbtr/p:Nm") == texts(document, ".//p:InitgPty/p:Nm") == ["Bäckerei Groß GmbH"]


def test_basic_latin_transliterates_every_text_field_the_same_way(fresh_tables, monkeypatch):
    monkeypatch.setenv("SEPA_CHARSET", "basic")
    monkeypatch.setenv("PAYER_NAME", "Bäckerei Groß GmbH")
    plant("approved", payee=MUELLER)
    _, document = run_file()
    assert texts(document, ".//p:Cdtr/p:Nm") == ["Max Mueller"]
    assert texts(document, ".//p:Cdtr/p:PstlAdr/p:StrtNm") == ["Hauptstrasse 5"]  # was kept: one rule for all
    assert texts(document, ".//p:Cdtr/p:PstlAdr/p:TwnNm") == ["Koeln"]
    assert texts(document, ".//p:Dbtr/p:Nm") == ["Baeckerei Gross GmbH"]
    everything = [node.text for node in document.iter() if node.text and node.text.strip()]
    assert [text for text in everything if not EPC_BASIC.fullmatch(text)] == []


def test_an_unknown_charset_setting_is_a_503_and_moves_nothing(fresh_tables, monkeypatch):
    monkeypatch.setenv("SEPA_CHARSET", "latin1")
    plant("approved")
    before = table_items(fresh_tables)
    reply = call("POST", "/payment-runs", claims=FINANCE)
    assert reply.status == 503 and reply.body["error"]["code"] == "payer_not_configured"
    assert "SepaCharset" in reply.body["error"]["message"]
    assert table_items(fresh_tables) == before


def test_the_debtor_agent_is_notprovided_without_a_bic_and_the_bic_with_one(fresh_tables, monkeypatch):
    monkeypatch.delenv("PAYER_BIC", raising=False)
    plant("approved")
    _, document = run_file()
    agent = document.find(".//p:DbtrAgt/p:FinInstnId", P)
    assert [etree.QName(node).localname for node in agent] == ["Othr"]  # was empty
    assert texts(document, ".//p:DbtrAgt/p:FinInstnId/p:Othr/p:Id") == ["NOTPROVIDED"]
    monkeypatch.setenv("PAYER_BIC", "COBADEFFXXX")
    plant("approved")
    _, document = run_file()
    assert texts(document, ".//p:DbtrAgt/p:FinInstnId/p:BICFI") == ["COBADEFFXXX"]
    assert document.find(".//p:DbtrAgt/p:FinInstnId/p:Othr", P) is None


def test_a_payer_bic_no_bank_has_is_a_503_before_anything_moves(fresh_tables, monkeypatch):
    monkeypatch.setenv("PAYER_BIC", "COBA1EFF")
    [claim_id] = plant("approved")
    reply = call("POST", "/payment-runs", claims=FINANCE)
    assert reply.status == 503 and reply.body["error"]["code"] == "payer_not_configured"
    assert "PayerBic" in reply.body["error"]["message"]
    assert call("GET", "/payment-runs", claims=FINANCE).body["runs"] == []
    from claims import store

    assert store.get_claim(claim_id)["status"] == "approved"


def test_a_requested_execution_date_is_stored_listed_and_written(fresh_tables):
    plant("approved", payee=MUELLER)
    wanted = next_business_day(next_business_day(site_today()) + timedelta(days=6))
    created, document = run_file({"execution_date": wanted.isoformat()})
    assert created["execution_date"] == wanted.isoformat()
    assert texts(document, ".//p:PmtInf/p:ReqdExctnDt/p:Dt") == [wanted.isoformat()]
    listed = call("GET", "/payment-runs", claims=FINANCE).body["runs"]
    assert [(run["id"], run["execution_date"]) for run in listed] == [(created["id"], wanted.isoformat())]


def test_without_a_date_the_run_asks_for_the_next_business_day(fresh_tables):
    plant("approved")
    created, document = run_file()
    expected = next_business_day(site_today())  # was tomorrow, even a Saturday or 25 December
    assert created["execution_date"] == expected.isoformat()
    assert texts(document, ".//p:PmtInf/p:ReqdExctnDt/p:Dt") == [expected.isoformat()]


def _saturday_after(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


NEXT_YEAR = site_today().year + 1


@pytest.mark.parametrize(("requested", "code", "param"), [
    (site_today(), "execution_too_early", {"earliest": next_business_day(site_today()).isoformat()}),
    (site_today() - timedelta(days=3), "execution_too_early", {"earliest": next_business_day(site_today()).isoformat()}),
    (_saturday_after(site_today()), "execution_not_business_day",
     {"next": next_business_day(_saturday_after(site_today())).isoformat()}),
    (easter(NEXT_YEAR) - timedelta(days=2), "execution_not_business_day",
     {"next": next_business_day(easter(NEXT_YEAR) + timedelta(days=1)).isoformat()}),  # Good Friday: over Easter Monday
    (date(NEXT_YEAR, 12, 25), "execution_not_business_day", {"next": next_business_day(date(NEXT_YEAR, 12, 26)).isoformat()}),
    (date(NEXT_YEAR, 1, 1), "execution_not_business_day", {"next": next_business_day(date(NEXT_YEAR, 1, 1)).isoformat()}),
])
def test_a_date_that_is_no_business_day_after_today_is_a_coded_field_error(fresh_tables, requested, code, param):
    [claim_id] = plant("approved")
    before = table_items(fresh_tables)
    reply = call("POST", "/payment-runs", {"execution_date": requested.isoformat()}, claims=FINANCE)
    assert reply.status == 400 and reply.body["error"]["code"] == code, reply.body
    assert reply.body["error"]["fields"] == [{"field": "execution_date", "code": code, **param}]
    assert table_items(fresh_tables) == before  # no run, the claim still approved


def test_an_execution_date_that_is_no_date_is_refused_naming_the_field(fresh_tables):
    plant("approved")
    reply = call("POST", "/payment-runs", {"execution_date": "24.12.2026"}, claims=FINANCE)
    assert reply.status == 400 and reply.body["error"]["fields"][0]["field"] == "execution_date", reply.body
