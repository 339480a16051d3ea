"""Machine-readable refusals of the claims API: `error.fields` names each field with a code and the
parameters a page needs to say it in its own language; `message` stays for people and logs and never
holds the input (an IBAN). Against the moto server over HTTP, with the real handler."""

from __future__ import annotations

import uuid

import pytest

from sharewall_common.errors import field_path, validation_fields
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import IBAN_A, PDF, PNG, SENSITIVE, call, invite, line, payee, submit, upload, violating_lines

BAD_IBAN = "DE89370400440532013001"  # IBAN_A with its last digit changed: the checksum fails
NON_SEPA_IBAN = "BR1800360305000010009795493C1"  # a valid IBAN from outside the SEPA zone
SENSITIVE.update({BAD_IBAN, NON_SEPA_IBAN})


def post(token: str, body: dict):
    return call("POST", "/claims", body, token=token, key=uuid.uuid4().hex)


def plain_line(**changes) -> dict:
    """A line the policy accepts without a receipt: a refusal of the payee is then the only problem."""
    return line(None, category="local-transport", gross="12.00", vat="0", **changes)


def fields_of(reply) -> list[dict]:
    assert 400 <= reply.status < 500, reply.body
    return reply.body["error"]["fields"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"iban": BAD_IBAN}, {"field": "payee.iban", "code": "iban_invalid"}),
    ({"iban": NON_SEPA_IBAN}, {"field": "payee.iban", "code": "iban_not_sepa", "country": "BR"}),
    ({"kind": "business"}, {"field": "payee.vat_id", "code": "vat_id_required"}),
    ({"kind": "business", "vat_id": "123"}, {"field": "payee.vat_id", "code": "vat_id_invalid"}),
    ({"holder": "Jana & Co"}, {"field": "payee.holder", "code": "sepa_character", "character": "&"}),
    ({"holder": "Eve\u202eevil"}, {"field": "payee.holder", "code": "control_character", "character": "U+202E"}),
    ({"holder": "J"}, {"field": "payee.holder", "code": "too_short", "min": "2"}),
    ({"kind": "company"}, {"field": "payee.kind", "code": "not_allowed", "expected": "'private' or 'business'"}),
    ({"address": {"street": "A 1", "postcode": "1", "town": "B", "country": "Germany"}},
     {"field": "payee.address.country", "code": "invalid_format"}),
    ({"address": {"street": "A 1", "postcode": "1", "town": "B"}}, {"field": "payee.address.country", "code": "required"}),
    ({"tip": 1}, {"field": "payee.tip", "code": "unknown_field"}),
])
def test_a_bad_payee_is_coded_by_field(fresh_tables, changes, expected):
    token = invite()["token"]
    reply = post(token, {"payee": payee(**changes), "lines": [plain_line()]})
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    assert fields_of(reply) == [expected]
    assert expected["field"].split(".")[-1] in reply.body["error"]["message"]  # and the message, as before
    assert BAD_IBAN not in reply.text and NON_SEPA_IBAN not in reply.text  # never the input back


@pytest.mark.parametrize("iban", ["DE89 3704 0044 0532 0130 0!", "DE8937040044053201300A", "DE89370400440532013001"])
def test_a_refused_iban_is_never_quoted_back(fresh_tables, iban):
    SENSITIVE.add(iban)
    reply = post(invite()["token"], {"payee": payee(iban=iban), "lines": [plain_line()]})
    assert fields_of(reply) == [{"field": "payee.iban", "code": "iban_invalid"}]
    assert "payee.iban: is not a valid IBAN (" in reply.body["error"]["message"]
    for part in (iban, iban.replace(" ", ""), iban.replace(" ", "")[4:]):
        assert part not in reply.text


@pytest.mark.parametrize(("changes", "expected"), [
    ({"gross": "1,234"}, {"field": "lines[0].gross", "code": "invalid_amount"}),
    ({"gross": "0"}, {"field": "lines[0].gross", "code": "too_small", "limit": "0"}),
    ({"vat": "100.00"}, {"field": "lines[0].vat", "code": "vat_over_gross"}),
    ({"date": "2026-02-30"}, {"field": "lines[0].date", "code": "invalid_date"}),
    ({"description": ""}, {"field": "lines[0].description", "code": "too_short", "min": "1"}),
    ({"description": "x" * 141}, {"field": "lines[0].description", "code": "too_long", "max": "140"}),
    ({"distance": "12.34"}, {"field": "lines[0].distance", "code": "invalid_number", "max": "5000", "places": "1"}),
    ({"route": {"from": "Berlin"}}, {"field": "lines[0].route.to", "code": "required"}),
])
def test_a_bad_line_is_coded_by_line_and_field(fresh_tables, changes, expected):
    token = invite()["token"]
    reply = post(token, {"payee": payee(), "lines": [line(None, **changes)]})
    assert reply.status == 400
    assert fields_of(reply) == [expected]


def test_a_refusal_names_each_field_once_in_order(fresh_tables):
    token = invite()["token"]
    reply = post(token, {"payee": payee(iban=BAD_IBAN, holder="Jana & Co"),
                         "lines": [line(None), line(None, gross="x", date="never")]})
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    # format and policy in one answer (#20, defect 5): line 0 is well-formed but lacks the receipt travel needs
    assert [(item["field"], item["code"]) for item in fields_of(reply)] == [
        ("payee.holder", "sepa_character"), ("payee.iban", "iban_invalid"), ("lines[0].receipt", "receipt_required"),
        ("lines[1].date", "invalid_date"), ("lines[1].gross", "invalid_amount")]
    # the message names the same fields for people, as before
    assert "payee.iban: is not a valid IBAN" in reply.body["error"]["message"]


def test_policy_violations_carry_codes_and_the_limit(fresh_tables):
    token = invite()["token"]
    reply = submit(token, violating_lines(token))
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_claim"
    found = fields_of(reply)
    assert {"field": "lines[1].category", "code": "category_unknown"} in found
    assert {"field": "lines[2].gross", "code": "category_limit", "category": "meals", "limit": "90.00", "total": "95.00"} in found
    assert {"field": "lines[3].date", "code": "date_too_old", "days": "90",
            "oldest": next(item["oldest"] for item in found if item["code"] == "date_too_old")} in found
    assert {"field": "lines[4].receipt", "code": "receipt_required", "category": "travel"} in found
    assert not [item for item in found if item["field"].startswith("lines[0]")]
    assert len(found) == len(reply.body["error"]["message"].split("; "))  # one code per sentence of the message


def test_a_wrong_receipt_is_coded_at_submission(fresh_tables):
    token = invite()["token"]
    reply = submit(token, [line(upload(token, PNG, "application/pdf"))])
    assert fields_of(reply) == [{"field": "lines[0].receipt", "code": "receipt_type_mismatch",
                                 "declared": "application/pdf", "content": "image/png"}]
    reply = submit(token, [line(upload(token, b"hello, not a receipt", "application/pdf"))])
    assert fields_of(reply) == [{"field": "lines[0].receipt", "code": "receipt_type"}]
    reply = submit(token, [line("a" * 32)])
    assert fields_of(reply) == [{"field": "lines[0].receipt", "code": "receipt_missing"}]


def test_priced_lines_are_coded_too(fresh_tables):
    token = invite()["token"]
    mileage = line(None, category="mileage", distance="10.0", route={"from": "Berlin", "to": "Potsdam"}, gross="99.00", vat="0")
    mileage.pop("receipt")
    reply = submit(token, [mileage])
    assert fields_of(reply) == [{"field": "lines[0].gross", "code": "gross_computed", "amount": "3.00"}]


# --- the upload check: right after the browser posted the file -----------------------------------


def test_an_upload_is_checked_by_its_bytes_right_away(fresh_tables):
    token = invite()["token"]
    good = upload(token)
    reply = call("GET", f"/claims/uploads/{good}", token=token)
    assert reply.status == 200 and reply.body == {"upload": good, "content_type": "application/pdf", "size": len(PDF)}

    renamed = upload(token, b"Taxi 12,50 EUR\n", "application/pdf")  # a .txt renamed .pdf
    reply = call("GET", f"/claims/uploads/{renamed}", token=token)
    assert reply.status == 422 and reply.body["error"]["code"] == "receipt_invalid"
    assert reply.body["error"]["fields"] == [{"field": "receipt", "code": "receipt_type"}]

    png = upload(token, PNG, "application/pdf")
    reply = call("GET", f"/claims/uploads/{png}", token=token)
    assert reply.body["error"]["fields"] == [{"field": "receipt", "code": "receipt_type_mismatch",
                                              "declared": "application/pdf", "content": "image/png"}]
    assert call("GET", f"/claims/uploads/{upload(token, PNG, 'image/png')}", token=token).status == 200


def test_an_upload_of_another_invite_or_none_is_not_found(fresh_tables):
    mine, theirs = invite()["token"], invite(name="Ben Brush")["token"]
    their_upload = upload(theirs)
    for path in (f"/claims/uploads/{their_upload}", "/claims/uploads/" + "a" * 32, "/claims/uploads/..%2F..%2Fclaims"):
        reply = call("GET", path, token=mine)
        assert reply.status == 404 and reply.body["error"]["code"] == "receipt_missing", (path, reply.body)
        assert reply.body["error"]["fields"] == [{"field": "receipt", "code": "receipt_missing"}]
    assert call("GET", f"/claims/uploads/{their_upload}").status == 401  # no invite: nobody


def test_a_filed_claim_answers_with_its_reference_lines_and_total(fresh_tables):
    token = invite()["token"]
    reply = submit(token, [line(upload(token)), line(None, category="local-transport", gross="12.00", vat="0")])
    assert reply.status == 201
    body = reply.body
    assert body["status"] == "submitted" and len(body["id"]) == 24
    assert body["total"] == "101.90" and body["iban"] == "DE89 •••• 3000" and IBAN_A not in reply.text
    assert [(item["category"], item["gross"]) for item in body["lines"]] == [("travel", "89.90"), ("local-transport", "12.00")]
    again = submit(token, [line(upload(token))], key=None)  # another claim, another reference
    assert again.body["id"] != body["id"]


# --- pure --------------------------------------------------------------------------------------------


def test_field_paths_and_codes_of_validation_errors():
    assert field_path(("body", "lines", 2, "route", "from")) == "lines[2].route.from"
    assert field_path(("body",)) == "body" and field_path(("query", "status")) == "query.status"
    errors = [
        {"type": "missing", "loc": ("body", "payee", "iban"), "msg": "Field required", "input": {}},
        {"type": "missing", "loc": ("body", "payee", "iban"), "msg": "Field required", "input": {}},
        {"type": "string_too_long", "loc": ("body", "note"), "msg": "…", "ctx": {"max_length": 500}, "input": "x" * 501},
        {"type": "json_invalid", "loc": ("body", 12), "msg": "JSON", "ctx": {"error": "EOF"}},
        {"type": "int_parsing", "loc": ("query", "limit"), "msg": "…", "input": "ten"},
    ]
    assert validation_fields(errors) == [
        {"field": "payee.iban", "code": "required"}, {"field": "note", "code": "too_long", "max": "500"},
        {"field": "body", "code": "malformed_json"}, {"field": "query.limit", "code": "wrong_type"}]
