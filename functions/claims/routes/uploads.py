"""Receipt uploads (influencer): a presigned POST straight to S3, into the invite's pending prefix."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from sharewall_common.callers import allow, current_caller

from claims import access, uploads
from claims.model import UploadIn

router = Router()


@router.post("/claims/uploads")
@allow(access.invited)
def presign(upload: UploadIn):
    invite = current_caller(router)
    return uploads.presigned_post(invite["id"], upload.content_type), 201
