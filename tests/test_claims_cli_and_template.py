"""`sharewall invite` against the real local server, and the receipts bucket as template.yaml defines it."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

from site_builder.local.devauth import dev_token
from site_builder.local.template import load_template

ROOT = Path(__file__).resolve().parents[1]
SHAREWALL = str(Path(sys.executable).with_name("sharewall"))


def invite_cli(*args: str, token: str | None, api: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "SHAREWALL_API": api}
    if token:
        env["SHAREWALL_TOKEN"] = token
    return subprocess.run([SHAREWALL, "invite", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def test_invite_create_list_revoke_against_the_local_api(local_server):
    api, comms = local_server + "api", dev_token("cli-comms", ["employee", "comms"])
    name = f"CLI Guest {uuid.uuid4().hex[:6]}"
    created = invite_cli("create", "--name", name, "--email", "guest@example.org", "--campaign", "creator-programme",
                         "--days", "30", token=comms, api=api)
    assert created.returncode == 0, created.stderr
    invite_id = re.search(r"^invite ([0-9a-f]{16}) for " + re.escape(name), created.stdout, re.M).group(1)
    assert re.search(re.escape(local_server) + r"claim/#invite=" + invite_id + r"\.[\w-]{43}$", created.stdout, re.M)
    listed = invite_cli("list", token=comms, api=api)
    assert re.search(invite_id + r"\s+active\s", listed.stdout)
    revoked = invite_cli("revoke", invite_id, token=comms, api=api)
    assert revoked.returncode == 0 and f"invite {invite_id} revoked at" in revoked.stdout
    assert re.search(invite_id + r"\s+revoked\s", invite_cli("list", token=comms, api=api).stdout)


def test_invite_cli_errors_are_the_apis_messages(local_server):
    api = local_server + "api"
    employee = invite_cli("create", "--name", "X", "--email", "x@example.org", "--campaign", "creator-programme",
                          token=dev_token("cli-employee", ["employee"]), api=api)
    assert employee.returncode == 1 and "this needs one of the roles: comms" in employee.stderr
    bad = invite_cli("create", "--name", "X", "--email", "not-an-address", "--campaign", "Fair 2026",
                     token=dev_token("cli-comms", ["comms"]), api=api)
    assert bad.returncode == 1 and "email" in bad.stderr and "campaign" in bad.stderr and "HTTP 400" in bad.stderr
    # content/campaigns.yml: employer-branding-2027 reimburses nobody; only running, reimbursed campaigns are offered
    for campaign, why in (("fair-2026", "'fair-2026' is not declared in campaigns.yml"),
                          ("employer-branding-2027", "'employer-branding-2027' has not started yet")):
        refused = invite_cli("create", "--name", "X", "--email", "x@example.org", "--campaign", campaign,
                             token=dev_token("cli-comms", ["comms"]), api=api)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert f"campaign: {why}" in refused.stderr
        assert "creator-programme" in refused.stderr.split("campaigns open for invites: ")[1]
        assert "(invalid_campaign, HTTP 400)" in refused.stderr
    missing = invite_cli("list", token=None, api=api)
    assert missing.returncode == 2 and "SHAREWALL_TOKEN" in missing.stderr
    unreachable = invite_cli("list", token="x", api="http://127.0.0.1:9/api")
    assert unreachable.returncode == 1 and "cannot reach" in unreachable.stderr and "Traceback" not in unreachable.stderr


def test_the_receipts_bucket_is_private_encrypted_versioned_tls_only_and_cleans_pending_uploads():
    resources = load_template(ROOT / "template.yaml")["Resources"]
    bucket = resources["ReceiptsBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert resources["ReceiptsBucket"]["DeletionPolicy"] == "Retain"
    rule = bucket["LifecycleConfiguration"]["Rules"][0]
    assert rule["Prefix"] == "pending/" and rule["ExpirationInDays"] >= 1 and rule["NoncurrentVersionExpiration"]
    cors = bucket["CorsConfiguration"]["CorsRules"]
    assert cors == [{"AllowedOrigins": [{"Ref": "SiteOrigin"}], "AllowedMethods": ["POST"],
                     "AllowedHeaders": ["content-type"], "MaxAge": 600}]
    deny = resources["ReceiptsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    idempotency = resources["IdempotencyTable"]["Properties"]
    assert idempotency["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}


def test_the_claims_function_reaches_only_its_own_objects():
    claims = load_template(ROOT / "template.yaml")["Resources"]["ClaimsFunction"]["Properties"]
    statements = {s["Sid"]: s for s in claims["Policies"][0]["Statement"]}
    s3 = statements["ReceiptsPendingAndFiled"]
    assert sorted(s3["Action"]) == ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"]  # filed receipts are locked
    assert [r["Fn::Sub"] for r in s3["Resource"]] == ["${ReceiptsBucket.Arn}/pending/*", "${ReceiptsBucket.Arn}/claims/*"]
    assert "dynamodb:DeleteItem" not in statements["ClaimsInvitesAuditAndTotals"]["Action"]  # claims are never deleted
    unauthenticated = {event["Properties"]["Path"] + " " + event["Properties"]["Method"]
                       for event in claims["Events"].values() if event["Properties"].get("Auth") == {"Authorizer": "NONE"}}
    # the influencer's routes (an invite token, no employee sign-in): theirs to file, read, correct and withdraw
    assert unauthenticated == {"/claims/invite GET", "/claims/uploads POST", "/claims/uploads/{id} GET", "/claims POST",
                               "/claims/mine GET", "/claims/{id} PUT", "/claims/{id}/withdraw POST"}


# boto3 operation -> the IAM actions it needs (a transaction needs those of the writes inside it)
IAM_ACTIONS = {
    "get_item": {"dynamodb:GetItem"}, "batch_get_item": {"dynamodb:BatchGetItem"}, "query": {"dynamodb:Query"},
    "put_item": {"dynamodb:PutItem"}, "update_item": {"dynamodb:UpdateItem"},
    "transact_write_items": {"dynamodb:PutItem", "dynamodb:UpdateItem"},
    "get_object": {"s3:GetObject"}, "copy_object": {"s3:GetObject", "s3:PutObject"},
    "put_object": {"s3:PutObject", "s3:PutObjectRetention"},  # the function writes only locked records (claims.records)
    "generate_presigned_post": {"s3:PutObject"}, "generate_presigned_url": {"s3:GetObject"},
    "get_secret_value": {"secretsmanager:GetSecretValue"},
    "send_email": {"ses:SendEmail"},  # sesv2: an invite by e-mail (claims.mail)
}


def test_the_claims_policy_grants_every_call_the_code_makes():
    claims = load_template(ROOT / "template.yaml")["Resources"]["ClaimsFunction"]["Properties"]
    granted = {action for statement in claims["Policies"][0]["Statement"] for action in statement["Action"]}
    sources = [*(ROOT / "functions" / "claims").rglob("*.py"),
               *(ROOT / "functions" / "sharewall_common" / name for name in ("pseudonym.py", "published.py"))]
    calls = {match for path in sources
             for match in re.findall(r'client\("\w+"\)\.(\w+)\(', path.read_text(encoding="utf-8"))}
    assert calls >= {"get_item", "batch_get_item", "query", "transact_write_items", "get_object", "put_object"}
    unknown = calls - set(IAM_ACTIONS)
    assert not unknown, f"map these calls to IAM actions: {unknown}"
    needed = set().union(*(IAM_ACTIONS[call] for call in calls))
    assert needed <= granted, needed - granted
