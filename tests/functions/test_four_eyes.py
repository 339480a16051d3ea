"""#17: four eyes on payment runs. Nobody who approved a claim of a run confirms it paid; by default nobody
puts a claim they approved into a run either, so the audit names three people (approver, run creator,
confirmer). PaymentRunCreatorMayApprove=true (a finance team of two) lets the creator be the approver,
never the confirmer."""

from __future__ import annotations

import pytest

from sharewall_common.clock import today as site_today
from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import call, invite, line, submit, upload

TODAY = site_today().isoformat()  # the site's day: the function refuses a later execution date
ANNA = {"sub": "anna-finance", "groups": ["employee", "finance"], "name": "Anna Approver"}
BERT = {"sub": "bert-finance", "groups": ["employee", "finance"], "name": "Bert Builder"}
CLEO = {"sub": "cleo-finance", "groups": ["employee", "finance"], "name": "Cleo Confirmer"}


def approved_by(approver: dict, count: int = 1) -> list[str]:
    """`count` claims filed through the API and approved by `approver`."""
    token = invite()["token"]
    ids = []
    for _ in range(count):
        claim_id = submit(token, [line(upload(token))]).body["id"]
        reply = call("POST", f"/claims/{claim_id}/decision",
                     {"action": "approve", "expected": "submitted", "confirm_duplicates": True}, claims=approver)
        assert reply.status == 200, reply.body
        ids.append(claim_id)
    return ids


def create_run(claims: dict):
    return call("POST", "/payment-runs", claims=claims)


def confirm(run_id: str, claims: dict):
    return call("POST", f"/payment-runs/{run_id}/decision", {"action": "paid", "executed": TODAY}, claims=claims)


def trail(claim_id: str) -> list[dict]:
    return call("GET", f"/claims/{claim_id}", claims=CLEO).body["audit"]


def test_the_approver_cannot_confirm_a_run_someone_else_created(fresh_tables):
    [claim_id] = approved_by(ANNA)
    run = create_run(BERT)
    assert run.status == 201 and run.body["claims"] == [claim_id]
    before = table_items(fresh_tables)
    reply = confirm(run.body["id"], ANNA)
    assert reply.status == 403 and reply.body["error"]["code"] == "own_approval"
    assert table_items(fresh_tables) == before  # refused: nothing changed
    assert confirm(run.body["id"], CLEO).status == 200
    steps = {entry["to"]: entry for entry in trail(claim_id)}
    people = [(steps[to]["actor"], steps[to]["name"]) for to in ("approved", "in_payment", "paid")]
    assert [name for _, name in people] == ["Anna Approver", "Bert Builder", "Cleo Confirmer"]
    assert len({actor for actor, _ in people}) == 3  # three different people in the audit


def test_by_default_the_approver_cannot_create_the_run_of_their_claims(fresh_tables):
    approved_by(ANNA, 2)
    before = table_items(fresh_tables)
    reply = create_run(ANNA)
    assert reply.status == 403 and reply.body["error"]["code"] == "own_approval"
    assert "four eyes" in reply.body["error"]["message"]
    assert table_items(fresh_tables) == before


def test_a_run_leaves_out_the_claims_its_creator_approved(fresh_tables):
    [own] = approved_by(ANNA)
    [other] = approved_by(BERT)
    run = create_run(ANNA)
    assert run.status == 201 and run.body["claims"] == [other]
    assert [(item["claim"], item["field"]) for item in run.body["skipped"]] == [(own, "approved_by")]
    assert call("GET", f"/claims/{own}", claims=CLEO).body["status"] == "approved"  # left for another person's run
    assert confirm(run.body["id"], BERT).status == 403  # Bert approved it
    assert confirm(run.body["id"], CLEO).status == 200


def test_a_finance_team_of_two_may_let_the_creator_be_the_approver_never_the_confirmer(fresh_tables, monkeypatch):
    monkeypatch.setenv("RUN_CREATOR_MAY_APPROVE", "true")
    [anna_s] = approved_by(ANNA)
    [bert_s] = approved_by(BERT)
    run = create_run(ANNA)
    assert run.status == 201 and sorted(run.body["claims"]) == sorted([anna_s, bert_s])
    assert confirm(run.body["id"], ANNA).body["error"]["code"] == "own_run"
    before = table_items(fresh_tables)
    reply = confirm(run.body["id"], BERT)  # Bert approved one of its claims: still never the confirmer
    assert reply.status == 403 and reply.body["error"]["code"] == "own_approval"
    assert table_items(fresh_tables) == before
    assert confirm(run.body["id"], CLEO).status == 200


def test_the_template_defaults_to_three_people(aws_resources):
    from site_builder.local.template import load_template

    template = load_template("template.yaml")
    assert template["Parameters"]["PaymentRunCreatorMayApprove"]["Default"] == "false"
    env = template["Resources"]["ClaimsFunction"]["Properties"]["Environment"]["Variables"]
    assert env["RUN_CREATOR_MAY_APPROVE"] == {"Ref": "PaymentRunCreatorMayApprove"}


def test_a_run_from_before_approvers_were_recorded_reads_them_from_its_claims(fresh_tables):
    """Claims approved before `approved_by` existed, in a run without `approvers`: the audit trail decides."""
    import boto3

    from claims import store

    [claim_id] = approved_by(ANNA)
    table, key = store.table(), {"pk": {"S": f"CLAIM#{claim_id}"}, "sk": {"S": "CLAIM"}}
    boto3.client("dynamodb").update_item(TableName=table, Key=key, UpdateExpression="REMOVE approved_by")
    run = create_run(BERT).body
    boto3.client("dynamodb").update_item(TableName=table, Key={"pk": {"S": f"RUN#{run['id']}"}, "sk": {"S": "RUN"}},
                                         UpdateExpression="REMOVE approvers")
    assert "approvers" not in store.get_run(run["id"])
    assert confirm(run["id"], ANNA).body["error"]["code"] == "own_approval"
    assert confirm(run["id"], CLEO).status == 200


def test_a_cancelled_run_is_no_approval(fresh_tables):
    """Whoever cancels a run puts its claims back to approved without approving them: they may pay them later."""
    [claim_id] = approved_by(ANNA)
    run = create_run(BERT).body
    assert call("POST", f"/payment-runs/{run['id']}/decision", {"action": "cancel", "reason": "wrong date"},
                claims=CLEO).status == 200
    again = create_run(CLEO)
    assert again.status == 201 and again.body["claims"] == [claim_id]
    assert confirm(again.body["id"], BERT).status == 200


@pytest.mark.parametrize("setting", ["false", "true"])
def test_the_audit_verifies_after_a_run_is_paid(fresh_tables, monkeypatch, setting):
    """`sharewall audit verify`'s check (site_builder.audit) over the API: every chain intact after the run."""
    from urllib.parse import urlsplit

    from site_builder.audit import verify

    monkeypatch.setenv("RUN_CREATOR_MAY_APPROVE", setting)
    ids = approved_by(ANNA, 2)
    run = create_run(BERT if setting == "false" else ANNA).body
    assert confirm(run["id"], CLEO).status == 200

    def fetch(path: str) -> dict:
        parts = urlsplit(path)
        reply = call("GET", parts.path, claims=CLEO, query=parts.query)
        assert reply.status == 200, reply.body
        return reply.body

    result = verify(fetch)
    assert result.broken == () and result.claims == 2 and result.entries == 2 * 4
    assert all(len({entry["actor"] for entry in trail(claim_id)[1:]}) == (3 if setting == "false" else 2) for claim_id in ids)
