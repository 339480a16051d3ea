"""Receipts in S3: presigned POSTs into the invite's pending prefix, checks of what arrived, links.

moto does not enforce a POST policy, so the policy is the contract: exact key, content type, size
range, a short expiry. After upload the bytes decide the type, not the name or the declared type.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, time, timedelta

from botocore.exceptions import ClientError

from sharewall_common.aws import client
from sharewall_common.clock import zone

from claims import receipts, records, store
from claims.records import bucket

POST_SECONDS = 600
GET_SECONDS = 300
DAILY_DEFAULT = 60  # template parameter UploadsPerInviteDay


def daily_cap() -> int:
    """Upload slots one invite gets per day (site timezone): UPLOADS_PER_INVITE_DAY, at least 1."""
    return max(1, int(os.environ.get("UPLOADS_PER_INVITE_DAY") or DAILY_DEFAULT))


def take_slot(invite_id: str, now: datetime) -> bool:
    """Count one upload slot of the invite today; False when today's are used up (nothing counted then)."""
    today = now.astimezone(zone()).date()
    ends = datetime.combine(today + timedelta(days=1), time(), zone())
    return store.count_upload(invite_id, today.isoformat(), daily_cap(), int((ends + timedelta(days=1)).timestamp()))


def presigned_post(invite_id: str, content_type: str) -> dict:
    """A form the browser posts one receipt with: url, fields and the upload id to put in the line."""
    upload_id = secrets.token_hex(16)
    key = receipts.pending_key(invite_id, upload_id)
    post = client("s3").generate_presigned_post(
        Bucket=bucket(), Key=key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, receipts.MAX_BYTES]],
        ExpiresIn=POST_SECONDS,
    )
    return {"upload": upload_id, "url": post["url"], "fields": post["fields"], "max_bytes": receipts.MAX_BYTES}


def inspect(invite_id: str, upload_id: str) -> tuple[bytes, str] | None:
    """(bytes, declared content type) of an upload of this invite, or None when there is none."""
    try:
        obj = client("s3").get_object(Bucket=bucket(), Key=receipts.pending_key(invite_id, upload_id))
    except ClientError as error:
        # without s3:ListBucket, S3 answers a missing key with AccessDenied instead of NoSuchKey
        if error.response["Error"]["Code"] in {"NoSuchKey", "404", "NotFound", "AccessDenied"}:
            return None
        raise
    if obj["ContentLength"] > receipts.MAX_BYTES:
        return b"", obj.get("ContentType", "")
    return obj["Body"].read(), obj.get("ContentType", "")


def head(invite_id: str, upload_id: str) -> tuple[bytes, str, int] | None:
    """(first 16 bytes, declared content type, size) of an upload of this invite, or None when there is none:
    what the page learns right after the browser posted the file, without reading the whole file."""
    try:
        obj = client("s3").get_object(Bucket=bucket(), Key=receipts.pending_key(invite_id, upload_id), Range="bytes=0-15")
    except ClientError as error:
        if error.response["Error"]["Code"] in {"NoSuchKey", "404", "NotFound", "AccessDenied"}:
            return None
        if error.response["Error"]["Code"] == "InvalidRange":  # an empty object has no first byte
            return b"", "", 0
        raise
    size = int(str(obj.get("ContentRange") or "").rpartition("/")[2] or obj["ContentLength"])
    return obj["Body"].read(), obj.get("ContentType", ""), size


def file_receipt(key: str, data: bytes, content_type: str) -> None:
    """Write the checked bytes of an upload under the claim's own key, locked for the receipts' retention.

    The bytes that were checked (type, size, duplicate hash) are the ones filed: a copy of the pending
    object could pick up a re-upload made in between. Only the filed version is locked (records.py);
    the pending upload is not, and expires by lifecycle.
    """
    client("s3").put_object(Bucket=bucket(), Key=key, Body=data, ContentType=content_type, ChecksumAlgorithm="SHA256",
                            **records.lock(records.RECEIPTS))


def link(key: str, content_type: str | None = None) -> str:
    """A short-lived GET link for finance to download one receipt: served as an attachment, its type pinned."""
    params = {"Bucket": bucket(), "Key": key, "ResponseContentDisposition": receipts.attachment(key)}
    if content_type in receipts.TYPES:
        params["ResponseContentType"] = content_type
    return client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=GET_SECONDS)
