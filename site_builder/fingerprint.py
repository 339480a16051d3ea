"""The active-set fingerprint: what a build as of now would publish, known without building.

Time alone changes the wall only by posts entering or leaving it (`publish` reached, `expires`
passed). The fingerprint hashes the posts active at `now` with the bytes of their files, the bytes of
every other file under `content/`, the site's `mkdocs.yml` and an optional revision (the commit): if
it equals the fingerprint of the published build (`sharewall/active.txt` in the bucket, written by
`sharewall publish --fingerprint`), a rebuild would publish the same wall, so the hourly run stops.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from site_builder.content import POST_GLOB, load_content
from site_builder.settings import Settings


@dataclass(frozen=True)
class ActiveSet:
    fingerprint: str  # hex SHA-256
    active: int  # posts on the wall as of `now`
    errors: int  # content errors: a build would refuse this content


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def active_set(content_dir: Path, settings: Settings, now: datetime, config_file: Path | None = None,
               revision: str = "") -> ActiveSet:
    """The fingerprint of the wall a build at `now` would publish from `content_dir`."""
    content = load_content(content_dir, settings, now)
    posts = set(content_dir.glob(POST_GLOB))
    lines = [f"revision {revision}"]
    if config_file is not None and config_file.is_file():
        lines.append(f"config {_sha256(config_file)}")
    for path in sorted(content_dir.rglob("*")):
        if path.is_file() and path not in posts:
            lines.append(f"file {path.relative_to(content_dir).as_posix()} {_sha256(path)}")
    active = sorted(post.path for post in content.active(now))
    root = content_dir.parent if content_dir.name else content_dir  # Post.path is relative to it
    lines += [f"post {path} {_sha256(root / path)}" for path in active]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return ActiveSet(digest, len(active), len(content.errors))
