"""Invites by e-mail (#20): SES sends the link in the invite's language; a failed mail leaves the invite and says
so; the address is never stored nor logged. The invite list names who created each invite and counts its claims
by status, without amounts. Through the real handler against moto (SES included), as the other function tests."""

from __future__ import annotations

import json
import os
import uuid

import boto3

from site_builder.local.aws import ACCOUNT, REGION
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS, FINANCE, SENSITIVE, call, invite, line, submit


def sent_mails() -> list[dict]:
    """The messages moto's SES took (its server runs in this process; its /moto-api/data.json, which dumps every
    service's data, grew past a 10 s timeout as the session's receipts piled up): destinations, source, subject,
    body."""
    from moto.ses.models import Message, ses_backends

    return [vars(message) for message in ses_backends[ACCOUNT][REGION].sent_messages if isinstance(message, Message)]


def mails_to(address: str) -> list[dict]:
    return [mail for mail in sent_mails() if address in json.dumps(mail["destinations"])]


def table_text(aws_resources) -> str:
    """Every item of every table of the stack, as text (a test may read whole tables; the functions never do)."""
    dynamodb = boto3.client("dynamodb")
    return json.dumps([page["Items"] for name in aws_resources.tables.values()
                       for page in dynamodb.get_paginator("scan").paginate(TableName=name)])


def mailed_invite(language: str, **changes) -> tuple[str, dict]:
    address = f"guest-{uuid.uuid4().hex[:8]}@example.org"
    SENSITIVE.add(address)
    reply = call("POST", "/invites", {"name": "Lena Lettering", "email": address, "send_email": True,
                                      "campaign": "fair-2026", "days": 30, "language": language, **changes}, claims=COMMS)
    assert reply.status == 201, reply.body
    SENSITIVE.add(reply.body["token"])
    return address, reply.body


def test_the_invite_is_mailed_in_its_language_with_its_link(fresh_tables):
    expected = {"de": ("Deine Einladung: Auslagen für Herbstmesse abrechnen", "Hallo Lena Lettering"),
                "en": ("Your invitation: claim your expenses for Autumn fair", "Hello Lena Lettering"),
                "fr": ("Votre invitation : déclarez vos frais pour Autumn fair", "Bonjour Lena Lettering")}
    for language, (subject, greeting) in expected.items():
        address, created = mailed_invite(language)
        assert created["mail"] == "sent"
        [mail] = mails_to(address)
        assert mail["destinations"]["ToAddresses"] == [address]
        assert mail["source"] == os.environ["INVITE_EMAIL_FROM"]
        assert mail["subject"] == subject  # the campaign's name in that language (French has none: English)
        assert mail["body"].startswith(greeting) and created["link"] in mail["body"]
        assert "{" not in mail["body"] and "{" not in mail["subject"]
    assert created["link"].endswith(f"/fr/claim/#invite={created['token']}")


def test_only_a_ticked_invite_is_mailed_and_ticking_needs_an_address(fresh_tables):
    before = len(sent_mails())
    plain = invite()  # an address, not ticked: nothing is sent
    assert plain["mail"] == "not_requested"
    without_address = call("POST", "/invites", {"name": "Lena", "campaign": "fair-2026"}, claims=COMMS)
    assert without_address.status == 201 and without_address.body["mail"] == "not_requested"
    SENSITIVE.add(without_address.body["token"])
    refused = call("POST", "/invites", {"name": "Lena", "send_email": True, "campaign": "fair-2026"}, claims=COMMS)
    assert refused.status == 400 and "email" in json.dumps(refused.body["error"]), refused.body
    for value in ("yes", 1, None):
        wrong = call("POST", "/invites", {"name": "Lena", "email": "lena@example.org", "send_email": value,
                                          "campaign": "fair-2026"}, claims=COMMS)
        assert wrong.status in (400, 422) and "send_email" in json.dumps(wrong.body["error"]), (value, wrong.body)
    assert len(sent_mails()) == before
    assert len(call("GET", "/invites", claims=COMMS).body["invites"]) == 2  # the refused ones stored nothing


def test_when_ses_refuses_the_invite_exists_and_the_answer_says_the_mail_failed(fresh_tables, monkeypatch):
    monkeypatch.setenv("INVITE_EMAIL_FROM", "not-verified@elsewhere.example")  # SES refuses unverified senders
    address, created = mailed_invite("en")
    assert created["mail"] == "failed"
    assert mails_to(address) == []
    assert call("GET", "/claims/invite", token=created["token"]).body["name"] == "Lena Lettering"  # the link works
    listed = call("GET", "/invites", claims=COMMS).body["invites"]
    assert [item["id"] for item in listed] == [created["id"]] and listed[0]["state"] == "active"
    monkeypatch.setenv("INVITE_EMAIL_FROM", "")  # no sender configured: not sent either, and said so
    address, created = mailed_invite("de")
    assert created["mail"] == "failed" and mails_to(address) == []


def test_the_address_is_neither_stored_nor_answered(fresh_tables, aws_resources):
    address, created = mailed_invite("de")
    plain = invite()
    assert created["mail"] == "sent"
    stored = table_text(aws_resources)
    assert created["id"] in stored and plain["id"] in stored  # the invites are there…
    assert address not in stored and "@example.org" not in stored  # …without any address
    listed = call("GET", "/invites", claims=COMMS).body["invites"]
    assert "@" not in json.dumps(listed) and "@" not in json.dumps(created)
    # the logs: no_personal_data_in_logs checks every record for the address and the token


def test_the_list_names_the_creator_and_counts_claims_by_status_without_amounts(fresh_tables):
    named = {**COMMS, "name": "Carla Comms"}
    used = invite(claims=named)
    unused = invite()  # a token without a name claim: nobody to name
    first = submit(used["token"], [line(None, category="local-transport", gross="5.00", vat="0")]).body["id"]
    submit(used["token"], [line(None, category="local-transport", gross="7.00", vat="0")])
    decided = call("POST", f"/claims/{first}/decision", {"action": "reject", "expected": "submitted", "reason": "no"},
                   claims=FINANCE)
    assert decided.status == 200, decided.body
    listed = {item["id"]: item for item in call("GET", "/invites", claims=COMMS).body["invites"]}
    assert listed[used["id"]]["created_by_name"] == "Carla Comms"
    assert listed[unused["id"]]["created_by_name"] is None
    assert listed[used["id"]]["claims"] == {"count": 2, "statuses": {"submitted": 1, "rejected": 1}}
    assert listed[unused["id"]]["claims"] == {"count": 0, "statuses": {}}
    text = json.dumps(listed)
    assert "5.00" not in text and "7.00" not in text and "total" not in text  # no amounts
