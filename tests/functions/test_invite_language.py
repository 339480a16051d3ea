"""Invites carry the language of the claim page they open; lists page exactly (no empty last page);
finance's list names who decided. Through boto3 against moto, as the other function tests."""

from __future__ import annotations

import os

import boto3

from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import COMMS, FINANCE, call, invite, line, submit


def test_an_invite_keeps_its_language_and_links_to_that_claim_page(fresh_tables):
    site = os.environ["SITE_URL"].rstrip("/")  # the site the function publishes for (and reads campaigns from)
    english = invite(language="en")
    german = invite(language="de")
    default = invite()
    assert english["language"] == "en" and english["link"] == f"{site}/en/claim/#invite={english['token']}"
    assert german["language"] == "de" and german["link"] == f"{site}/claim/#invite={german['token']}"
    assert default["language"] == "de" and "/en/" not in default["link"]
    french = invite(language="fr")  # a further interface language is allowed by configuration (INTERFACE_LANGUAGES)
    assert french["language"] == "fr" and french["link"] == f"{site}/fr/claim/#invite={french['token']}"
    assert call("GET", "/claims/invite", token=french["token"]).body["language"] == "fr"
    listed = {item["id"]: item["language"] for item in call("GET", "/invites", claims=COMMS).body["invites"]}
    assert listed == {english["id"]: "en", german["id"]: "de", default["id"]: "de", french["id"]: "fr"}
    # the claim page reads it with the influencer's token
    assert call("GET", "/claims/invite", token=english["token"]).body["language"] == "en"
    assert call("GET", "/claims/invite", token=german["token"]).body["language"] == "de"


def test_a_language_other_than_the_interface_languages_is_refused_naming_the_field(fresh_tables):
    for value in ("pl", "EN", "", 1, None):
        reply = call("POST", "/invites", {"name": "Lena", "email": "lena@example.org", "campaign": "fair-2026",
                                          "days": 30, "language": value}, claims=COMMS)
        assert reply.status in (400, 422), (value, reply.body)
        assert "language" in str(reply.body["error"]), reply.body
    assert call("GET", "/invites", claims=COMMS).body["invites"] == []  # nothing stored


def test_invites_from_before_the_choice_count_as_german(fresh_tables, aws_resources):
    made = invite()
    boto3.client("dynamodb").update_item(
        TableName=aws_resources.tables["AppTable"], Key={"pk": {"S": f"INVITE#{made['id']}"}, "sk": {"S": "INVITE"}},
        UpdateExpression="REMOVE #l", ExpressionAttributeNames={"#l": "language"})
    assert call("GET", "/invites", claims=COMMS).body["invites"][0]["language"] == "de"
    assert call("GET", "/claims/invite", token=made["token"]).body["language"] == "de"


def pages(path: str, key: str, limit: int, query: str = "") -> list[list[str]]:
    """Every page of a list at `limit` per page, as ids; follows `next` until there is none."""
    reply = call("GET", path, claims=FINANCE if path == "/claims" else COMMS, query=f"{query}limit={limit}")
    assert reply.status == 200, reply.body
    found = [[row["id"] for row in reply.body[key]]]
    while reply.body["next"]:
        reply = call("GET", path, claims=FINANCE if path == "/claims" else COMMS,
                     query=f"{query}limit={limit}&cursor={reply.body['next']}")
        found.append([row["id"] for row in reply.body[key]])
    return found


def test_invites_page_by_limit_and_the_last_page_has_no_next(fresh_tables):
    ids = [invite(name=f"Person {n}")["id"] for n in range(4)]
    newest_first = ids[::-1]
    assert pages("/invites", "invites", 2) == [newest_first[:2], newest_first[2:]]  # no empty third page
    assert pages("/invites", "invites", 3) == [newest_first[:3], newest_first[3:]]
    assert pages("/invites", "invites", 4) == [newest_first]
    assert pages("/invites", "invites", 50) == [newest_first]
    assert call("GET", "/invites", claims=COMMS, query="limit=0").status in (400, 422)
    assert call("GET", "/invites", claims=COMMS, query="limit=101").status in (400, 422)


def test_claims_page_by_limit_and_the_last_page_has_no_next(fresh_tables):
    token = invite()["token"]
    ids = [submit(token, [line(None, category="local-transport", gross=f"{n}.00", vat="0")]).body["id"]
           for n in range(1, 5)]
    newest_first = ids[::-1]
    assert pages("/claims", "claims", 2, "status=submitted&") == [newest_first[:2], newest_first[2:]]
    assert pages("/claims", "claims", 3, "status=submitted&") == [newest_first[:3], newest_first[3:]]
    assert pages("/claims", "claims", 4, "status=submitted&") == [newest_first]


def test_the_finance_list_names_who_decided(fresh_tables):
    token = invite()["token"]
    claim = submit(token, [line(None, category="local-transport", gross="5.00", vat="0")]).body["id"]
    named = {**FINANCE, "name": "Finn Finance"}
    assert call("GET", "/claims", claims=FINANCE).body["claims"][0]["decided_by"] is None
    reply = call("POST", f"/claims/{claim}/decision", {"action": "reject", "expected": "submitted", "reason": "no"},
                 claims=named)
    assert reply.status == 200, reply.body
    row = call("GET", "/claims", claims=FINANCE, query="status=rejected").body["claims"][0]
    assert row["id"] == claim and row["decided_by"] == "Finn Finance"
