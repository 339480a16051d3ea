"""The pure claim core, hardened: the published policy, payee text banks accept, XML-safe text,
strict booleans, SEPA files that skip what cannot be written, limits across an invite's claims,
receipt names and four eyes. No AWS here."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pydantic import ValidationError

from claims import exports, receipts, rules
from claims.model import ClaimIn, DecisionIn, InviteIn, UploadIn
from sharewall_common.expenses import PolicyError, load_policy, policy_from_published, published_policy

ROOT = Path(__file__).resolve().parents[1]
IBAN_A = "DE89370400440532013000"
DEBTOR = {"name": "Example GmbH", "IBAN": "DE02120300000000202051"}
SEPA = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
POLICY = "max_age_days: 30\nacross_claims: {mode}\ncategories:\n  meals: {{label: {{en: Meals}}, limit: '50.00'}}\n"


def payee(**changes) -> dict:
    data = {"kind": "private", "holder": "Jana Schreiber", "iban": IBAN_A,
            "address": {"street": "Hauptstraße 5", "postcode": "10115", "town": "Berlin", "country": "DE"}}
    return {**data, **changes}


def line(**changes) -> dict:
    return {"date": "2026-11-20", "category": "meals", "description": "Lunch", "gross": "20.00", "currency": "EUR",
            "vat": "0", "receipt": "a" * 32, **changes}


def stored(claim_id: str, **payee_changes) -> dict:
    return {"id": claim_id, "status": "approved", "total": 2000, "payee": {**payee(**payee_changes), "vat_id": None}}


# --- the published policy ---------------------------------------------------------------------


def test_the_published_policy_is_the_merged_file_exactly():
    text = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")
    published = published_policy(text)
    assert json.loads(published)["categories"]["travel"]["limit"] == "600.00"  # as written, never re-scaled
    assert policy_from_published(published) == load_policy(text)


def test_across_claims_is_flag_or_refuse_and_named_with_its_line():
    assert load_policy(POLICY.format(mode="flag")).across_claims == "flag"
    with pytest.raises(PolicyError) as caught:
        load_policy(POLICY.format(mode="warn"))
    assert any(line == 2 and "across_claims" in message for line, message in caught.value.problems)


def test_something_else_published_is_not_taken_for_a_policy():
    with pytest.raises(ValueError):
        policy_from_published(b'{"categories": {}}')
    with pytest.raises(ValueError):
        policy_from_published(b"<html>sign in</html>")


# --- text banks and XML accept ----------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field", "character"), [
    ({"holder": "José Núñez"}, "holder", "U+00E9"),
    ({"holder": "Jana & Co"}, "holder", "U+0026"),
    ({"address": {"street": "Rue de l’Église 3", "postcode": "75001", "town": "Paris", "country": "FR"}}, "street", "U+2019"),
    ({"address": {"street": "Hauptstraße 5", "postcode": "10115", "town": "Berlin ☺", "country": "DE"}}, "town", "U+263A"),
    ({"address": {"street": "Hauptstraße 5", "postcode": "10115#", "town": "Berlin", "country": "DE"}}, "postcode", "U+0023"),
])
def test_payee_fields_are_limited_to_the_sepa_character_set_naming_field_and_character(changes, field, character):
    with pytest.raises(ValidationError) as caught:
        ClaimIn.model_validate({"payee": payee(**changes), "lines": [line()]})
    error = caught.value.errors()[0]
    assert error["loc"][-1] == field and character in error["msg"] and "SEPA character set" in error["msg"]


def test_german_umlauts_and_the_sepa_punctuation_are_fine():
    parsed = ClaimIn.model_validate({"payee": payee(holder="Jörg Müller-Weiß (Büro) /1, 'a'+b?:."), "lines": [line()]})
    assert parsed.payee.holder.startswith("Jörg")


@pytest.mark.parametrize("bad", ["\uffff", "\ufffe", "\ud800", "\x00", "\x08", "\x1b", "\u200b", "\u2028"])
@pytest.mark.parametrize("where", ["holder", "description", "note", "category"])
def test_characters_xml_cannot_hold_are_refused_in_every_text_field_of_a_claim(bad, where):
    body = {"payee": payee(), "lines": [line()]}
    if where == "holder":
        body["payee"]["holder"] = f"Jana{bad}"
    elif where == "note":
        body["note"] = f"see{bad}"
    else:
        body["lines"][0][where] = f"x{bad}"
    with pytest.raises(ValidationError) as caught:
        ClaimIn.model_validate(body)
    assert caught.value.errors()[0]["loc"][-1] == where and f"U+{ord(bad):04X}" in str(caught.value)


def test_other_bodies_refuse_them_too():
    for build in (lambda: UploadIn(filename="r\uffff.pdf", content_type="application/pdf", size=1),
                  lambda: DecisionIn(action="reject", expected="submitted", reason="no\ud800"),
                  lambda: InviteIn(name="Lena", email="lena\uffff@example.org", campaign="fair-2026")):
        with pytest.raises(ValidationError, match="U\\+(FFFF|D800)"):
            build()


# --- strict booleans and integers -------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "true", 1, "1", "on"])
def test_a_decision_confirms_only_with_a_real_true(value):
    with pytest.raises(ValidationError, match="confirm_duplicates"):
        DecisionIn.model_validate({"action": "approve", "expected": "submitted", "confirm_duplicates": value})
    assert DecisionIn.model_validate({"action": "approve", "expected": "submitted", "confirm_duplicates": True}).confirm_duplicates


@pytest.mark.parametrize(("model", "body"), [
    (UploadIn, {"filename": "r.pdf", "content_type": "application/pdf", "size": "100"}),
    (UploadIn, {"filename": "r.pdf", "content_type": "application/pdf", "size": True}),
    (InviteIn, {"name": "A", "email": "a@example.org", "campaign": "fair-2026", "days": "30"}),
])
def test_numbers_are_numbers(model, body):
    with pytest.raises(ValidationError):
        model.model_validate(body)


# --- SEPA files that skip what cannot be written ----------------------------------------------


def test_one_unwritable_claim_is_skipped_and_named_never_failing_the_file():
    planted = stored("bad00000000000000000000b", holder="Jana\uffff")
    xml, skipped = exports.to_sepa([stored("a" * 24), planted, stored("c" * 24)], DEBTOR, date(2026, 11, 30))
    root = ElementTree.fromstring(xml)
    assert [node.text for node in root.findall(".//p:PmtId/p:EndToEndId", SEPA)] == ["a" * 24, "c" * 24]
    assert root.find(".//p:GrpHdr/p:CtrlSum", SEPA).text == "40.00"
    assert skipped == [exports.Skipped("bad00000000000000000000b", "payee.holder", skipped[0].reason)]
    assert "U+FFFF" in skipped[0].reason


def test_claims_the_schema_still_refuses_are_found_one_by_one(monkeypatch):
    original = exports._sepa

    def picky(claims, debtor, day, *rest):  # as if the schema refused claim b, whatever the checks said
        if any(claim["id"] == "b" * 24 for claim in claims):
            raise ValueError("schema")
        return original(claims, debtor, day, *rest)

    monkeypatch.setattr(exports, "_sepa", picky)
    xml, skipped = exports.to_sepa([stored("a" * 24), stored("b" * 24)], DEBTOR, date(2026, 11, 30))
    assert [item.claim for item in skipped] == ["b" * 24] and b"a" * 24 in xml


def test_when_nothing_can_be_written_the_reasons_are_given():
    with pytest.raises(exports.NothingToPay, match="claim x+: payee.address.town"):
        exports.to_sepa([stored("x" * 24, address={**payee()["address"], "town": "Bad\x00"})], DEBTOR, date(2026, 11, 30))
    with pytest.raises(exports.NothingToPay, match="no approved claims"):
        exports.to_sepa([], DEBTOR, date(2026, 11, 30))


@pytest.mark.parametrize("debtor", [{"name": "Example GmbH", "IBAN": "PayerIban"}, {"name": "", "IBAN": DEBTOR["IBAN"]},
                                    {"name": "Exämple\uffff", "IBAN": DEBTOR["IBAN"]}])
def test_a_payer_account_banks_would_refuse_is_named(debtor):
    with pytest.raises(exports.DebtorInvalid, match="PAYER_"):
        exports.to_sepa([stored("a" * 24)], debtor, date(2026, 11, 30))


# --- limits across an invite's claims ---------------------------------------------------------


def test_an_invites_claims_together_over_a_limit_are_found_per_line():
    expenses = load_policy(POLICY.format(mode="refuse"))
    claim = ClaimIn.model_validate({"payee": payee(), "lines": [line(gross="20.00"), line(gross="10.00", receipt="b" * 32)]})
    assert rules.category_totals(claim, expenses) == {"meals": 3000}
    assert rules.over_invite_limits(claim, expenses, {"meals": 2000}) == {}  # exactly the limit is fine
    over = rules.over_invite_limits(claim, expenses, {"meals": 2001})
    assert over == {"meals": 5001}
    found = rules.across_claims(claim, expenses, over)
    assert [(v.line, v.field) for v in found] == [(0, "gross"), (1, "gross")]
    assert "50.01 EUR, over the limit of 50.00 EUR for all claims of one invite" in found[0].message


# --- receipts and four eyes -------------------------------------------------------------------


@pytest.mark.parametrize("key", ["claims/abc123/01.pdf", 'claims/x"; filename=evil.html/01.pdf', "claims/ä\r\n/02.png"])
def test_receipts_download_as_attachments_under_a_safe_name(key):
    disposition = receipts.attachment(key)
    name = disposition.removeprefix('attachment; filename="').removesuffix('"')
    assert disposition.startswith("attachment; ") and name.startswith("receipt-")
    assert all(character.isascii() and (character.isalnum() or character in "._-") for character in name)


def test_approvers_come_from_the_audit_trail():
    audit = [{"actor": "invite:1", "to": "submitted"}, {"actor": "p-anna", "to": "approved"}, {"actor": "p-ben", "to": "paid"}]
    assert rules.approvers(audit) == {"p-anna"}
