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

What it owns: `sharewall/published.json` in the bucket lists every key publish wrote (and the keys whose
cached copies went stale). Only those keys are ever deleted; anything else in the bucket (`other-app/`,
`backups/`) is left alone. Before the first upload the manifest already names every key the run is about
to write, so a run cut anywhere (killed, network gone) loses track of nothing: the next run deletes what
left the wall and invalidates what the cut run changed. Pages go up after what they reference and pages
that left the wall go before the files they referenced, so at no moment does a page miss an asset.

Only regular files inside the site folder are read: a symbolic link (file or folder) or a special file
anywhere in it stops the publish before anything is uploaded, and files are opened without following links.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import stat
import uuid
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

FINGERPRINT_KEY = "sharewall/active.txt"  # the active-set fingerprint of the published build (see fingerprint.py)
MANIFEST_KEY = "sharewall/published.json"  # the keys publish wrote: the only ones it ever deletes
INVALIDATION_LIMIT = 100  # more paths than this: invalidate `/*` (one path on CloudFront's bill)
WORKERS = 8  # concurrent uploads; a boto3 client is thread-safe
DELETE_BATCH = 1000  # keys per DeleteObjects request, S3's maximum

SHORT = "max-age=60, must-revalidate"  # pages and data that change with every build
REVALIDATE = "max-age=300, must-revalidate"  # scripts and styles with a fixed name: they go with the pages
DAY = "max-age=86400"  # images, fonts, source maps without a hash in their name
IMMUTABLE = "public, max-age=31536000, immutable"  # a content hash in the name: a new version is a new name

# Material's hashed assets: bundle.a5f9d56c.min.js, main.57a0d79d.min.css, search.a7633da7.min.js.map
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.")
SHORT_SUFFIXES = (".html", ".json", ".yml", ".xml", ".xml.gz", ".txt", ".webmanifest")  # .yml: the editor's config.<lang>.yml
TEXT = "; charset=utf-8"
TYPES = {  # explicit, so the result does not depend on the machine's /etc/mime.types
    ".html": "text/html" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT,
    ".mjs": "text/javascript" + TEXT,
    ".json": "application/json",
    ".yml": "text/yaml" + TEXT,  # Decap reads its config.<lang>.yml only as YAML when its type says so
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
    ".wasm": "application/wasm",  # the editor's image chunks stream-compile it (admin/<hash>.wasm)
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
    deletes: list[str] = field(default_factory=list)  # owned keys that left the site: pages first
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # keys not in the site that publish did not write: left alone

    def invalidation(self, limit: int = INVALIDATION_LIMIT) -> list[str]:
        """The CloudFront paths whose cached copies this plan makes wrong: replaced and deleted keys."""
        return invalidation_paths([*self.replaced, *self.deletes], limit)


def make_plan(local: Iterable[LocalFile], remote: dict[str, str], owned: Container[str]) -> Plan:
    """Compare the built files with the bucket's objects (key -> ETag) by content; of the keys the site no
    longer has, delete only the `owned` ones (written by publish), pages before what they referenced."""
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
    gone = [key for key in remote if key not in seen]
    plan.deletes = sorted((key for key in gone if key in owned), key=lambda key: (not key.endswith(".html"), key))
    plan.kept = sorted(key for key in gone if key not in owned)
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
    with open_file(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_file(path: Path):
    """The regular file at `path` itself: a symbolic link or special file put in its place after the
    listing is refused, never followed or read."""
    try:
        handle = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)),
                           "rb")
    except OSError as error:
        raise PublishError(f"{path}: cannot be read ({error.strerror}); publish follows no symbolic link") from None
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise PublishError(f"{path} is not a regular file; publish uploads only regular files")
    return handle


def site_files(site_dir: Path) -> list[LocalFile]:
    """Every file of the built site, keyed by its path relative to `site_dir` with '/'.

    Hashed one after the other: a site is thousands of small files, for which handing each to a
    thread costs more than the MD5 itself (~0.4 s for 5,000 posts, 120 MiB).
    """
    return [LocalFile(key=path.relative_to(site_dir).as_posix(), md5=md5_of(path), path=path)
            for path in regular_files(site_dir)]


def regular_files(site_dir: Path) -> list[Path]:
    """The regular files under `site_dir`, never following a link; PublishError naming every symbolic link
    or special file found (a link could bring in /etc/passwd or a whole folder from outside the site)."""
    found, refused, folders = [], [], [site_dir]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    refused.append(f"{entry.path} -> {os.readlink(entry.path)}")
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
                else:
                    refused.append(f"{entry.path} (not a regular file)")
    if refused:
        shown = ", ".join(sorted(refused)[:5]) + (f" and {len(refused) - 5} more" if len(refused) > 5 else "")
        raise PublishError(f"{site_dir} holds {len(refused)} symbolic link(s) or special file(s): {shown}; "
                           "publish uploads only regular files inside the site folder; nothing was uploaded")
    return found


def generated_file(key: str, data: bytes) -> LocalFile:
    return LocalFile(key=key, md5=hashlib.md5(data, usedforsecurity=False).hexdigest(), data=data)


# --- the adapter: boto3 -----------------------------------------------------------------------


@dataclass
class Result:
    plan: Plan
    invalidated: list[str]  # the paths sent to CloudFront (empty: none sent)
    invalidation_id: str | None = None


@dataclass(frozen=True)
class Manifest:
    """What `sharewall/published.json` records: the keys publish wrote (the only ones it deletes) and the
    keys a run changed whose cached copies CloudFront has not yet been told about."""

    keys: frozenset[str] = frozenset()
    stale: frozenset[str] = frozenset()

    def data(self) -> bytes:
        return json.dumps({"written_by": "sharewall publish", "keys": sorted(self.keys), "stale": sorted(self.stale)},
                          indent=0).encode()


def publish(site_dir: Path, bucket: str, *, distribution: str | None = None, endpoint_url: str | None = None,
            dry_run: bool = False, fingerprint: str | None = None, limit: int = INVALIDATION_LIMIT,
            workers: int = WORKERS, log: Callable[[str], None] = lambda line: None) -> Result:
    """Make the bucket hold exactly the built site beside what others keep there; invalidate what changed.

    Order: the manifest naming every key about to be written, files pages reference, then pages, then
    deletes of owned keys (pages first), then the invalidation, the manifest of what is published now,
    and the fingerprint (written only when all else succeeded). Cut anywhere, a re-run completes it.
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
        recorded = pool.submit(_read_manifest, s3, bucket)
        local = site_files(site_dir)
        if any(file.key == MANIFEST_KEY for file in local):
            raise PublishError(f"{site_dir / MANIFEST_KEY}: this key is publish's own record; rename the file")
        if fingerprint is not None:
            local.append(generated_file(FINGERPRINT_KEY, f"{fingerprint}\n".encode()))
        listing, manifest = remote.result(), recorded.result()
        listing.pop(MANIFEST_KEY, None)
        plan = make_plan(local, listing, manifest.keys | {FINGERPRINT_KEY})
        stale = manifest.stale | set(plan.replaced) | set(plan.deletes)
        paths = invalidation_paths(stale, limit) if distribution else []
        for file in plan.uploads:
            log(f"upload {file.key}")
        for key in plan.deletes:
            log(f"delete {key}")
        for key in plan.kept:
            log(f"keep {key} (not written by sharewall publish)")
        if dry_run:
            return Result(plan, paths)
        # before anything changes, the record names every key this run may write and what goes stale
        manifest = _save_manifest(s3, bucket, manifest, Manifest(manifest.keys | {f.key for f in local}, frozenset(stale)))
        marker = [file for file in plan.uploads if file.key == FINGERPRINT_KEY]
        files = [file for file in plan.uploads if file.key != FINGERPRINT_KEY]
        for batch in ([f for f in files if not f.is_page], [f for f in files if f.is_page]):
            _each(pool, lambda file: _upload(s3, bucket, file), batch)
        for batch in ([key for key in plan.deletes if key.endswith(".html")],
                      [key for key in plan.deletes if not key.endswith(".html")]):
            _delete(s3, bucket, batch)
        invalidation_id = _invalidate(cloudfront, distribution, paths) if paths else None
        _save_manifest(s3, bucket, manifest, Manifest(frozenset(file.key for file in local)))
        for file in marker:
            _upload(s3, bucket, file)
    return Result(plan, paths, invalidation_id)


def _read_manifest(s3, bucket: str) -> Manifest:
    """The record of the last run; an empty one when there is none (then publish deletes nothing)."""
    try:
        body = s3.get_object(Bucket=bucket, Key=MANIFEST_KEY)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return Manifest()
    try:
        data = json.loads(body)
        keys, stale = data["keys"], data.get("stale", [])
        if not all(isinstance(key, str) for key in [*keys, *stale]):
            raise TypeError("keys must be strings")
        return Manifest(frozenset(keys), frozenset(stale))
    except (ValueError, TypeError, KeyError) as error:
        raise PublishError(f"{MANIFEST_KEY} in bucket {bucket} cannot be read ({error}); nothing was changed. "
                           "Restore it from the bucket's versions, or delete it (then nothing is deleted until "
                           "publish wrote the keys again)") from None


def _save_manifest(s3, bucket: str, current: Manifest, wanted: Manifest) -> Manifest:
    """Write `wanted` when it differs from what the bucket holds (an unchanged run writes nothing)."""
    if wanted != current:
        _upload(s3, bucket, generated_file(MANIFEST_KEY, wanted.data()))
    return wanted


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
    with open_file(file.path) as body:
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
