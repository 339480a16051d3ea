"""Files the build publishes under `sharewall/` that functions read: the wall's catalogue, the expense policy.

In production they are read from the site bucket (`SITE_BUCKET`; the functions may GetObject
`sharewall/*` only), so no request goes through CloudFront and the wall's sign-in. Locally
(`SITE_BUCKET` empty) they are read over HTTP from the site at `SITE_URL`. A copy is kept for
FRESH_SECONDS; when a read fails the copy at hand is used on (stale beats nothing), and without one
`Unavailable` is raised: the routes answer 503 and write nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from aws_lambda_powertools import Logger

PREFIX = "sharewall/"  # where every build writes them, under the site's root
FRESH_SECONDS = 300  # a rebuilt site is seen within five minutes
RETRY_SECONDS = 10  # after a failed read, the next request tries again only after this
TIMEOUT_SECONDS = 3
MAX_BYTES = 8 * 1024 * 1024  # the catalogue is about 100 bytes a post: far more than any wall has
T = TypeVar("T")


class Unavailable(Exception):
    """A published file could not be read and no earlier copy is at hand."""


def location(name: str, environ: Mapping[str, str] = os.environ) -> str:
    """Where `name` is read from: s3://<site bucket>/sharewall/<name>, or <site URL>/sharewall/<name>."""
    if environ.get("SITE_BUCKET"):
        return f"s3://{environ['SITE_BUCKET']}/{PREFIX}{name}"
    return f"{environ.get('SITE_URL', '').rstrip('/')}/{PREFIX}{name}"


def read(name: str, environ: Mapping[str, str] = os.environ) -> bytes:
    """The bytes of the published file `name` (at most MAX_BYTES + 1); OSError when it cannot be read."""
    return read_site_file(PREFIX + name, environ)


def read_site_file(path: str, environ: Mapping[str, str] = os.environ) -> bytes:
    """The bytes of any file of the built site (`posts.json`, `en/posts.json`) as `read` reads its own files."""
    bucket = environ.get("SITE_BUCKET")
    if bucket:
        return _from_bucket(bucket, path)
    return _over_http(f"{environ.get('SITE_URL', '').rstrip('/')}/{path}")


def _from_bucket(bucket: str, key: str) -> bytes:
    from botocore.exceptions import BotoCoreError, ClientError

    from sharewall_common.aws import client

    try:
        body = client("s3").get_object(Bucket=bucket, Key=key)["Body"]
        return body.read(MAX_BYTES + 1)
    except (BotoCoreError, ClientError) as error:
        raise OSError(f"s3://{bucket}/{key}: {error}") from None


def _over_http(url: str) -> bytes:
    import urllib.request  # only needed every few minutes, never at cold start

    if not url.startswith(("http://", "https://")):
        raise OSError(f"{url!r} is not an http(s) URL: set SITE_URL or SITE_BUCKET")
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (the configured site)
        return response.read(MAX_BYTES + 1)


class Published(Generic[T]):
    """The published file `name` as `parse` makes it, read when first needed and again once FRESH_SECONDS old."""

    def __init__(self, name: str, parse: Callable[[bytes], T], *, service: str, fetch: Callable[[str], bytes] = read,
                 clock: Callable[[], float] = time.monotonic):
        self.name, self._parse, self._fetch, self._clock = name, parse, fetch, clock
        self._logger = Logger(service=service, child=True)  # logs through the function's own logger
        self._value: T | None = None
        self._due = 0.0  # when to read next

    # The parsed file: fresh, or the copy at hand when a read failed; Unavailable without any
    def get(self) -> T:
        if self._clock() >= self._due:
            self._refresh()
        if self._value is None:
            raise Unavailable(f"{PREFIX}{self.name} cannot be read ({location(self.name)})")
        return self._value

    def _refresh(self) -> None:
        try:
            data = self._fetch(self.name)
            if len(data) > MAX_BYTES:
                raise ValueError(f"over {MAX_BYTES} bytes")
            self._value = self._parse(data)
            self._due = self._clock() + FRESH_SECONDS
        except (OSError, ValueError) as error:
            self._due = self._clock() + RETRY_SECONDS
            kept = "keeping the copy at hand" if self._value is not None else "no copy at hand"
            self._logger.warning(f"{PREFIX}{self.name} not read, {kept}", extra={"error": str(error)[:200]})
