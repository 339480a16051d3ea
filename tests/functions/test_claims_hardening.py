"""The claims function against the moto server: the policy the build published, payment runs a planted
claim cannot break, receipts as attachments, limits across an invite's claims, four eyes, strict booleans."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import boto3
import pytest
import requests

from site_builder.local.aws import table_items
from site_builder.local.server import serve_directory
from site_builder.plugin import build_site
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import (
    COMMS, COMMS_AND_FINANCE, FINANCE, _reply, call, invite, line, payee, submit, upload,
)
from tests.functions.invoke import in_containers
from tests.test_plugin import NOW, make_project, post

SEPA = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
ROOT = Path(__file__).resolve().parents[2]


def tables(resources) -> dict:
    return table_items(resources)


def decide(claim_id: str, action: str, expected: str, claims=FINANCE, **extra):
    return call("POST", f"/claims/{claim_id}/decision", {"action": action, "expected": expected, **extra}, claims=claims)


def fresh_policy(monkeypatch, fetch=None):
    """The claims function as a new container sees it: no copy of the policy at hand."""
    from claims import policy
    from sharewall_common.expenses import PUBLISHED_NAME, policy_from_published
    from sharewall_common.published import Published, read

    monkeypatch.setattr(policy, "published", Published(PUBLISHED_NAME, policy_from_published, service="claims",
                                                       fetch=fetch or read))


def transport(gross: str) -> dict:
    return line(None, category="local-transport", gross=gross, vat="0", description="Taxi")


def file(token: str, *lines: dict):
    return call("POST", "/claims", {"payee": payee(), "lines": list(lines)}, token=token, key=uuid.uuid4().hex)


# --- the policy the build published -----------------------------------------------------------


def test_the_function_enforces_the_policy_the_build_published(fresh_tables, monkeypatch, tmp_path):
    token = invite()["token"]
    assert submit(token).status == 201  # travel 89.90 under the merged policy's 600.00
    project = make_project(tmp_path, {"one-post": post("One Post", NOW)})
    merged = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")
    assert 'limit: "600.00"' in merged
    (project.parent / "content" / "expenses.yml").write_text(merged.replace('limit: "600.00"', 'limit: "50.00"'),
                                                             encoding="utf-8")
    site = build_site(project)
    published = json.loads((site / "sharewall" / "expenses.json").read_bytes())
    assert published["categories"]["travel"]["limit"] == "50.00"
    origin, server = serve_directory(site)
    try:
        monkeypatch.setenv("SITE_URL", origin)
        fresh_policy(monkeypatch)
        shown = call("GET", "/claims/invite", token=token).body["policy"]
        assert {"key": "travel", "limit": "50.00"}.items() <= next(c for c in shown["categories"] if c["key"] == "travel").items()
        lines = [line(upload(token))]  # the upload takes one of the invite's upload slots
        before = tables(fresh_tables)
        refused = submit(token, lines)
        assert refused.status == 400 and "over the limit of 50.00 EUR" in refused.body["error"]["message"]
        assert tables(fresh_tables) == before
    finally:
        server.shutdown()


def test_in_production_the_policy_is_read_from_the_site_bucket(fresh_tables, monkeypatch):
    from sharewall_common.expenses import published_policy

    bucket = fresh_tables.buckets["SiteBucket"]
    text = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8").replace('limit: "80.00"', 'limit: "7.00"')
    boto3.client("s3").put_object(Bucket=bucket, Key="sharewall/expenses.json", Body=published_policy(text))
    monkeypatch.setenv("SITE_BUCKET", bucket)
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:9/")  # nothing listens: only the bucket can answer
    fresh_policy(monkeypatch)
    shown = call("GET", "/claims/invite", token=invite()["token"]).body["policy"]
    assert next(c for c in shown["categories"] if c["key"] == "local-transport")["limit"] == "7.00"


def test_without_a_published_policy_claims_get_503_and_nothing_is_written(fresh_tables, monkeypatch):
    token = invite()["token"]
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:9/")
    fresh_policy(monkeypatch)
    before = tables(fresh_tables)
    reply = file(token, transport("12.00"))
    assert reply.status == 503 and reply.body["error"]["code"] == "policy_unavailable"
    assert call("GET", "/claims/invite", token=token).status == 503
    assert tables(fresh_tables) == before


def test_a_stale_policy_beats_none(fresh_tables, monkeypatch):
    from sharewall_common.expenses import published_policy

    site = {"up": True}
    data = published_policy((ROOT / "content" / "expenses.yml").read_text(encoding="utf-8"))

    def fetch(name):
        if not site["up"]:
            raise OSError("connection refused")
        return data

    fresh_policy(monkeypatch, fetch)
    from claims import policy

    token = invite()["token"]
    assert file(token, transport("12.00")).status == 201
    site["up"], policy.published._due = False, 0.0  # the copy is due for a refresh and the site is down
    assert file(token, transport("13.00")).status == 201


# --- SEPA exports -----------------------------------------------------------------------------


def test_a_planted_claim_cannot_break_the_payment_run_for_the_others(fresh_tables):
    good, planted = file(invite()["token"], transport("12.00")).body["id"], file(invite()["token"], transport("7.50")).body["id"]
    for claim_id in (good, planted):
        assert decide(claim_id, "approve", "submitted").status == 200
    boto3.client("dynamodb").update_item(  # as if written before the rules existed, or by hand
        TableName=fresh_tables.tables["AppTable"], Key={"pk": {"S": f"CLAIM#{planted}"}, "sk": {"S": "CLAIM"}},
        UpdateExpression="SET payee.holder = :bad", ExpressionAttributeValues={":bad": {"S": "Lena\uffff Lettering"}})
    run = call("POST", "/payment-runs", claims=COMMS_AND_FINANCE)  # four eyes: not by the approver
    assert run.status == 201, run.text
    assert [(item["claim"], item["field"]) for item in run.body["skipped"]] == [(planted, "payee.holder")]
    reply = call("GET", f"/payment-runs/{run.body['id']}/sepa.xml", claims=FINANCE)
    root = ElementTree.fromstring(reply.text.encode())
    assert [node.text for node in root.findall(".//p:PmtId/p:EndToEndId", SEPA)] == [f"{good}-{run.body['id'][-12:-2]}"]
    assert root.find(".//p:GrpHdr/p:CtrlSum", SEPA).text == "12.00"
    alone = call("POST", "/payment-runs", claims=COMMS_AND_FINANCE)  # only the planted one is left: a 422 saying why
    assert alone.status == 422 and alone.body["error"]["code"] == "nothing_to_pay"
    assert planted in alone.body["error"]["message"] and "payee.holder" in alone.body["error"]["message"]


# --- receipts ---------------------------------------------------------------------------------


def test_receipt_links_download_as_attachments(fresh_tables):
    token = invite()["token"]
    claim_id = submit(token).body["id"]
    url = call("GET", f"/claims/{claim_id}", claims=FINANCE).body["lines"][0]["receipt_url"]
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == [f'attachment; filename="receipt-{claim_id}-01.pdf"']
    assert query["response-content-type"] == ["application/pdf"]
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.headers["Content-Disposition"].startswith("attachment;")


# --- limits across an invite's claims ---------------------------------------------------------


def test_an_invites_claims_together_may_not_pass_a_limit_when_the_policy_refuses(fresh_tables):
    token = invite()["token"]  # local-transport: 80.00, across_claims: refuse (content/expenses.yml)
    first = file(token, transport("50.00"))
    assert first.status == 201
    before = tables(fresh_tables)
    refused = file(token, transport("30.01"))
    assert refused.status == 400 and "would total 80.01 EUR, over the limit of 80.00 EUR" in refused.body["error"]["message"]
    assert tables(fresh_tables) == before
    assert file(token, transport("30.00")).status == 201  # exactly the limit
    assert file(invite()["token"], transport("79.00")).status == 201  # another invite counts on its own
    assert decide(first.body["id"], "reject", "submitted", reason="duplicate").status == 200
    assert file(token, transport("50.00")).status == 201  # a rejected claim no longer counts


def test_concurrent_claims_of_one_invite_cannot_pass_a_limit_together(fresh_tables):
    import claims.app  # noqa: F401  (imported before forking, like a warm container)
    from tests.functions.claims_client import _forget_idempotency_cache

    token = invite()["token"]
    requests_ = [(("POST", "/claims", {"payee": payee(), "lines": [transport("30.00")]}),
                  {"token": token, "key": uuid.uuid4().hex}) for _ in range(4)]
    results = in_containers(_reply, requests_, prepare=_forget_idempotency_cache)
    assert sorted(status for status, _ in results) == [201, 201, 400, 400]  # 60.00 fits 80.00, 90.00 does not


def test_when_the_policy_flags_finance_sees_it_and_must_confirm(fresh_tables, monkeypatch):
    from sharewall_common.expenses import published_policy

    text = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8").replace("across_claims: refuse", "across_claims: flag")
    fresh_policy(monkeypatch, lambda name: published_policy(text))
    token = invite()["token"]
    first = file(token, transport("50.00")).body["id"]
    second = file(token, transport("40.00"), line(upload(token), category="meals", gross="10.00", vat="0"))
    assert second.status == 201
    flags = call("GET", f"/claims/{second.body['id']}", claims=FINANCE).body["flags"]
    assert [(flag["line"], flag["kind"], flag["total"], flag["limit"]) for flag in flags] == [(0, "limit", "90.00", "80.00")]
    assert call("GET", f"/claims/{first}", claims=FINANCE).body["flags"] == []
    assert decide(second.body["id"], "approve", "submitted").body["error"]["code"] == "confirm_duplicates"
    assert decide(second.body["id"], "approve", "submitted", confirm_duplicates=True).status == 200


# --- decisions --------------------------------------------------------------------------------


def test_whoever_approved_a_claim_may_not_mark_it_paid(fresh_tables):
    claim_id = file(invite()["token"], transport("12.00")).body["id"]
    assert decide(claim_id, "approve", "submitted").status == 200
    before = tables(fresh_tables)
    refused = decide(claim_id, "pay", "approved")
    assert refused.status == 403 and refused.body["error"]["code"] == "own_approval"
    assert "four eyes" in refused.body["error"]["message"]
    assert tables(fresh_tables) == before
    assert decide(claim_id, "pay", "approved", claims=COMMS_AND_FINANCE).status == 200


@pytest.mark.parametrize("value", ["yes", "true", 1])
def test_yes_is_not_true_in_a_decision(fresh_tables, value):
    claim_id = file(invite()["token"], transport("12.00")).body["id"]
    before = tables(fresh_tables)
    reply = decide(claim_id, "approve", "submitted", confirm_duplicates=value)
    assert reply.status == 400 and "confirm_duplicates" in reply.body["error"]["message"]
    assert tables(fresh_tables) == before


# --- control characters in every text field (#17) ------------------------------------------------------------

def _submitted(token: str, **changes):
    body = {"payee": payee(), "lines": [transport("5.00")], **changes}
    return call("POST", "/claims", body, token=token, key=uuid.uuid4().hex)


# (what is sent, the field the refusal names); every one of these changes nothing
TEXT_FIELDS = {
    "invite name": (lambda w: call("POST", "/invites", {"name": "Lena\x1b[2J", "email": "l@example.org",
                                                       "campaign": "fair-2026"}, claims=COMMS), "name"),
    "invite name, a line break": (lambda w: call("POST", "/invites", {"name": "Lena\nLettering", "email": "l@example.org",
                                                                     "campaign": "fair-2026"}, claims=COMMS), "name"),
    "invite e-mail": (lambda w: call("POST", "/invites", {"name": "Lena", "email": "l\x00@example.org",
                                                         "campaign": "fair-2026"}, claims=COMMS), "email"),
    "decision reason": (lambda w: decide(w["claim"], "reject", "submitted", reason="no\x07receipt"), "reason"),
    "decision reason, a tab": (lambda w: decide(w["claim"], "reject", "submitted", reason="no\treceipt"), "reason"),
    "decision reason, U+2028": (lambda w: decide(w["claim"], "reject", "submitted", reason="no\u2028receipt"), "reason"),
    "run cancel reason": (lambda w: call("POST", f"/payment-runs/{w['run']}/decision",
                                         {"action": "cancel", "reason": "wrong\x7fdate"}, claims=FINANCE),
                          "reason"),
    "line description": (lambda w: _submitted(w["token"], lines=[{**transport("5.00"), "description": "Bus\x00"}]),
                         "lines[0].description"),
    "line description, a line break": (lambda w: _submitted(w["token"], lines=[{**transport("5.00"),
                                                                                 "description": "Bus\nand train"}]),
                                       "lines[0].description"),
    "claim note": (lambda w: _submitted(w["token"], note="see\x1breceipt"), "note"),
    "upload file name": (lambda w: call("POST", "/claims/uploads", {"filename": "r\x00.pdf", "content_type": "application/pdf",
                                                                   "size": 10}, token=w["token"]), "filename"),
}


@pytest.fixture
def text_world(fresh_tables):
    """A submitted claim to decide on and a sealed run (of a claim someone else approved) to cancel."""
    token = invite()["token"]
    paid_later = file(token, transport("3.00")).body["id"]
    assert decide(paid_later, "approve", "submitted").status == 200
    run = call("POST", "/payment-runs", claims=COMMS_AND_FINANCE).body["id"]
    return {"token": token, "claim": file(token, transport("4.00")).body["id"], "run": run, "resources": fresh_tables}


@pytest.mark.parametrize("case", TEXT_FIELDS)
def test_control_characters_are_refused_in_every_text_field_with_their_code(text_world, case):
    send, field = TEXT_FIELDS[case]
    before = tables(text_world["resources"])
    reply = send(text_world)
    assert reply.status == 400, reply.body
    assert {"field": field, "code": "control_character"}.items() <= reply.body["error"]["fields"][0].items()
    assert tables(text_world["resources"]) == before


def test_multi_line_fields_keep_their_line_breaks(text_world):
    """Reasons and a claim's note are written in text areas: line breaks are text there, nothing else below U+0020."""
    reason = "Beleg fehlt.\r\nBitte neu einreichen."
    assert decide(text_world["claim"], "reject", "submitted", reason=reason).status == 200
    assert call("GET", f"/claims/{text_world['claim']}", claims=FINANCE).body["reason"] == reason
    filed = _submitted(text_world["token"], note="Hinfahrt\nRückfahrt")
    assert filed.status == 201, filed.body
    assert call("GET", f"/claims/{filed.body['id']}", claims=FINANCE).body["note"] == "Hinfahrt\nRückfahrt"
    cancelled = call("POST", f"/payment-runs/{text_world['run']}/decision",
                     {"action": "cancel", "reason": "Falsches Datum\nneuer Lauf folgt"}, claims=FINANCE)
    assert cancelled.status == 200 and cancelled.body["reason"] == "Falsches Datum\nneuer Lauf folgt"
