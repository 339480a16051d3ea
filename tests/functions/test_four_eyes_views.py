"""#20: what finance's pages read to offer only the decisions the caller may take (four eyes): a run's
`you_approved` (the caller approved one of its claims, so may not confirm it paid) and a claim's
`you_approved` (the caller approved it, so may not mark it paid); only about the caller, never who else."""

from __future__ import annotations

from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import call
from tests.functions.test_four_eyes import ANNA, BERT, CLEO, approved_by, confirm, create_run


def run_row(run_id: str, caller: dict) -> dict:
    return next(run for run in call("GET", "/payment-runs", claims=caller).body["runs"] if run["id"] == run_id)


def test_the_run_list_tells_the_approver_and_nobody_else_that_they_approved_a_claim_of_it(fresh_tables):
    approved_by(ANNA)
    run_id = create_run(BERT).body["id"]
    anna, bert, cleo = (run_row(run_id, caller) for caller in (ANNA, BERT, CLEO))
    assert (anna["you_approved"], anna["own"]) == (True, False)
    assert (bert["you_approved"], bert["own"]) == (False, True)
    assert (cleo["you_approved"], cleo["own"]) == (False, False)
    assert "approvers" not in anna and "anna-finance" not in str(cleo)  # no one's identity beyond the caller's part
    assert confirm(run_id, ANNA).status == 403  # what the flag predicts, the API refuses
    assert confirm(run_id, CLEO).status == 200
    assert run_row(run_id, ANNA)["you_approved"] is False  # decided: nothing left to refuse


def test_a_claim_tells_its_approver_they_may_not_mark_it_paid(fresh_tables):
    [claim_id] = approved_by(ANNA)
    assert call("GET", f"/claims/{claim_id}", claims=ANNA).body["you_approved"] is True
    assert call("GET", f"/claims/{claim_id}", claims=CLEO).body["you_approved"] is False
    refused = call("POST", f"/claims/{claim_id}/decision", {"action": "pay", "expected": "approved"}, claims=ANNA)
    assert refused.status == 403 and refused.body["error"]["code"] == "own_approval"
