"""Retention that cannot be shortened: Object Lock on the receipts bucket, as template.yaml declares it and
as the local stack (moto) enforces it on filed receipts and payment-run files."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from site_builder.local.template import load_template
from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import PDF, line, submit, upload
from tests.functions.claims_client import invite as new_invite

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template(ROOT / "template.yaml")


def _bucket(resources) -> tuple[object, str]:
    return boto3.client("s3"), resources.buckets["ReceiptsBucket"]


def _retention(s3, bucket: str, key: str, version: str) -> tuple[str, datetime]:
    """(mode, retain until) of one version (moto's GetObjectRetention fails; HEAD carries the same)."""
    head = s3.head_object(Bucket=bucket, Key=key, VersionId=version)
    return head["ObjectLockMode"], head["ObjectLockRetainUntilDate"]


# --- the template -----------------------------------------------------------------------------


def test_the_receipts_bucket_has_object_lock_without_a_default_retention(template):
    props = template["Resources"]["ReceiptsBucket"]["Properties"]
    assert props["ObjectLockEnabled"] is True and props["VersioningConfiguration"]["Status"] == "Enabled"
    # no default retention: it would lock every influencer's upload in pending/ for years as well
    assert props["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    parameters = template["Parameters"]
    assert (parameters["ReceiptRetentionYears"]["Default"], parameters["PaymentRunRetentionYears"]["Default"]) == (8, 10)
    assert parameters["ReceiptRetentionYears"]["MinValue"] == 8 and parameters["PaymentRunRetentionYears"]["MinValue"] == 10
    env = template["Resources"]["ClaimsFunction"]["Properties"]["Environment"]["Variables"]
    assert env["RECEIPT_RETENTION_YEARS"] == {"Ref": "ReceiptRetentionYears"}
    assert env["PAYMENT_RUN_RETENTION_YEARS"] == {"Ref": "PaymentRunRetentionYears"}


def test_lifecycle_expires_only_unlocked_uploads_and_versions_past_retention(template):
    rules = {rule["Prefix"]: rule for rule in
             template["Resources"]["ReceiptsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["pending/"]["ExpirationInDays"] == 2
    for prefix in ("claims/", "runs/"):  # current versions are never expired; noncurrent ones once unlocked
        assert "ExpirationInDays" not in rules[prefix] and rules[prefix]["NoncurrentVersionExpiration"]["NoncurrentDays"] >= 1


def test_the_bucket_policy_refuses_unlocked_writes_of_records(template):
    statements = {s["Sid"]: s for s in
                  template["Resources"]["ReceiptsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    locked = statements["RecordsOnlyLocked"]
    assert locked["Effect"] == "Deny" and locked["Action"] == "s3:PutObject"
    assert locked["Condition"] == {"StringNotEquals": {"s3:object-lock-mode": "COMPLIANCE"}}
    assert {item["Fn::Sub"] for item in locked["Resource"]} == {"${ReceiptsBucket.Arn}/claims/*",
                                                                "${ReceiptsBucket.Arn}/runs/*"}


def test_the_function_may_set_retention_but_never_bypass_or_delete(template):
    statements = template["Resources"]["ClaimsFunction"]["Properties"]["Policies"][0]["Statement"]
    actions = {action for statement in statements for action in statement["Action"]}
    assert "s3:PutObjectRetention" in actions
    assert not actions & {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention",
                          "s3:PutBucketObjectLockConfiguration"}


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("made", "years", "until"), [
    (datetime(2026, 3, 5, 10, tzinfo=timezone.utc), 8, datetime(2035, 1, 1, tzinfo=timezone.utc)),
    (datetime(2026, 12, 31, 23, 59, tzinfo=timezone.utc), 10, datetime(2037, 1, 1, tzinfo=timezone.utc)),
    (datetime(2027, 1, 1, 0, 0, tzinfo=timezone.utc), 8, datetime(2036, 1, 1, tzinfo=timezone.utc)),
])
def test_retention_counts_from_the_end_of_the_calendar_year(made, years, until):
    from claims import records

    assert records.retain_until(made, years) == until


def test_retention_years_must_be_configured(monkeypatch):
    from claims import records

    monkeypatch.setenv(records.RECEIPTS, "")
    with pytest.raises(RuntimeError, match="RECEIPT_RETENTION_YEARS must be a whole number"):
        records.lock(records.RECEIPTS)


# --- the local stack --------------------------------------------------------------------------


def test_the_local_bucket_is_created_with_object_lock(aws_resources):
    s3, bucket = _bucket(aws_resources)
    config = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert config["ObjectLockEnabled"] == "Enabled" and "Rule" not in config


def test_a_filed_receipt_is_locked_and_its_deletion_refused_while_the_upload_is_not(fresh_tables):
    s3, bucket = _bucket(fresh_tables)
    token = new_invite()["token"]
    upload_id = upload(token, PDF)
    claim_id = submit(token, [line(upload_id)]).body["id"]
    key = f"claims/{claim_id}/01.pdf"
    version = s3.head_object(Bucket=bucket, Key=key)["VersionId"]
    mode, until = _retention(s3, bucket, key, version)
    year = datetime.now(timezone.utc).year
    assert mode == "COMPLIANCE" and until == datetime(year + 9, 1, 1, tzinfo=timezone.utc)  # 8 years after this one
    for bypass in (False, True):  # compliance mode: no bypass either
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=bypass)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read() == PDF
    # the influencer's upload it was copied from is not locked: the lifecycle may remove it
    pending = f"pending/{_invite_of(claim_id, fresh_tables)}/{upload_id}"
    pending_version = s3.head_object(Bucket=bucket, Key=pending)["VersionId"]
    s3.delete_object(Bucket=bucket, Key=pending, VersionId=pending_version)
    assert "Versions" not in s3.list_object_versions(Bucket=bucket, Prefix=pending)


def test_a_payment_run_file_is_written_once_and_locked_for_its_own_years(aws_resources):
    from claims import records

    s3, bucket = _bucket(aws_resources)
    key = f"runs/test-{datetime.now().timestamp()}/sepa.xml"
    assert records.put_record(key, b"<first/>", "application/xml") == b"<first/>"
    assert records.put_record(key, b"<second/>", "application/xml") == b"<first/>"  # never overwritten
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
    assert len(versions) == 1
    mode, until = _retention(s3, bucket, key, versions[0]["VersionId"])
    assert mode == "COMPLIANCE" and until == datetime(datetime.now(timezone.utc).year + 11, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=versions[0]["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert records.get_record(key) == b"<first/>" and records.get_record(key + ".missing") is None
    with pytest.raises(ValueError, match="runs/"):
        records.put_record("claims/x/01.pdf", b"x", "application/pdf")


def _invite_of(claim_id: str, resources) -> str:
    from claims import store

    return store.get_claim(claim_id)["invite_id"]
