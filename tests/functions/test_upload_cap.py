"""#17: receipt upload slots per invite per day are capped (UploadsPerInviteDay), counted exactly, also when
requests arrive together; the one over the cap answers 429 `upload_limit` and changes nothing."""

from __future__ import annotations

from datetime import datetime

import boto3

from sharewall_common.clock import zone
from site_builder.local.aws import table_items
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import _reply, call, invite
from tests.functions.invoke import in_containers

FORM = {"filename": "receipt.pdf", "content_type": "application/pdf", "size": 1000}


def ask(token: str):
    return call("POST", "/claims/uploads", FORM, token=token)


def counter(resources, invite_id: str) -> dict:
    day = datetime.now(zone()).date().isoformat()
    return boto3.client("dynamodb").get_item(TableName=resources.tables["AppTable"], ConsistentRead=True,
                                             Key={"pk": {"S": f"INVITE#{invite_id}"}, "sk": {"S": f"UPLOADS#{day}"}})["Item"]


def test_the_upload_over_the_daily_cap_is_a_429_that_changes_nothing(fresh_tables, monkeypatch):
    monkeypatch.setenv("UPLOADS_PER_INVITE_DAY", "3")
    first, other = invite(), invite(name="Ben Brush")
    assert [ask(first["token"]).status for _ in range(3)] == [201, 201, 201]
    before = table_items(fresh_tables)
    refused = ask(first["token"])
    assert refused.status == 429
    assert refused.body["error"]["code"] == "upload_limit" and "tomorrow" in refused.body["error"]["message"]
    assert refused.body["error"]["fields"] == [{"field": "receipt", "code": "upload_limit", "max": "3"}]
    assert table_items(fresh_tables) == before  # the refusal counted nothing
    assert ask(other["token"]).status == 201  # per invite
    item = counter(fresh_tables, first["id"])
    assert item["count"] == {"N": "3"} and int(item["ttl"]["N"]) > datetime.now().timestamp() + 86_400 - 3600


def test_a_refused_request_takes_no_slot(fresh_tables, monkeypatch):
    """A form the function refuses (authorization, then validation) is counted nowhere."""
    monkeypatch.setenv("UPLOADS_PER_INVITE_DAY", "1")
    token = invite()["token"]
    assert call("POST", "/claims/uploads", {**FORM, "size": 11 * 1024 * 1024}, token=token).status == 400
    assert call("POST", "/claims/uploads", FORM, token=token[:-1] + ("A" if token[-1] != "A" else "B")).status == 401
    assert ask(token).status == 201
    assert ask(token).status == 429


def test_concurrent_uploads_are_counted_exactly(fresh_tables, monkeypatch):
    monkeypatch.setenv("UPLOADS_PER_INVITE_DAY", "4")
    created = invite()
    import claims.app  # noqa: F401  (imported before forking, like a warm container)

    request = (("POST", "/claims/uploads", FORM), {"token": created["token"]})
    results = in_containers(_reply, [request] * 7)
    assert sorted(status for status, _ in results) == [201] * 4 + [429] * 3
    assert counter(fresh_tables, created["id"])["count"] == {"N": "4"}


def test_the_template_sets_the_cap():
    from site_builder.local.template import load_template

    template = load_template("template.yaml")
    assert template["Parameters"]["UploadsPerInviteDay"]["Default"] == 60
    env = template["Resources"]["ClaimsFunction"]["Properties"]["Environment"]["Variables"]
    assert env["UPLOADS_PER_INVITE_DAY"] == {"Ref": "UploadsPerInviteDay"}
