"""Priced lines against the moto server: mileage, per-diem and foreign-currency receipts are priced by the
function (never by the client), stored with what priced them, shown to finance, and a converted line's
rate must be confirmed before approval."""

from __future__ import annotations

from datetime import date, timedelta

from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, call, invite, submit, upload

DAY = date.today() - timedelta(days=10)


def mileage(**changes) -> dict:
    return {"date": DAY.isoformat(), "category": "mileage", "description": "Drive to the fair", "currency": "EUR",
            "distance": "123.4", "route": {"from": "Berlin", "to": "Leipzig"}, **changes}


def per_diem(first: date = DAY, last: date = DAY + timedelta(days=2), **changes) -> dict:
    return {"date": first.isoformat(), "until": last.isoformat(), "category": "per-diem", "description": "Fair days",
            "currency": "EUR", **changes}


def foreign(receipt: str, **changes) -> dict:
    return {"date": DAY.isoformat(), "category": "meals", "description": "Dinner in Zurich", "currency": "CHF",
            "original_amount": "50.00", "rate": "1.0685", "receipt": receipt, **changes}


def detail(claim_id: str) -> dict:
    reply = call("GET", f"/claims/{claim_id}", claims=FINANCE)
    assert reply.status == 200, reply.body
    return reply.body


def test_each_kind_is_priced_by_the_function_and_finance_sees_how(fresh_tables):
    token = invite()["token"]
    reply = submit(token, [mileage(), per_diem(), per_diem(DAY + timedelta(days=5), DAY + timedelta(days=5), hours="9.5"),
                           foreign(upload(token))])
    assert reply.status == 201, reply.body
    claim = detail(reply.body["id"])
    assert [line["gross"] for line in claim["lines"]] == ["37.02", "56.00", "14.00", "53.43"]
    assert claim["total"] == "160.45" and all(line["currency"] == "EUR" for line in claim["lines"])
    drive, trip, day, dinner = claim["lines"]
    assert drive["kind"] == "mileage" and drive["distance"] == "123.4" and drive["km_rate"] == "0.30"
    assert drive["route"] == {"from": "Berlin", "to": "Leipzig"} and drive["receipt"] is False
    assert (trip["kind"], trip["full_days"], trip["partial_days"], trip["country"]) == ("per_diem", 1, 2, "DE")
    assert day["hours"] == "9.5" and day["partial_days"] == 1
    assert (dinner["original_currency"], dinner["original_amount"], dinner["rate"]) == ("CHF", "50.00", "1.0685")
    assert {"line": 3, "kind": "rate", "currency": "CHF", "original": "50.00", "rate": "1.0685", "gross": "53.43"}.items() \
        <= next(flag for flag in claim["flags"] if flag["kind"] == "rate").items()
    mine = call("GET", "/claims/mine", token=token).body["claims"][0]
    assert mine["lines"][3]["original_amount"] == "50.00"  # the influencer sees the conversion too


def test_a_client_amount_is_never_trusted_and_a_refused_claim_writes_nothing(fresh_tables):
    token = invite()["token"]
    before = table_items(fresh_tables)
    reply = submit(token, [mileage(gross="99.00"), per_diem(hours="10")])
    assert reply.status == 400
    message = reply.body["error"]["message"]
    assert "lines[0].gross: is computed by the server as 37.02 EUR, not 99.00: leave it out" in message
    assert "lines[1].hours: only for a single travel day" in message
    assert table_items(fresh_tables) == before


def test_per_diem_days_overlapping_another_claim_of_the_invite_are_refused(fresh_tables):
    token = invite()["token"]
    assert submit(token, [per_diem()]).status == 201
    reply = submit(token, [per_diem(DAY + timedelta(days=2), DAY + timedelta(days=3))])
    assert reply.status == 400
    assert "overlap a per-diem of another claim of this invite" in reply.body["error"]["message"]
    assert submit(token, [per_diem(DAY + timedelta(days=3), DAY + timedelta(days=4))]).status == 201


def test_a_converted_rate_must_be_confirmed_before_approval(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token, [foreign(upload(token))]).body["id"]
    refused = call("POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted"}, claims=FINANCE)
    assert refused.status == 409 and refused.body["error"]["code"] == "confirm_duplicates"
    assert "currency rate to check" in refused.body["error"]["message"]
    approved = call("POST", f"/claims/{claim_id}/decision",
                    {"action": "approve", "expected": "submitted", "confirm_duplicates": True}, claims=FINANCE)
    assert approved.status == 200 and approved.body["status"] == "approved"


def test_the_invite_shows_the_kinds_the_form_needs(fresh_tables):
    policy = call("GET", "/claims/invite", token=invite()["token"]).body["policy"]
    kinds = {category["key"]: category for category in policy["categories"]}
    assert kinds["mileage"]["kind"] == "mileage" and kinds["mileage"]["rate"] == "0.30"
    assert kinds["per-diem"]["kind"] == "per_diem" and policy["per_diem"]["DE"] == {"full": "28.00", "partial": "14.00"}
    assert "USD" in policy["receipt_currencies"]
