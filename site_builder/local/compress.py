"""CloudFront's automatic compression (`Compress: true` on the wall's behaviour, Managed-CachingOptimized) for
`sharewall serve`, so that what a browser downloads locally weighs what it weighs in production.

CloudFront compresses a response when the viewer's Accept-Encoding takes `br` or `gzip` (Brotli when it takes
both), its type is in CloudFront's list of compressible types, it is between 1,000 and 10,000,000 bytes and
its status is 200, 403 or 404. The API's behaviours use Managed-CachingDisabled, which compresses nothing.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import brotli

MIN_BYTES = 1_000
MAX_BYTES = 10_000_000
STATUSES = frozenset({200, 403, 404})
# CloudFront's "file types that CloudFront compresses" (Developer Guide, ServingCompressedFiles)
TYPES = frozenset("""
application/dash+xml application/eot application/font application/font-sfnt application/javascript application/json
application/opentype application/otf application/pkcs7-mime application/protobuf application/rss+xml
application/truetype application/ttf application/vnd.apple.mpegurl application/vnd.mpegurl
application/vnd.ms-fontobject application/xhtml+xml application/xml application/x-font-opentype
application/x-font-truetype application/x-font-ttf application/x-httpd-cgi application/x-javascript
application/x-mpegurl application/x-opentype application/x-otf application/x-perl application/x-ttf font/eot
font/opentype font/otf font/ttf image/svg+xml text/css text/csv text/html text/javascript text/js text/plain
text/richtext text/tab-separated-values text/x-component text/x-java-source text/x-script text/xml
""".split())


# The encoding CloudFront would answer with for this Accept-Encoding: "br", "gzip" or None (q=0 refuses one)
def chosen(accept_encoding: str | None) -> str | None:
    accepted = set()
    for item in (accept_encoding or "").lower().split(","):
        name, _, params = item.strip().partition(";")
        quality = params.strip()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        accepted.add(name.strip())
    for encoding in ("br", "gzip"):
        if encoding in accepted:
            return encoding
    return None


# Whether CloudFront would compress a response of this status, type and size
def compressible(status: int, content_type: str, size: int) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return status in STATUSES and media in TYPES and MIN_BYTES <= size <= MAX_BYTES


# The body in `encoding`, at the middle levels a CDN compresses on the fly with (not the slowest, smallest ones)
def encode(data: bytes, encoding: str) -> bytes:
    return brotli.compress(data, quality=5) if encoding == "br" else gzip.compress(data, compresslevel=6, mtime=0)


@lru_cache(maxsize=512)
def encode_file(path: str, mtime_ns: int, size: int, encoding: str) -> bytes:  # noqa: ARG001 (the cache key)
    """A file's bytes in `encoding`, compressed once while its modification time and size stay the same."""
    with open(path, "rb") as handle:
        return encode(handle.read(), encoding)


class CompressedFiles:
    """A SimpleHTTPRequestHandler mixin: `site_file()` answers a GET for a file as CloudFront does."""

    # The file, compressed when the browser takes it; anything else (a folder without its slash, a missing file,
    # a type or size CloudFront sends as it is) as http.server answers it
    def site_file(self: SimpleHTTPRequestHandler) -> None:
        encoding = chosen(self.headers.get("accept-encoding"))
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        try:
            found = path.stat() if encoding and path.is_file() else None
        except OSError:
            found = None
        content_type = self.guess_type(str(path)) if found else ""
        if not found or not compressible(200, content_type, found.st_size):
            return SimpleHTTPRequestHandler.do_GET(self)
        data = encode_file(str(path), found.st_mtime_ns, found.st_size, encoding)
        self.send_response(200)
        for key, value in (("content-type", content_type), ("content-encoding", encoding), ("vary", "Accept-Encoding"),
                           ("last-modified", self.date_time_string(int(found.st_mtime))),
                           ("content-length", str(len(data)))):
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        return None
