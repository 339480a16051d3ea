"""`sharewall audit verify` against a real `sharewall serve`: intact trails pass; an entry rewritten or deleted
in the local stack's table (moto) is found and named, through the API alone."""

from __future__ import annotations

import json
import re
import uuid

import boto3
import pytest
import requests
from click.testing import CliRunner

from sharewall_common.auditchain import entry_hash
from site_builder.cli import main
from site_builder.local.devauth import ROLES_HEADER, USER_HEADER, dev_token
from tests.functions.claims_client import PDF, line, payee
from tests.local_serve import ServeProcess, request

TABLE = "AppTable"  # the local stack names tables by their logical id in template.yaml
CAMPAIGN = "creator-programme"  # content/campaigns.yml: reimbursed and running until 2030


class Stack:
    """A `sharewall serve` of this module's own (its data is tampered with) and its moto server."""

    def __init__(self, server: ServeProcess):
        self.server, self.api = server, server.url + "api"
        # the functions' AWS endpoint is the moto server the CSP lets the claim page upload to
        _, headers, _ = request(server.url + "claim/")
        origins = re.findall(r"http://127\.0\.0\.1:\d+", headers["Content-Security-Policy"])
        endpoint = next(origin for origin in origins if not server.url.startswith(origin + "/"))
        self.dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-central-1",
                                     aws_access_key_id="testing", aws_secret_access_key="testing")

    def call(self, method: str, path: str, body: dict | None = None, *, user: str = "", roles: str = "",
             headers: dict | None = None) -> dict:
        sent = {**({USER_HEADER: user, ROLES_HEADER: roles} if user else {}), **(headers or {})}
        status, _, data = request(f"{self.api}{path}", method, body, sent)
        assert status in (200, 201), (path, status, data)
        return json.loads(data)

    def file_claim(self) -> str:
        """An invite (comms), a receipt upload and a claim (the influencer): the claim's id."""
        token = self.call("POST", "/invites", {"name": "Ida Influencer", "email": "ida@example.org",
                                               "campaign": CAMPAIGN, "days": 30}, user="cora", roles="employee,comms")["token"]
        invited = {"x-invite-token": token}
        form = self.call("POST", "/claims/uploads", {"filename": "r.pdf", "content_type": "application/pdf",
                                                     "size": len(PDF)}, headers=invited)
        posted = requests.post(form["url"], data=form["fields"], files={"file": ("r.pdf", PDF, "application/pdf")},
                               timeout=10)
        assert posted.status_code in (200, 204), posted.text
        return self.call("POST", "/claims", {"payee": payee(), "lines": [line(form["upload"])]},
                         headers={**invited, "idempotency-key": uuid.uuid4().hex})["id"]

    def entry(self, claim_id: str, seq: int) -> dict:
        key = {"pk": {"S": f"CLAIM#{claim_id}"}, "sk": {"S": f"AUDIT#{seq:08d}"}}
        return self.dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]

    def put(self, item: dict) -> None:
        self.dynamodb.put_item(TableName=TABLE, Item=item)

    def delete(self, item: dict) -> None:
        self.dynamodb.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Three claims: one submitted (1 entry), two approved and put in a payment run (3 entries each)."""
    server = ServeProcess(tmp_path_factory.mktemp("audit-site"))
    try:
        stack = Stack(server)
        stack.claims = [stack.file_claim() for _ in range(3)]
        for claim_id in stack.claims[1:]:
            stack.call("POST", f"/claims/{claim_id}/decision", {"action": "approve", "expected": "submitted",
                                                              "confirm_duplicates": True},  # the same test receipt each time
                       user="fiona", roles="employee,finance")
        run = stack.call("POST", "/payment-runs", user="felix", roles="employee,finance")  # four eyes: not the approver
        assert set(run["claims"]) == set(stack.claims[1:]), run
        yield stack
    finally:
        server.stop()


def verify(stack: Stack, roles: tuple[str, ...] = ("employee", "finance")):
    env = {"SHAREWALL_TOKEN": dev_token("audra-auditor", list(roles))}
    return CliRunner().invoke(main, ["audit", "verify", "--api", stack.api], env=env)


@pytest.fixture
def tamper(stack):
    """Change items in the stack's table for one test; put back afterwards, so each test sees only its own change."""
    saved: list[dict] = []

    def keep(item: dict) -> dict:
        saved.append(json.loads(json.dumps(item)))
        return item

    yield keep
    for item in saved:
        stack.put(item)


def test_intact_trails_verify(stack):
    result = verify(stack)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "verified 3 claims, 7 entries"


def test_a_rewritten_entry_is_a_hash_mismatch(stack, tamper):
    claim_id = stack.claims[1]
    entry = tamper(stack.entry(claim_id, 2))
    stack.put({**entry, "role": {"S": "influencer"}})  # who decided, rewritten in the table
    result = verify(stack)
    assert result.exit_code == 1
    assert f"claim {claim_id}: entry 2: hash mismatch" in result.output
    assert "1 of 3 claims have a broken audit trail" in result.output


def test_a_rewrite_with_a_recomputed_hash_breaks_the_next_link(stack, tamper):
    claim_id = stack.claims[2]
    item = tamper(stack.entry(claim_id, 1))
    shown = stack.call("GET", f"/claims/{claim_id}", user="fiona", roles="employee,finance")["audit"][0]
    forged = {**shown, "actor": "invite:someone-else"}  # a forger who knows the hash recomputes it
    stack.put({**item, "actor": {"S": forged["actor"]}, "hash": {"S": entry_hash(claim_id, forged)}})
    result = verify(stack)
    assert result.exit_code == 1
    assert f"claim {claim_id}: entry 2: prev does not match the hash of entry 1" in result.output


def test_a_deleted_middle_entry_is_missing(stack, tamper):
    claim_id = stack.claims[2]
    stack.delete(tamper(stack.entry(claim_id, 2)))
    result = verify(stack)
    assert result.exit_code == 1
    assert f"claim {claim_id}: entry 2: missing entry (the next one on record is entry 3)" in result.output


def test_a_deleted_last_entry_no_longer_meets_the_claims_head(stack, tamper):
    claim_id = stack.claims[2]
    stack.delete(tamper(stack.entry(claim_id, 3)))
    result = verify(stack)
    assert result.exit_code == 1
    assert f"claim {claim_id}: entry 3: missing entry (the claim's chain head is entry 3)" in result.output
    assert [row for row in result.output.splitlines() if row.startswith("claim ")] == [
        f"claim {claim_id}: entry 3: missing entry (the claim's chain head is entry 3)"]  # the others are intact


def test_without_the_finance_role_it_says_why_and_exits_1(stack):
    result = verify(stack, roles=("employee",))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "HTTP 403" in result.output
