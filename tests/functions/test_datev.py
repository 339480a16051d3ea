"""The DATEV Buchungsstapel of a payment run: the pure writer (header, columns, numbers, dates, texts,
encoding), the file parsed back with the column definitions and summed against the run, and the route
against the moto server (written once: the same bytes on every download; one creditor account per payee,
kept across runs and given exactly once under concurrency; field 114 as configured)."""

from __future__ import annotations

import base64
import csv
import io
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest

from claims import datev
from sharewall_common.expenses import ExpensePolicy, load_policy
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS_AND_FINANCE, EMPLOYEE, FINANCE, IBAN_A, IBAN_B, call, payee
from tests.functions.invoke import in_containers

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
RUN = {"id": "20261127-0a1b2c3d4e5f", "created_at": "2026-11-27T13:05:09.123456+00:00"}


def policy(**accounting) -> ExpensePolicy:
    """The shipped policy (content/expenses.yml), its accounting section changed by `accounting`."""
    shipped = load_policy((ROOT / "content" / "expenses.yml").read_text(encoding="utf-8"))
    document = shipped.document()
    document["accounting"] = {**document["accounting"], **accounting}
    return ExpensePolicy.model_validate(document)


def line(day: str = "2026-11-20", category: str = "travel", description: str = "Zug zur Messe", gross: int = 11900,
         vat: int = 1900, receipt: str | None = None) -> dict:
    return {"date": day, "category": category, "description": description, "gross": gross, "vat": vat,
            "currency": "EUR", **({"receipt_key": receipt} if receipt else {})}


def claim(claim_id: str, *lines: dict, campaign: str | None = "republica-2026") -> dict:
    return {"id": claim_id, "campaign": campaign, "lines": list(lines)}


CLAIMS = [
    claim("b" * 24, line(receipt="claims/bbb/01.pdf"), line("2026-11-21", "meals", "Abendessen", 2140, 140),
          line("2026-11-02", "mileage", "Berlin - Leipzig, 190 km", 5700, 0)),
    claim("a" * 24, line("2026-11-24", "accommodation", "Hotel am Messegelände", 10700, 700), campaign="creator-programme"),
    claim("c" * 24, line("2026-11-25", "materials", "Stifte", 1000, 0), campaign=None),
]


def write(claims=CLAIMS, accounting_policy: ExpensePolicy | None = None, **options) -> bytes:
    return datev.to_datev(RUN, claims, accounting_policy or policy(), BERLIN,
                          receipt_link=lambda key: f"s3://receipts/{key}", **options)


def parse(data: bytes) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """The file read back as DATEV's import reads it: header fields, column names, one dict per booking."""
    text = data.decode("cp1252")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CR LF, nothing else
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"'))
    header, names, bookings = rows[0], rows[1], rows[2:]
    assert all(len(row) == len(datev.COLUMNS) for row in bookings)
    return header, names, [dict(zip(names, row, strict=True)) for row in bookings]


def cents(text: str) -> int:
    whole, fraction = text.split(",")
    assert len(fraction) == 2 and whole.isdigit()
    return int(whole) * 100 + int(fraction)


# --- the pure writer ------------------------------------------------------------------------


def test_the_header_line_names_format_client_period_and_the_runs_own_time():
    header, _, _ = parse(write())
    assert len(header) == 31
    assert header[:5] == ["EXTF", "700", "21", "Buchungsstapel", "13"]
    assert header[5] == "20261127140509123"  # the run's creation in Berlin time, to the millisecond: not the download's
    assert header[10:14] == ["1001", "1", "20260101", "4"]  # consultant, client, fiscal year start, account length
    assert header[14:16] == ["20261102", "20261125"]  # the first and last expense date
    assert header[16] == "Zahllauf 20261127-0a1b2c3d4e5f"  # Bezeichnung: 30 characters at most
    assert header[18:22] == ["1", "0", "0", "EUR"]  # Finanzbuchführung, any accounting purpose, not locked, EUR
    assert header[26] == "03" and header[30] == "Sharewall"  # SKR03


def test_the_header_follows_the_configuration():
    header, _, _ = parse(write(accounting_policy=policy(chart="SKR04", consultant=29098, client=55003, lock=True,
                                                        fiscal_year_start="07-01", initials="SW")))
    assert header[10:13] == ["29098", "55003", "20260701"] and header[17] == "SW" and header[20] == "1"
    assert header[26] == "04"


def test_the_raw_lines_quote_texts_and_leave_numbers_bare():
    lines = write().decode("cp1252").split("\r\n")
    assert lines[0].startswith('"EXTF";700;21;"Buchungsstapel";13;')
    assert lines[1].startswith("Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;Kurs;Basis-Umsatz;")
    first = lines[2].split(";")
    assert first[:11] == ["107,00", '"S"', '"EUR"', "", "", '""', "4600", "1700", '"8"', "2411", '"' + "a" * 24 + '"']


def test_the_columns_are_datevs_125_of_format_version_13():
    _, names, _ = parse(write())
    assert names == [column.name for column in datev.COLUMNS] and len(set(names)) == 125
    expected = {1: "Umsatz (ohne Soll/Haben-Kz)", 2: "Soll/Haben-Kennzeichen", 7: "Konto", 8: "Gegenkonto (ohne BU-Schlüssel)",
                9: "BU-Schlüssel", 10: "Belegdatum", 11: "Belegfeld 1", 14: "Buchungstext", 20: "Beleglink",
                37: "KOST1 - Kostenstelle", 48: "Zusatzinformation - Art 1", 49: "Zusatzinformation- Inhalt 1",
                88: "Stück", 114: "Festschreibung", 116: "Datum Zuord. Steuerperiode", 118: "Generalumkehr (GU)",
                125: "Abw. Skontokonto"}
    assert {number: names[number - 1] for number in expected} == expected


def test_one_booking_per_expense_line_with_account_key_date_and_cost_centre():
    _, _, rows = parse(write())
    assert len(rows) == sum(len(item["lines"]) for item in CLAIMS)
    by_text = {row["Buchungstext"].split(": ")[1]: row for row in rows}
    train = by_text["Zug zur Messe"]
    assert (train["Umsatz (ohne Soll/Haben-Kz)"], train["Soll/Haben-Kennzeichen"], train["Konto"],
            train["Gegenkonto (ohne BU-Schlüssel)"], train["BU-Schlüssel"], train["Belegdatum"]) == \
        ("119,00", "S", "4600", "1700", "9", "2011")
    assert train["Belegfeld 1"] == "b" * 24 and train["KOST1 - Kostenstelle"] == "1100"
    assert train["Beleglink"] == "s3://receipts/claims/bbb/01.pdf"
    assert train["Beleginfo - Art 1"] == "Zahllauf" and train["Beleginfo - Inhalt 1"] == RUN["id"]
    assert train["Buchungstext"] == "Reisekosten (Bahn, Flug, Mietwagen): Zug zur Messe"
    assert by_text["Abendessen"]["BU-Schlüssel"] == "8"  # 1.40 of 21.40 is 7 %
    assert by_text["Abendessen"]["Beleglink"] == ""  # no receipt, no link
    assert by_text["Berlin - Leipzig, 190 km"]["BU-Schlüssel"] == ""  # no VAT: no input tax
    assert by_text["Hotel am Messegelände"]["KOST1 - Kostenstelle"] == "1200"  # its campaign's
    assert by_text["Stifte"]["KOST1 - Kostenstelle"] == ""  # no campaign, no default
    assert [row["Belegfeld 1"] for row in rows] == sorted(row["Belegfeld 1"] for row in rows)  # by claim


def test_a_default_cost_centre_and_a_creditor_account():
    _, _, rows = parse(write(accounting_policy=policy(default_cost_centre="9000", payable="70001")))
    assert {row["KOST1 - Kostenstelle"] for row in rows} == {"1100", "1200", "9000"}
    assert {row["Gegenkonto (ohne BU-Schlüssel)"] for row in rows} == {"70001"}


def test_each_claim_is_booked_against_its_payees_creditor_account():
    accounts = {"a" * 24: "70000", "b" * 24: "70001", "c" * 24: "70000"}
    _, _, rows = parse(write(creditor=lambda item: accounts[item["id"]]))
    assert {(row["Belegfeld 1"], row["Gegenkonto (ohne BU-Schlüssel)"]) for row in rows} == set(accounts.items())
    with pytest.raises(datev.DatevError, match="needs 5 digits"):  # account_length 4: creditors have 5
        write(creditor=lambda item: "7000")


def test_field_114_festschreibung_is_written_explicitly_as_configured():
    for options, accounting, expected in (({}, {}, "0"), ({"lock": True}, {}, "1"), ({}, {"lock": True}, "1")):
        header, _, rows = parse(write(accounting_policy=policy(**accounting), **options))
        assert header[20] == expected  # the batch's flag says the same as every booking's
        assert {row["Festschreibung"] for row in rows} == {expected}
    raw = write().decode("cp1252").split("\r\n")[2].split(";")
    assert raw[113] == "0"  # field 114: a bare number, never left empty (DATEV would lock the batch)


def test_vat_that_fits_no_rate_is_booked_without_key_and_says_so():
    _, _, rows = parse(write([claim("d" * 24, line(gross=1000, vat=123))]))
    assert rows[0]["BU-Schlüssel"] == ""
    assert rows[0]["Zusatzinformation - Art 1"] == "USt-Hinweis"
    assert rows[0]["Zusatzinformation- Inhalt 1"].startswith("USt 1,23 EUR")


@pytest.mark.parametrize(("gross", "vat", "key"), [(11900, 1900, "9"), (1190, 190, "9"), (500, 80, "9"), (10700, 700, "8"),
                                                   (107, 7, "8"), (999, 0, ""), (1000, 170, None), (1000, 1000, None)])
def test_tax_keys_by_the_vat_share_of_the_gross_to_the_cent(gross, vat, key):
    assert policy().accounting.tax_key(gross, vat) == key


def test_amounts_have_a_decimal_comma_and_no_thousands_separator():
    assert [datev.amount(value) for value in (1, 10, 100, 123456789, 100_000_00)] == \
        ["0,01", "0,10", "1,00", "1234567,89", "100000,00"]
    with pytest.raises(datev.DatevError):
        datev.amount(-1)


def test_texts_are_truncated_to_datevs_60_characters():
    long = "Ü" + "x" * 100
    _, _, rows = parse(write([claim("d" * 24, line(description=long))]))
    text = rows[0]["Buchungstext"]
    assert len(text) == 60 and text.endswith("…") and text.startswith("Reisekosten (Bahn, Flug, Mietwagen): Üxx")


def test_windows_1252_with_characters_outside_it_transliterated_or_a_question_mark():
    data = write([claim("d" * 24, line(category="meals", description='Fähre „Øresund“ – Kraków, Győr, Łódź 🚆 €5 "q"'))])
    # ó is Windows-1252, ő and ź decompose to o and z, Ł and the emoji do not: '?'
    assert "Fähre „Øresund“ – Kraków, Gyor, ?ódz ? €5 'q'".encode("cp1252") in data
    assert b"F\xe4hre" in data and b"\x80" in data  # ä and € as Windows-1252 bytes, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_belegfeld_1_keeps_only_the_characters_datev_allows():
    _, _, rows = parse(write([claim("ab_c.d e/f-1", line())]))
    assert rows[0]["Belegfeld 1"] == "abcde/f-1"


def test_sums_per_account_and_in_total_match_the_run():
    document = policy().document()
    for number, category in enumerate(document["categories"].values()):
        category["account"] = str(4600 + 10 * number)  # a distinct account per category
    policy_with_accounts = ExpensePolicy.model_validate(document)
    _, _, rows = parse(write(accounting_policy=policy_with_accounts))
    booked: Counter = Counter()
    for row in rows:
        assert row["Soll/Haben-Kennzeichen"] == "S"
        booked[row["Konto"]] += cents(row["Umsatz (ohne Soll/Haben-Kz)"])
        booked["credit " + row["Gegenkonto (ohne BU-Schlüssel)"]] += cents(row["Umsatz (ohne Soll/Haben-Kz)"])
    expected: Counter = Counter()
    for item in CLAIMS:
        for expense in item["lines"]:
            expected[policy_with_accounts.categories[expense["category"]].account] += expense["gross"]
            expected["credit 1700"] += expense["gross"]
    assert booked == expected and len(booked) == 6  # five expense accounts and the payable
    assert booked["credit 1700"] == sum(expense["gross"] for item in CLAIMS for expense in item["lines"]) == 31440


def test_the_same_run_gives_the_same_bytes():
    assert write() == write() == write(list(reversed(CLAIMS)))


def test_a_run_across_fiscal_years_is_written_one_year_at_a_time():
    spanning = [claim("d" * 24, line("2026-12-30")), claim("e" * 24, line("2027-01-02", gross=500, vat=80))]
    with pytest.raises(datev.SpansFiscalYears) as caught:
        write(spanning)
    assert caught.value.years == [2026, 2027] and "fiscal_year=" in str(caught.value)
    header, _, rows = parse(write(spanning, year=2027))
    assert header[12:16] == ["20270101", "4", "20270102", "20270102"] and [row["Belegfeld 1"] for row in rows] == ["e" * 24]
    with pytest.raises(datev.DatevError, match="fiscal year 2025"):
        write(spanning, year=2025)


def test_a_fiscal_year_starting_in_july():
    accounting = policy(fiscal_year_start="07-01").accounting
    assert datev.fiscal_year(date(2026, 6, 30), accounting) == 2025
    assert datev.fiscal_year(date(2026, 7, 1), accounting) == 2026


def test_without_accounting_or_with_an_unknown_category_nothing_is_written():
    bare = ExpensePolicy.model_validate({**policy().document(), "accounting": None})
    with pytest.raises(datev.DatevError, match="no accounting section"):
        write(accounting_policy=bare)
    with pytest.raises(datev.DatevError, match="claim d+ line 1: category 'gone'"):
        write([claim("d" * 24, line(category="gone"))])


def test_the_published_policy_carries_the_accounting():
    from sharewall_common.expenses import policy_from_published, published_policy

    text = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")
    published = policy_from_published(published_policy(text))
    assert published.accounting == load_policy(text).accounting
    assert {key: category.account for key, category in published.categories.items()} == \
        {key: category.account for key, category in load_policy(text).categories.items()}


# --- the route, against moto ----------------------------------------------------------------


def _sealed_run() -> tuple[str, list[dict]]:
    from tests.functions.test_payment_runs import plant

    plant("approved", 3, cents=2380)
    reply = call("POST", "/payment-runs", claims=FINANCE)
    assert reply.status == 201, reply.body
    return reply.body["id"], reply.body["claims"]


def _download(run_id: str, query: str = "", claims=FINANCE):
    return call("GET", f"/payment-runs/{run_id}/datev.csv", claims=claims, query=query)


def _file(reply) -> tuple[bytes, dict[str, str]]:
    """The downloaded bytes (the handler answers them base64-encoded, as API Gateway wants binary) and headers."""
    assert reply.status == 200, reply.text[:300]
    return base64.b64decode(reply.text, validate=True), {key.lower(): value for key, value in reply.headers.items()}


def test_a_runs_datev_file_downloads_byte_identical_with_its_sums(fresh_tables):
    from claims import store

    run_id, claim_ids = _sealed_run()
    (first, headers), (second, _) = _file(_download(run_id)), _file(_download(run_id))
    assert headers["content-type"] == "text/csv; charset=windows-1252"
    assert headers["content-disposition"] == f'attachment; filename="EXTF_Buchungsstapel_{run_id}.csv"'
    assert first == second
    header, _, rows = parse(first)
    run = store.get_run(run_id)
    created = datetime.fromisoformat(run["created_at"]).astimezone(BERLIN)
    assert header[5] == created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}"
    assert sorted(row["Belegfeld 1"] for row in rows) == sorted(claim_ids)
    assert sum(cents(row["Umsatz (ohne Soll/Haben-Kz)"]) for row in rows) == run["total"]
    assert {row["Konto"] for row in rows} == {"4600"}


def test_the_datev_file_is_kept_as_first_written(fresh_tables, monkeypatch):
    from claims import runs

    run_id, _ = _sealed_run()
    first, _ = _file(_download(run_id))
    bucket = fresh_tables.function_environment()["RECEIPTS_BUCKET"]
    stored = boto3.client("s3").get_object(Bucket=bucket, Key=f"runs/{run_id}/datev.csv")["Body"].read()
    assert stored == first
    # a later policy (other accounts) would build other bytes: the download still gives the first ones
    monkeypatch.setattr(runs, "build_datev", lambda run, year=None: b"other accounts")
    assert _file(_download(run_id))[0] == first


def test_datev_file_refusals(fresh_tables):
    run_id, _ = _sealed_run()
    assert _download(run_id, claims=EMPLOYEE).status == 403
    assert _download("20261127-000000000000").status == 404
    assert _download("not-a-run").status == 404
    assert _download(run_id, "fiscal_year=1999").status in (400, 422)
    reply = _download(run_id, f"fiscal_year={datetime.now(timezone.utc).year - 3}")
    assert reply.status == 409 and reply.body["error"]["code"] == "datev_unwritable"
    bucket = fresh_tables.function_environment()["RECEIPTS_BUCKET"]
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=f"runs/{run_id}/datev")
    assert listed.get("KeyCount", 0) == 0  # a refused download writes nothing
    cancelled = call("POST", f"/payment-runs/{run_id}/decision", {"action": "cancel", "reason": "wrong date"},
                     claims=COMMS_AND_FINANCE)
    assert cancelled.status == 200, cancelled.body
    reply = _download(run_id)
    assert reply.status == 409 and reply.body["error"]["code"] == "run_cancelled"


# --- creditor accounts and Festschreibung, against moto -------------------------------------------------


def _run_of(*payees: dict) -> str:
    """A sealed run of one approved claim per payee."""
    from tests.functions.test_payment_runs import plant

    for each in payees:
        plant("approved", payee={**each, "vat_id": None})
    reply = call("POST", "/payment-runs", claims=FINANCE)
    assert reply.status == 201, reply.body
    return reply.body["id"]


def _creditors(run_id: str) -> dict[str, str]:
    """Claim id -> the creditor account its bookings are made against (one per claim), sums checked."""
    from claims import store

    _, _, rows = parse(_file(_download(run_id))[0])
    accounts = {row["Belegfeld 1"]: row["Gegenkonto (ohne BU-Schlüssel)"] for row in rows}
    assert len(accounts) == len(rows)  # planted claims have one line
    assert sum(cents(row["Umsatz (ohne Soll/Haben-Kz)"]) for row in rows) == store.get_run(run_id)["total"]
    return accounts


def _payee_of(claim_id: str) -> tuple[str, str]:
    from claims import store

    stored = store.get_claim(claim_id)["payee"]
    return stored["iban"], stored["holder"]


def test_one_creditor_account_per_payee_kept_across_runs(fresh_tables):
    first = _creditors(_run_of(payee(IBAN_A), payee(IBAN_A)))
    assert set(first.values()) == {"70000"}  # the range's first account (DatevCreditorAccounts 70000-79999)
    # the same payee (holder spelled with other case and spacing) in a later run; another IBAN, another holder
    second = _creditors(_run_of(payee(IBAN_A, holder=" lena  LETTERING"), payee(IBAN_B), payee(IBAN_A, holder="Max Muster")))
    by_payee = {_payee_of(claim_id): account for claim_id, account in second.items()}
    assert by_payee[(IBAN_A, " lena  LETTERING")] == "70000"  # the first run's payee keeps its account
    assert {by_payee[(IBAN_B, "Lena Lettering")], by_payee[(IBAN_A, "Max Muster")]} == {"70001", "70002"}
    items = boto3.client("dynamodb").scan(TableName=fresh_tables.function_environment()["APP_TABLE"])["Items"]
    kept = [item for item in items if item["pk"]["S"].startswith(("DATEVCREDITOR#", "DATEVACCOUNT#"))]
    assert len(kept) == 6  # three payees: their account and the account's owner
    assert not any(iban in str(item) for item in kept for iban in (IBAN_A, IBAN_B))  # a keyed hash, never the IBAN


def _give(key: str) -> int:
    from claims import store

    return store.creditor_account(key, 70000, 79999, "2026-12-01T00:00:00+00:00")


def _fresh_clients() -> None:
    from sharewall_common.aws import client

    client.cache_clear()  # a forked container opens its own connections


def test_concurrent_first_bookings_give_each_payee_exactly_one_account(fresh_tables):
    import claims.store  # noqa: F401  (imported before forking, like a warm container)

    keys = [f"payee-{number % 4}" for number in range(8)]  # four payees, each asked by two containers at once
    given = in_containers(_give, [(key,) for key in keys], prepare=_fresh_clients)
    assert len(given) == 8 and sorted(set(given)) == [70000, 70001, 70002, 70003]
    assert {key: _give(key) for key in keys} == {key: _give(key) for key in sorted(set(keys))}  # stable afterwards
    assert sorted(_give(key) for key in set(keys)) == [70000, 70001, 70002, 70003]


def test_an_exhausted_range_is_refused_clearly_and_writes_no_file(fresh_tables, monkeypatch):
    monkeypatch.setenv("DATEV_CREDITOR_ACCOUNTS", "70000-70001")
    run_id = _run_of(payee(IBAN_A), payee(IBAN_B), payee(IBAN_A, holder="Max Muster"))
    reply = _download(run_id)
    assert reply.status == 409 and reply.body["error"]["code"] == "creditor_accounts_exhausted"
    assert "70000-70001" in reply.body["error"]["message"]
    bucket = fresh_tables.function_environment()["RECEIPTS_BUCKET"]
    assert boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=f"runs/{run_id}/datev").get("KeyCount", 0) == 0
    monkeypatch.setenv("DATEV_CREDITOR_ACCOUNTS", "70000-70009")  # widened: the two payees keep theirs
    assert sorted(set(_creditors(run_id).values())) == ["70000", "70001", "70002"]


def test_a_range_datev_would_refuse_gives_no_account(fresh_tables, monkeypatch):
    monkeypatch.setenv("DATEV_CREDITOR_ACCOUNTS", "700000-799999")  # six digits: account_length 4 wants five
    run_id = _run_of(payee(IBAN_A))
    reply = _download(run_id)
    assert reply.status == 409 and reply.body["error"]["code"] == "datev_unwritable"
    assert "needs 5 digits" in reply.body["error"]["message"]
    items = boto3.client("dynamodb").scan(TableName=fresh_tables.function_environment()["APP_TABLE"])["Items"]
    assert not [item for item in items if item["pk"]["S"].startswith("DATEV")]


def test_without_a_range_every_booking_goes_against_the_payable_account(fresh_tables, monkeypatch):
    monkeypatch.setenv("DATEV_CREDITOR_ACCOUNTS", "")
    assert set(_creditors(_run_of(payee(IBAN_A), payee(IBAN_B))).values()) == {"1700"}


@pytest.mark.parametrize("setting", ["0", "1"])
def test_field_114_follows_the_datev_festschreibung_setting(fresh_tables, monkeypatch, setting):
    monkeypatch.setenv("DATEV_FESTSCHREIBUNG", setting)
    header, _, rows = parse(_file(_download(_run_of(payee(IBAN_A), payee(IBAN_B))))[0])
    assert header[20] == setting and [row["Festschreibung"] for row in rows] == [setting, setting]
