"""Receipt files: the types we accept, recognised by their bytes, and where they live in the bucket.

Pure: no boto3. Keys: `pending/<invite>/<upload>` while the influencer fills the form (the
bucket's lifecycle removes abandoned ones), `claims/<claim>/<line>.<ext>` once submitted.
"""

from __future__ import annotations

import re

MAX_BYTES = 10 * 1024 * 1024
TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
PENDING = "pending/"


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file show, or None when it is none we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def problem(data: bytes, declared: str) -> tuple[str, str, dict[str, str]] | None:
    """(code, message, params) when an upload's bytes cannot be a receipt (size, type by content, not the one
    declared), else None; `data` is the file or at least its first 16 bytes and `size` is checked by the caller."""
    kind = sniff(data[:16])
    if not data:
        return "receipt_size", "the receipt must be 1 byte to 10 MB", {"max": "10 MB"}
    if kind is None:
        return "receipt_type", "the receipt is not a PDF, JPEG or PNG file", {}
    if kind != declared:
        return "receipt_type_mismatch", f"the receipt was uploaded as {declared} but its content is {kind}", {"declared": declared, "content": kind}
    return None


def pending_prefix(invite_id: str) -> str:
    """Every upload of one invite (the claim being filled in) lives under this prefix."""
    return f"{PENDING}{invite_id}/"


def pending_key(invite_id: str, upload_id: str) -> str:
    return f"{pending_prefix(invite_id)}{upload_id}"


def claim_key(claim_id: str, line: int, content_type: str) -> str:
    return f"claims/{claim_id}/{line + 1:02d}.{TYPES[content_type]}"


def download_name(key: str) -> str:
    """The file name a receipt is saved under: made from its key (never the uploader's name), plain ASCII."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", key.removeprefix("claims/").replace("/", "-"))
    return f"receipt-{name}"[:100]


def attachment(key: str) -> str:
    """A Content-Disposition that makes browsers save the receipt rather than show it on an origin of ours."""
    return f'attachment; filename="{download_name(key)}"'
