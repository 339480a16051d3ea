"""Receipt uploads (influencer): a presigned POST straight to S3, into the invite's pending prefix; then the
page asks whether what arrived is a receipt (its bytes, not its name), so a wrong file is refused at once."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from aws_lambda_powertools.event_handler.api_gateway import Router

from sharewall_common.callers import allow, current_caller
from sharewall_common.errors import ApiError, NotFound, TooManyRequests

from claims import access, receipts, uploads
from claims.model import UPLOAD_ID, UploadIn

router = Router()


class NotAReceipt(ApiError):
    status, code = 422, "receipt_invalid"


@router.post("/claims/uploads")
@allow(access.invited)
def presign(upload: UploadIn):
    invite = current_caller(router)
    if not uploads.take_slot(invite["id"], datetime.now(timezone.utc)):  # each request counts: it is not idempotent
        cap = uploads.daily_cap()
        raise TooManyRequests(f"this invite has used its {cap} receipt uploads for today; upload more tomorrow",
                              code="upload_limit", fields=[{"field": "receipt", "code": "upload_limit", "max": str(cap)}])
    return uploads.presigned_post(invite["id"], upload.content_type), 201


@router.get("/claims/uploads/<upload_id>")
@allow(access.invited)
def check(upload_id: str):
    invite = current_caller(router)
    found = uploads.head(invite["id"], upload_id) if re.fullmatch(UPLOAD_ID, upload_id) else None
    if found is None:
        raise NotFound("no such upload for this invite (upload it again)", code="receipt_missing",
                       fields=[{"field": "receipt", "code": "receipt_missing"}])
    data, declared, size = found
    wrong = receipts.problem(data if 0 < size <= receipts.MAX_BYTES else b"", declared)
    if wrong:
        code, message, params = wrong
        raise NotAReceipt(message, fields=[{"field": "receipt", "code": code, **params}])
    return {"upload": upload_id, "content_type": declared, "size": size}
