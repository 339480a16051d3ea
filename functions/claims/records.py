"""Records kept unalterable for their legal retention (GoBD): filed receipts and payment-run files.

Both live in the receipts bucket, which has S3 Object Lock enabled. Every version written under
`claims/` (a filed receipt, the checked bytes of an upload in `pending/`) or `runs/` (a payment run's files) gets its own
retention in COMPLIANCE mode: until that date nobody, not even the account's root user, can delete
or overwrite that version or shorten its retention. The bucket has no default retention, so the
influencer's uploads in `pending/` are not locked and the lifecycle removes abandoned ones.

Retention counts, as §147 (4) AO has it, from the end of the calendar year the record was made in:
a receipt filed in March 2026 with 8 years is kept until 1 January 2035. The years come from the
template parameters ReceiptRetentionYears and PaymentRunRetentionYears (environment variables below).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from botocore.exceptions import ClientError

from sharewall_common.aws import client

RECEIPTS = "RECEIPT_RETENTION_YEARS"  # environment variables holding the years of each kind of record
RUNS = "PAYMENT_RUN_RETENTION_YEARS"
RUNS_PREFIX = "runs/"


def bucket() -> str:
    return os.environ["RECEIPTS_BUCKET"]


def retain_until(made: datetime, years: int) -> datetime:
    """The first moment after the retention of a record made at `made`: 1 January after `years` full calendar years."""
    return datetime(made.year + years + 1, 1, 1, tzinfo=timezone.utc)


def lock(kind: str, now: datetime | None = None) -> dict:
    """The PutObject/CopyObject arguments that lock the written version for the retention of `kind`."""
    years = os.environ.get(kind, "")
    if not years.isdigit() or int(years) < 1:
        raise RuntimeError(f"environment variable {kind} must be a whole number of years (template.yaml sets it), not {years!r}")
    return {"ObjectLockMode": "COMPLIANCE",
            "ObjectLockRetainUntilDate": retain_until(now or datetime.now(timezone.utc), int(years))}


def put_record(key: str, body: bytes, content_type: str) -> bytes:
    """Write a payment-run file once, locked for PAYMENT_RUN_RETENTION_YEARS; the bytes on record afterwards.

    Never overwrites: when the key exists already (a retry, a concurrent writer), the first writer's
    bytes are returned and nothing is written.
    """
    if not key.startswith(RUNS_PREFIX):
        raise ValueError(f"payment-run files live under {RUNS_PREFIX}, not at {key!r}")
    try:
        client("s3").put_object(Bucket=bucket(), Key=key, Body=body, ContentType=content_type, IfNoneMatch="*",
                                ChecksumAlgorithm="SHA256", **lock(RUNS))
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
            raise
        found = get_record(key)
        if found is None:
            raise
        return found
    return body


def get_record(key: str) -> bytes | None:
    """The stored bytes of a record, or None when there is none."""
    try:
        return client("s3").get_object(Bucket=bucket(), Key=key)["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound", "AccessDenied"):
            return None
        raise
