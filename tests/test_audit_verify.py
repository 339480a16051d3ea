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
        self.tokens: dict[str, str] = {}  # claim id -> the invite token that filed it
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
        claim_id = self.call("POST", "/claims", {"payee": payee(), "lines": [line(form["upload"])]},
                             headers={**invited, "idempotency-key": uuid.uuid4().hex})["id"]
        self.tokens[claim_id] = token
        return claim_id

    def ask(self, claim_id: str) -> None:
        self.call("POST", f"/claims/{claim_id}/decision", {"action": "ask", "expected": "submitted",
                                                          "question": "Which train?"}, user="fiona", roles="employee,finance")

    def entry(self, claim_id: str, seq: int) -> dict:
        key = {"pk": {"S": f"CLAIM#{claim_id}"}, "sk": {"S": f"AUDIT#{seq:08d}"}}
        return self.dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]

    def put(self, item: dict) -> None:
        self.dynamodb.put_item(TableName=TABLE, Item=item)

    def delete(self, item: dict) -> None:
        self.dynamodb.delete_item(TableName=TABLE, Key={"pk": item["pk"], "sk": item["sk"]})


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Five claims: one submitted (1 entry), two approved in one bulk approval and put in a payment run (3 entries
    each), one asked about and corrected (3 entries), one asked about and withdrawn (3 entries)."""
    server = ServeProcess(tmp_path_factory.mktemp("audit-site"))
    try:
        stack = Stack(server)
        stack.claims = [stack.file_claim() for _ in range(3)]
        approved = stack.call("POST", "/claims/decisions", {"action": "approve", "claims": [
            {"id": claim_id, "expected": "submitted", "confirm_flags": True}  # the same test receipt each time
            for claim_id in stack.claims[1:]]}, user="fiona", roles="employee,finance")["results"]
        assert all(result["ok"] for result in approved), approved
        run = stack.call("POST", "/payment-runs", user="felix", roles="employee,finance")  # four eyes: not the approver
        assert set(run["claims"]) == set(stack.claims[1:]), run
        stack.corrected, stack.withdrawn = stack.file_claim(), stack.file_claim()
        for claim_id in (stack.corrected, stack.withdrawn):
            stack.ask(claim_id)
        invited = {"x-invite-token": stack.tokens[stack.corrected], "idempotency-key": uuid.uuid4().hex}
        stack.call("PUT", f"/claims/{stack.corrected}", {"payee": payee(), "answer": "The 8:15 one",
                                                         "lines": [line(None, category="local-transport", gross="9.00", vat="0")]},
                   headers=invited)
        stack.call("POST", f"/claims/{stack.withdrawn}/withdraw", headers={"x-invite-token": stack.tokens[stack.withdrawn]})
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
    assert result.output.strip() == "verified 5 claims, 13 entries"


def test_a_rewritten_entry_is_a_hash_mismatch(stack, tamper):
    claim_id = stack.claims[1]
    entry = tamper(stack.entry(claim_id, 2))
    stack.put({**entry, "role": {"S": "influencer"}})  # who decided, rewritten in the table
    result = verify(stack)
    assert result.exit_code == 1
    assert f"claim {claim_id}: entry 2: hash mismatch" in result.output
    assert "1 of 5 claims have a broken audit trail" in result.output


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


@pytest.mark.parametrize(("which", "seq", "changes", "named", "why"), [
    ("withdrawn", 3, {"from": "approved"}, 3, "approved -> withdrawn is no legal transition"),
    ("corrected", 3, {"role": "finance"}, 3, "needs_info -> submitted taken by finance, not by influencer"),
    ("withdrawn", 2, {"to": "approved"}, 3,  # a legal step itself, but the withdrawal after it is not
     "needs_info -> withdrawn does not follow the step before (the claim was approved)"),
])
def test_an_illegal_step_with_an_intact_chain_is_named(stack, tamper, which, seq, changes, named, why):
    """A forger who rewrites an entry and every hash after it, and the claim's chain head, keeps the chain intact:
    the step itself is still checked against the claims' status machine."""
    claim_id = getattr(stack, which)
    shown = stack.call("GET", f"/claims/{claim_id}", user="fiona", roles="employee,finance")["audit"]
    items = [tamper(stack.entry(claim_id, entry["seq"])) for entry in shown]
    claim_key = {"pk": {"S": f"CLAIM#{claim_id}"}, "sk": {"S": "CLAIM"}}
    tamper(stack.dynamodb.get_item(TableName=TABLE, Key=claim_key, ConsistentRead=True)["Item"])
    prev = shown[seq - 2]["hash"] if seq > 1 else None
    for entry, item in list(zip(shown, items))[seq - 1:]:
        forged = {key: value for key, value in {**entry, **(changes if entry["seq"] == seq else {}), "prev": prev}.items()
                  if value is not None}
        forged["hash"] = entry_hash(claim_id, forged)
        stack.put({**item, **{key: {"S": forged[key]} for key in ("from", "to", "role", "prev", "hash") if key in forged}})
        prev = forged["hash"]
    stack.dynamodb.update_item(TableName=TABLE, Key=claim_key, UpdateExpression="SET audit_head = :head",
                               ExpressionAttributeValues={":head": {"S": prev}})
    result = verify(stack)
    assert result.exit_code == 1
    assert [row for row in result.output.splitlines() if row.startswith("claim ")] == [
        f"claim {claim_id}: entry {named}: illegal transition ({why})"]


def test_without_the_finance_role_it_says_why_and_exits_1(stack):
    result = verify(stack, roles=("employee",))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "HTTP 403" in result.output
