"""`sharewall publish` is safe to interrupt (issue #18), against the moto server over HTTP.

A wall is published, then its next build is published and cut at every write in turn (each upload,
each delete, the record, the invalidation, the fingerprint), as a killed job or a lost network would
cut it. At every cut: every page in the bucket finds every file it loads, no key of another app is
touched, the record names every key publish wrote, and the fingerprint of the new build is not there
unless all of it is. Then a re-run of the same build completes it (exactly the build, the other app's
keys, every changed path invalidated), and a publish of the previous build instead (a rollback)
removes what the cut run had added: it kept track of every key it wrote.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import uuid
from pathlib import Path

import boto3
import pytest

from site_builder import publish
from site_builder.local.aws import REGION
from tests.test_publish import distribution, manifest, objects  # noqa: F401 (a fixture)

PAGE = '<!doctype html><link rel="stylesheet" href="{root}assets/style.css"><script src="{root}assets/{app}"></script>{body}\n'
V1 = {
    "index.html": PAGE.format(root="", app="app.11111111.js", body='<img src="images/logo.png"> v1'),
    "posts/a/index.html": PAGE.format(root="../../", app="app.11111111.js", body='<img src="../../images/a.png"> v1'),
    "posts/old/index.html": PAGE.format(root="../../", app="app.11111111.js", body='<img src="../../images/old.png">'),
    "assets/app.11111111.js": "console.log(1)\n",
    "assets/style.css": "body { color: black }\n",
    "images/logo.png": "logo\n",
    "images/a.png": "a, first picture\n",
    "images/old.png": "old\n",
}
V2 = {
    "index.html": PAGE.format(root="", app="app.22222222.js", body='<img src="images/logo.png"> v2'),
    "posts/a/index.html": PAGE.format(root="../../", app="app.22222222.js", body='<img src="../../images/a.png"> v2'),
    "posts/new/index.html": PAGE.format(root="../../", app="app.22222222.js", body='<img src="../../images/new.png">'),
    "assets/app.22222222.js": "console.log(2)\n",
    "assets/style.css": "body { color: navy }\n",
    "images/logo.png": "logo\n",
    "images/a.png": "a, second picture\n",  # same name, new content: cached copies go stale
    "images/new.png": "new\n",
}
FOREIGN = {"other-app/index.html": b"<p>another app</p>", "backups/site.tar": b"backup"}
REFERENCE = re.compile(r'<(?:script|img)[^>]*\ssrc="([^"]+)"|<link[^>]*\shref="([^"]+)"')


class Cut(Exception):
    """The publish stops here, as if its process were killed before this request."""


def write_site(root: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(text, encoding="utf-8")
    return root


def md5s(files: dict[str, str], fingerprint: str) -> dict[str, str]:
    """What the bucket holds after a complete publish of `files` with `fingerprint`, beside FOREIGN."""
    every = {**{key: text.encode() for key, text in files.items()}, publish.FINGERPRINT_KEY: f"{fingerprint}\n".encode(),
             **FOREIGN}
    return {key: hashlib.md5(body).hexdigest() for key, body in every.items()}


def new_bucket() -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def missing_assets(bucket: str) -> list[str]:
    """`page -> file` for every file a page in the bucket loads that the bucket does not hold."""
    s3, keys = boto3.client("s3", region_name=REGION), set(objects(bucket))
    missing = []
    for key in sorted(key for key in keys if key.endswith(".html")):
        page = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        for found in REFERENCE.finditer(page):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(key), found[1] or found[2]))
            if target not in keys:
                missing.append(f"{key} -> {target}")
    return missing


def _keys(params: dict) -> str:
    """The keys of a DeleteObjects request, the paths of an invalidation."""
    if "Delete" in params:
        return " ".join(item["Key"] for item in params["Delete"]["Objects"])
    return " ".join(params.get("InvalidationBatch", {}).get("Paths", {}).get("Items", []))


def invalidation_ids(distribution: str) -> set[str]:
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    items = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items") or []
    return {item["Id"] for item in items}


def invalidated_since(distribution: str, before: set[str]) -> set[str]:
    """The paths of every invalidation sent since `before` held the distribution's invalidation ids."""
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    return {path for id in invalidation_ids(distribution) - before
            for path in cloudfront.get_invalidation(DistributionId=distribution, Id=id)
            ["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]}


def fingerprint_in(bucket: str) -> str | None:
    s3 = boto3.client("s3", region_name=REGION)
    try:
        return s3.get_object(Bucket=bucket, Key=publish.FINGERPRINT_KEY)["Body"].read().decode().strip()
    except s3.exceptions.NoSuchKey:
        return None


@pytest.fixture
def cutting(monkeypatch):
    """Writes counted on every client publish makes; `cut.at = n` raises Cut at the n-th write and every
    one after it (a killed process sends nothing more, not even what its other threads had queued)."""

    class Counter:
        at: int | None = None
        writes: list[str] = []

    counter = Counter()
    clients = publish._clients

    def count(model, params, **_):
        counter.writes.append(f"{model.name} {params.get('Key') or _keys(params)}".rstrip())
        if counter.at is not None and len(counter.writes) >= counter.at:
            raise Cut(counter.writes[-1])

    def counting(*args):
        s3, cloudfront = clients(*args)
        for client, names in ((s3, ("PutObject", "DeleteObjects")), (cloudfront, ("CreateInvalidation",))):
            for name in names:
                if client is not None:
                    client.meta.events.register(f"provide-client-params.{client.meta.service_model.service_id.hyphenize()}.{name}", count)
        return s3, cloudfront

    monkeypatch.setattr(publish, "_clients", counting)
    monkeypatch.setattr(publish, "DELETE_BATCH", 1)  # one key per request: a cut can fall between any two
    return counter


def test_a_publish_cut_at_any_write_leaves_a_whole_wall_and_a_rerun_completes_it(tmp_path, moto_endpoint,
                                                                                  distribution, cutting):
    first, second = write_site(tmp_path / "v1", V1), write_site(tmp_path / "v2", V2)

    def run(site: Path, bucket: str, fingerprint: str) -> publish.Result:
        return publish.publish(site, bucket, endpoint_url=moto_endpoint, distribution=distribution,
                               fingerprint=fingerprint, workers=1)

    def published_v1() -> str:
        bucket = new_bucket()
        for key, body in FOREIGN.items():
            boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=body)
        cutting.at = None
        run(first, bucket, "v1")
        assert objects(bucket) == md5s(V1, "v1")
        cutting.writes.clear()
        return bucket

    bucket = published_v1()
    run(second, bucket, "v2")  # uncut, to learn every write it makes
    writes = list(cutting.writes)
    assert len(writes) >= 12
    assert writes[-1] == f"PutObject {publish.FINGERPRINT_KEY}"
    replaced_or_gone = {"/", "/index.html", "/posts/a/", "/posts/a/index.html", "/posts/old/", "/posts/old/index.html",
                        "/assets/style.css", "/assets/app.11111111.js", "/images/a.png", "/images/old.png",
                        f"/{publish.FINGERPRINT_KEY}"}

    for number, write in enumerate(writes, 1):
        for rerun, files, fingerprint in ((second, V2, "v2"), (first, V1, "v1")):
            bucket = published_v1()
            sent_before = invalidation_ids(distribution)
            cutting.at = number
            with pytest.raises(Cut):
                run(second, bucket, "v2")
            cutting.at = None
            where = f"cut before write {number} ({write})"
            assert missing_assets(bucket) == [], where
            assert {key: objects(bucket)[key] for key in FOREIGN} == {key: md5s({}, "")[key] for key in FOREIGN}, where
            owned = set(manifest(bucket)["keys"]) | {publish.FINGERPRINT_KEY}
            assert set(objects(bucket)) - set(FOREIGN) <= owned, where  # it lost track of no key it wrote
            if fingerprint_in(bucket) == "v2":
                assert objects(bucket) == md5s(V2, "v2"), where  # the new fingerprint only on the whole build

            run(rerun, bucket, fingerprint)
            assert objects(bucket) == md5s(files, fingerprint), f"{where}, then a publish of {rerun.name}"
            assert set(manifest(bucket)["keys"]) == {*files, publish.FINGERPRINT_KEY}
            assert manifest(bucket)["stale"] == []
            if rerun is second:
                sent = invalidated_since(distribution, sent_before)
                assert sent >= replaced_or_gone, f"{where}: not invalidated {sorted(replaced_or_gone - sent)}"
