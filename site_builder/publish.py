"""Publish a built site to its S3 bucket: upload what changed, delete what left the wall, invalidate both.

The core is pure: the local files (key, MD5) against the bucket's listing (key, ETag) give a `Plan`;
the file kind gives `Content-Type` and `Cache-Control`; the changed keys give CloudFront paths.
`publish` is the adapter that lists, uploads, deletes and invalidates with boto3.

Why MD5 against the ETag: S3 returns every object's ETag with the listing (one request per 1,000
objects), and for a single-part upload to a bucket encrypted with SSE-S3 (AES256) the ETag is the MD5
of the content. A SHA-256 in object metadata would need one HEAD request per object to read back.
An ETag that is not a plain MD5 (multipart upload, SSE-KMS) never matches, so such an object is
uploaded again: never skipped wrongly, only not cheaply. Every upload here is a single-part
`put_object`, so the next run sees its MD5.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

FINGERPRINT_KEY = "sharewall/active.txt"  # the active-set fingerprint of the published build (see fingerprint.py)
INVALIDATION_LIMIT = 100  # more paths than this: invalidate `/*` (one path on CloudFront's bill)
WORKERS = 8  # concurrent uploads; a boto3 client is thread-safe
DELETE_BATCH = 1000  # keys per DeleteObjects request, S3's maximum

SHORT = "max-age=60, must-revalidate"  # pages and data that change with every build
REVALIDATE = "max-age=300, must-revalidate"  # scripts and styles with a fixed name: they go with the pages
DAY = "max-age=86400"  # images, fonts, source maps without a hash in their name
IMMUTABLE = "public, max-age=31536000, immutable"  # a content hash in the name: a new version is a new name

# Material's hashed assets: bundle.a5f9d56c.min.js, main.57a0d79d.min.css, search.a7633da7.min.js.map
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.")
SHORT_SUFFIXES = (".html", ".json", ".xml", ".xml.gz", ".txt", ".webmanifest")
TEXT = "; charset=utf-8"
TYPES = {  # explicit, so the result does not depend on the machine's /etc/mime.types
    ".html": "text/html" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT,
    ".mjs": "text/javascript" + TEXT,
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml" + TEXT,
    ".txt": "text/plain" + TEXT,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".webmanifest": "application/manifest+json",
    ".gz": "application/gzip",  # sitemap.xml.gz is a gzip file, not gzip-encoded XML
    ".pdf": "application/pdf",
}
NAMED_TYPES = {"feed.xml": "application/atom+xml" + TEXT}


class PublishError(Exception):
    """Publishing cannot start or went wrong; the message is one line for the person running it."""


# --- the plan: pure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalFile:
    """One file of the built site: its key in the bucket and the MD5 of its content."""

    key: str
    md5: str
    path: Path | None = None  # None for generated content (the fingerprint object)
    data: bytes | None = None

    @property
    def is_page(self) -> bool:
        return self.key.endswith(".html")


@dataclass
class Plan:
    """What one publish does: new and changed files to upload, keys to delete, how many stay."""

    uploads: list[LocalFile] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # uploads over an existing object: cached copies go stale
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0

    def invalidation(self, limit: int = INVALIDATION_LIMIT) -> list[str]:
        """The CloudFront paths whose cached copies this plan makes wrong: replaced and deleted keys."""
        return invalidation_paths([*self.replaced, *self.deletes], limit)


def make_plan(local: Iterable[LocalFile], remote: dict[str, str]) -> Plan:
    """Compare the built files with the bucket's objects (key -> ETag) by content."""
    plan, seen = Plan(), set()
    for file in local:
        seen.add(file.key)
        etag = remote.get(file.key)
        if etag is None:
            plan.uploads.append(file)
        elif etag.strip('"') == file.md5:
            plan.unchanged += 1
        else:
            plan.uploads.append(file)
            plan.replaced.append(file.key)
    plan.deletes = sorted(key for key in remote if key not in seen)
    # What pages reference goes up before the pages: a new page never points at a missing asset
    plan.uploads.sort(key=lambda file: (file.is_page, file.key))
    return plan


def content_type(key: str) -> str:
    """The Content-Type of a site file; text types carry charset=utf-8 (MkDocs writes UTF-8)."""
    name = key.rsplit("/", 1)[-1].lower()
    if name in NAMED_TYPES:
        return NAMED_TYPES[name]
    suffix = os.path.splitext(name)[1]
    if suffix in TYPES:
        return TYPES[suffix]
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    if guessed is None or encoding is not None:
        return "application/octet-stream"
    return guessed + TEXT if guessed.startswith("text/") else guessed


def cache_control(key: str) -> str:
    """How long browsers and CloudFront keep a file: pages and data briefly, hashed assets for ever."""
    name = key.rsplit("/", 1)[-1].lower()
    if name.endswith(SHORT_SUFFIXES):
        return SHORT
    if key.startswith("assets/") and HASHED_NAME.search(name):
        return IMMUTABLE
    if name.endswith((".js", ".mjs", ".css")):
        return REVALIDATE
    return DAY


def invalidation_paths(keys: Iterable[str], limit: int = INVALIDATION_LIMIT) -> list[str]:
    """CloudFront paths of `keys`, with `/dir/` beside `/dir/index.html`; `["/*"]` past `limit` paths."""
    paths: set[str] = set()
    for key in keys:
        path = "/" + quote(key, safe="/-_.~")
        paths.add(path)
        if key == "index.html" or key.endswith("/index.html"):
            paths.add(path[: -len("index.html")])
    return ["/*"] if len(paths) > limit else sorted(paths)


def summary(plan: Plan, dry_run: bool = False) -> str:
    """The one line a publish prints."""
    if dry_run:
        return f"would upload {len(plan.uploads)}, would delete {len(plan.deletes)}, unchanged {plan.unchanged}"
    return f"uploaded {len(plan.uploads)}, deleted {len(plan.deletes)}, unchanged {plan.unchanged}"


# --- reading the built site -------------------------------------------------------------------


def md5_of(path: Path) -> str:
    """The MD5 of a file, read in chunks (memory stays flat whatever the file's size)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def site_files(site_dir: Path) -> list[LocalFile]:
    """Every file of the built site, keyed by its path relative to `site_dir` with '/'.

    Hashed one after the other: a site is thousands of small files, for which handing each to a
    thread costs more than the MD5 itself (~0.4 s for 5,000 posts, 120 MiB).
    """
    return [LocalFile(key=path.relative_to(site_dir).as_posix(), md5=md5_of(path), path=path)
            for path in (Path(folder, name) for folder, _, names in os.walk(site_dir) for name in names)]


def generated_file(key: str, data: bytes) -> LocalFile:
    return LocalFile(key=key, md5=hashlib.md5(data, usedforsecurity=False).hexdigest(), data=data)


# --- the adapter: boto3 -----------------------------------------------------------------------


@dataclass
class Result:
    plan: Plan
    invalidated: list[str]  # the paths sent to CloudFront (empty: none sent)
    invalidation_id: str | None = None


def publish(site_dir: Path, bucket: str, *, distribution: str | None = None, endpoint_url: str | None = None,
            dry_run: bool = False, fingerprint: str | None = None, limit: int = INVALIDATION_LIMIT,
            workers: int = WORKERS, log: Callable[[str], None] = lambda line: None) -> Result:
    """Make the bucket hold exactly the built site; invalidate what changed on the distribution.

    Order: files pages reference, then pages, then deletes (a page never links to a deleted file),
    then the fingerprint (written only when all else succeeded), then the invalidation.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise PublishError(f"site folder {site_dir} does not exist; run `sharewall build` first")
    if not (site_dir / "index.html").is_file():
        raise PublishError(f"{site_dir} has no index.html: not a built site (publishing it would empty the bucket)")
    s3, cloudfront = _clients(endpoint_url, distribution is not None)
    with _aws_errors(bucket, distribution), ThreadPoolExecutor(max_workers=workers) as pool:
        if distribution:
            cloudfront.get_distribution(Id=distribution)  # a wrong id stops us before the bucket changes
        remote = pool.submit(_listing, s3, bucket)  # S3 lists while the files are hashed here
        local = site_files(site_dir)
        if fingerprint is not None:
            local.append(generated_file(FINGERPRINT_KEY, f"{fingerprint}\n".encode()))
        plan = make_plan(local, remote.result())
        paths = plan.invalidation(limit) if distribution else []
        for file in plan.uploads:
            log(f"upload {file.key}")
        for key in plan.deletes:
            log(f"delete {key}")
        if dry_run:
            return Result(plan, paths)
        marker = [file for file in plan.uploads if file.key == FINGERPRINT_KEY]
        files = [file for file in plan.uploads if file.key != FINGERPRINT_KEY]
        for batch in ([f for f in files if not f.is_page], [f for f in files if f.is_page]):
            _each(pool, lambda file: _upload(s3, bucket, file), batch)
        _delete(s3, bucket, plan.deletes)
        for file in marker:
            _upload(s3, bucket, file)
        invalidation_id = _invalidate(cloudfront, distribution, paths) if paths else None
    return Result(plan, paths, invalidation_id)


def published_fingerprint(bucket: str, endpoint_url: str | None = None) -> str | None:
    """The fingerprint the last complete publish stored in the bucket; None when there is none."""
    s3, _ = _clients(endpoint_url, False)
    with _aws_errors(bucket, None):
        try:
            return s3.get_object(Bucket=bucket, Key=FINGERPRINT_KEY)["Body"].read().decode().strip()
        except s3.exceptions.NoSuchKey:
            return None


def _clients(endpoint_url: str | None, with_cloudfront: bool):
    import boto3  # loaded only by the command that publishes
    from botocore.config import Config

    config = Config(max_pool_connections=WORKERS * 2, retries={"mode": "standard", "max_attempts": 5})
    s3 = boto3.client("s3", endpoint_url=endpoint_url, config=config)
    cloudfront = boto3.client("cloudfront", endpoint_url=endpoint_url, config=config) if with_cloudfront else None
    return s3, cloudfront


def _listing(s3, bucket: str) -> dict[str, str]:
    """Every object of the bucket: key -> ETag."""
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            objects[entry["Key"]] = entry["ETag"]
    return objects


def _upload(s3, bucket: str, file: LocalFile) -> None:
    """One single-part upload (its ETag is then the MD5 the next run compares with)."""
    headers = {"ContentType": content_type(file.key), "CacheControl": cache_control(file.key)}
    if file.data is not None:
        s3.put_object(Bucket=bucket, Key=file.key, Body=file.data, **headers)
        return
    with file.path.open("rb") as body:
        s3.put_object(Bucket=bucket, Key=file.key, Body=body, **headers)


def _delete(s3, bucket: str, keys: list[str]) -> None:
    for start in range(0, len(keys), DELETE_BATCH):
        batch = [{"Key": key} for key in keys[start:start + DELETE_BATCH]]
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        if answer.get("Errors"):
            error = answer["Errors"][0]
            raise PublishError(f"could not delete {error['Key']} from bucket {bucket}: {error['Code']} "
                               f"{error.get('Message', '')} ({len(answer['Errors'])} keys failed)")


def _invalidate(cloudfront, distribution: str, paths: list[str]) -> str:
    answer = cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
        "Paths": {"Quantity": len(paths), "Items": paths},
        "CallerReference": f"sharewall-publish-{uuid.uuid4()}",  # unique: every publish is a new invalidation
    })
    return answer["Invalidation"]["Id"]


@contextmanager
def _aws_errors(bucket: str, distribution: str | None) -> Iterator[None]:
    """Turn what boto3 raises into one PublishError line that names the bucket or distribution."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code in ("NoSuchBucket", "404"):
            raise PublishError(f"bucket {bucket} does not exist (or this account cannot see it)") from None
        if code == "NoSuchDistribution":
            raise PublishError(f"CloudFront distribution {distribution} does not exist") from None
        raise PublishError(f"{error.operation_name} failed: {code} {message}".rstrip()) from None
    except BotoCoreError as error:  # no credentials, endpoint unreachable...
        raise PublishError(str(error)) from None


def _each(pool: ThreadPoolExecutor, action: Callable[[LocalFile], None], files: list[LocalFile]) -> None:
    """Run `action` on every file in the pool; on the first failure the files not yet started are dropped."""
    futures = [pool.submit(action, file) for file in files]
    try:
        for future in futures:
            future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise
