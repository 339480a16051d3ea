"""`sharewall publish` against the moto server over HTTP, `active-posts` and `build --production`.

A small wall is built with a fixed clock, published, rebuilt after one of its posts expired and
published again: only what changed goes up, the expired post's page goes away, and CloudFront is
told about exactly the replaced and deleted paths.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest
from click.testing import CliRunner

from site_builder import publish
from site_builder.cli import main
from site_builder.fingerprint import active_set
from site_builder.local.aws import REGION
from site_builder.plugin import build_site
from site_builder.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
BERLIN = ZoneInfo("Europe/Berlin")
BEFORE = datetime(2026, 6, 1, 12, 0, tzinfo=BERLIN)  # all three posts on the wall
AFTER = BEFORE + timedelta(days=2)  # `fading` expired (end of 2026-06-02)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3"/></svg>\n'
SIGN_IN = ("{authorize_url: https://login.example.com/authorize, token_url: https://login.example.com/token, "
           "client_id: wall}")

CONFIG = """\
site_name: Publish Test
site_url: {site_url}
docs_dir: content
site_dir: site
exclude_docs: sources.yml
theme: {{name: material, custom_dir: {templates}, language: de}}
nav: [index.md]
plugins:
  - search
  - sharewall:
      timezone: Europe/Berlin
      languages: [de, en]
      disclosures:
        de: {{sponsored: "Anzeige |", employee: "#Kollegin", label: "Anzeige"}}
        en: {{sponsored: "Ad |", employee: "#employee", label: "Ad"}}
"""


def post(title: str, publish_at: str, **fields: str) -> str:
    return "\n".join([
        "---", f"title: {title}", f"link: https://news.example.com/{title.split()[-1].lower()}",
        f"summary: Summary of {title}.", "source: comms", "language: de", f"publish: {publish_at}",
        *(f"{key}: {value}" for key, value in fields.items()),
        "suggestions:", f"  - Teilt {title}!", "---", f"Briefing about {title}.", "",
    ])


def make_project(root: Path, site_url: str = "https://wall.example.com/", sign_in: str | None = None) -> Path:
    """A wall of three posts; `fading` expires at the end of 2026-06-02. Returns its mkdocs.yml."""
    content = root / "content"
    (content / "posts" / "2026").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "images" / "steady.svg").write_text(SVG, encoding="utf-8")
    (content / "sources.yml").write_text("comms: {name: Comms, kind: department}\n", encoding="utf-8")
    (content / "index.md").write_text("# Wall\n", encoding="utf-8")
    posts = {
        "steady": post("Steady Heron", "2026-05-20 09:00", image="images/steady.svg", image_alt="A heron"),
        "lasting": post("Lasting Orca", "2026-05-25 09:00"),
        "fading": post("Fading Walrus", "2026-05-28 09:00", expires="2026-06-02"),
    }
    for slug, text in posts.items():
        (content / "posts" / "2026" / f"{slug}.md").write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    text = CONFIG.format(site_url=site_url, templates=json.dumps(str(ROOT / "templates")))
    config.write_text(text + (f"      sign_in: {sign_in}\n" if sign_in else ""), encoding="utf-8")
    return config


def build_at(moment: datetime, config: Path, monkeypatch) -> Path:
    """Build the site as the plugin would at `moment` (the plugin's clock fixed)."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz)

    with monkeypatch.context() as patch:
        patch.setattr("site_builder.plugin.datetime", Clock)
        return build_site(config)


def digests(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.md5(path.read_bytes()).hexdigest()
            for path in site.rglob("*") if path.is_file()}


def sharewall(*args: str):
    """Run the CLI in-process; anything but a clean exit (an uncaught exception) fails the test."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


@pytest.fixture
def bucket(moto_endpoint) -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


@pytest.fixture
def distribution(moto_endpoint) -> str:
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    return cloudfront.create_distribution(DistributionConfig={
        "CallerReference": uuid.uuid4().hex, "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "site.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}},
    })["Distribution"]["Id"]


def invalidations(distribution: str) -> list[list[str]]:
    """The paths of every invalidation of the distribution, oldest first."""
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    items = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items") or []
    batches = [cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])["Invalidation"]
               for item in items]
    return [sorted(batch["InvalidationBatch"]["Paths"]["Items"])
            for batch in sorted(batches, key=lambda batch: batch["CreateTime"])]


def objects(bucket: str, *, record: bool = False) -> dict[str, str]:
    """Key -> ETag (the MD5 of a single-part upload) of every object in the bucket; publish's own record
    (sharewall/published.json) only with `record`."""
    s3 = boto3.client("s3", region_name=REGION)
    return {entry["Key"]: entry["ETag"].strip('"')
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for entry in page.get("Contents", []) if record or entry["Key"] != publish.MANIFEST_KEY}


def manifest(bucket: str) -> dict[str, list[str]]:
    """Publish's record in the bucket: the keys it wrote and the keys not yet invalidated."""
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=publish.MANIFEST_KEY)["Body"]
    return json.loads(body.read())


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path)


# --- publishing -------------------------------------------------------------------------------


def test_first_run_uploads_everything_an_unchanged_second_run_nothing(project, bucket, distribution,
                                                                      moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    files = digests(site)
    args = ["publish", str(site), "--bucket", bucket, "--distribution", distribution, "--endpoint-url", moto_endpoint]

    first = sharewall(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout == f"uploaded {len(files)}, deleted 0, unchanged 0\n"
    assert objects(bucket) == files
    assert manifest(bucket) == {"written_by": "sharewall publish", "keys": sorted(files), "stale": []}
    assert invalidations(distribution) == []  # nothing was replaced or deleted: no cached copy is stale
    written = objects(bucket, record=True)

    second = sharewall(*args)
    assert second.stdout == f"uploaded 0, deleted 0, unchanged {len(files)}\n"
    assert invalidations(distribution) == []
    assert objects(bucket, record=True) == written  # not even the record was written again


def test_after_a_post_expires_only_changed_pages_go_up_and_its_page_is_deleted(project, bucket, distribution,
                                                                                moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    args = ["publish", str(site), "--bucket", bucket, "--distribution", distribution, "--endpoint-url", moto_endpoint]
    assert sharewall(*args).exit_code == 0
    before = digests(site)

    build_at(AFTER, project, monkeypatch)  # into the same site/ folder, as the scheduled deploy does
    after = digests(site)
    changed = sorted(key for key in after if key in before and before[key] != after[key])
    added = sorted(key for key in after if key not in before)
    gone = sorted(key for key in before if key not in after)
    assert gone == ["posts/fading/index.html"]
    assert added == []
    # the wall lost a card; what lists the posts changed with it, nothing else (other posts, assets)
    assert "index.html" in changed
    listings = {"index.html", "feed.xml", "posts.json", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"}
    assert set(changed) - listings <= {key for key in after if key.startswith("sharewall/") and key.endswith(".json")}

    result = sharewall(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"uploaded {len(changed)}, deleted 1, unchanged {len(after) - len(changed)}\n"
    assert objects(bucket) == after
    expected = {f"/{key}" for key in [*changed, *gone]} | {"/", "/posts/fading/"}
    expected |= {f"/{key.removesuffix('index.html')}" for key in changed if key.endswith("/index.html")}
    assert invalidations(distribution) == [sorted(expected)]


def test_past_the_limit_the_invalidation_is_everything(project, bucket, distribution, moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    args = ["publish", str(site), "--bucket", bucket, "--distribution", distribution, "--endpoint-url", moto_endpoint]
    assert sharewall(*args).exit_code == 0
    build_at(AFTER, project, monkeypatch)
    result = sharewall(*args, "--invalidation-limit", "3")
    assert result.exit_code == 0, result.output
    assert invalidations(distribution) == [["/*"]]


def test_content_type_and_cache_control_follow_the_file_kind(project, bucket, moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    assert sharewall("publish", str(site), "--bucket", bucket, "--endpoint-url", moto_endpoint).exit_code == 0
    hashed = next(path for path in (site / "assets" / "javascripts").glob("bundle.*.min.js"))
    expected = {
        "index.html": ("text/html; charset=utf-8", publish.SHORT),
        "posts/steady/index.html": ("text/html; charset=utf-8", publish.SHORT),
        "sitemap.xml": ("application/xml; charset=utf-8", publish.SHORT),
        "sitemap.xml.gz": ("application/gzip", publish.SHORT),
        "feed.xml": ("application/atom+xml; charset=utf-8", publish.SHORT),
        "search/search_index.json": ("application/json", publish.SHORT),
        "sharewall/catalogue.json": ("application/json", publish.SHORT),
        hashed.relative_to(site).as_posix(): ("text/javascript; charset=utf-8", publish.IMMUTABLE),
        "assets/sharewall/site.js": ("text/javascript; charset=utf-8", publish.REVALIDATE),
        "assets/sharewall/sharewall.css": ("text/css; charset=utf-8", publish.REVALIDATE),
        "images/steady.svg": ("image/svg+xml", publish.DAY),
        "assets/images/favicon.png": ("image/png", publish.DAY),
    }
    s3 = boto3.client("s3", region_name=REGION)
    for key, (kind, cache) in expected.items():
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (key, head["ContentType"], head["CacheControl"]) == (key, kind, cache)
        assert "ContentEncoding" not in head  # sitemap.xml.gz is a gzip file, not gzip-encoded XML


@pytest.mark.parametrize(("key", "kind"), [
    ("a/app.js", "text/javascript; charset=utf-8"), ("a/site.css", "text/css; charset=utf-8"),
    ("data.json", "application/json"), ("x/sitemap.xml", "application/xml; charset=utf-8"),
    ("i/logo.svg", "image/svg+xml"), ("fonts/inter.woff2", "font/woff2"),
    ("site.webmanifest", "application/manifest+json"), ("robots.txt", "text/plain; charset=utf-8"),
    ("photo.JPG", "image/jpeg"), ("notes.unknown-kind", "application/octet-stream"),
])
def test_content_types(key, kind):
    assert publish.content_type(key) == kind


@pytest.mark.parametrize(("key", "cache"), [
    ("assets/stylesheets/main.57a0d79d.min.css", publish.IMMUTABLE),
    ("assets/javascripts/workers/search.a7633da7.min.js.map", publish.IMMUTABLE),
    ("assets/javascripts/lunr/min/lunr.de.min.js", publish.REVALIDATE),  # no hash in the name
    ("images/photo.deadbeef.png", publish.DAY),  # a hash-like name outside assets/ is an author's file
    ("assets/fonts/inter.woff2", publish.DAY),
    ("404.html", publish.SHORT), ("posts.json", publish.SHORT), ("sharewall/active.txt", publish.SHORT),
])
def test_cache_control(key, cache):
    assert publish.cache_control(key) == cache


def test_invalidation_paths_add_the_directory_form_and_collapse_past_the_limit():
    assert publish.invalidation_paths(["index.html", "posts/a b/index.html", "feed.xml"]) == [
        "/", "/feed.xml", "/index.html", "/posts/a%20b/", "/posts/a%20b/index.html"]
    assert publish.invalidation_paths([f"p/{n}.json" for n in range(4)], limit=3) == ["/*"]
    assert publish.invalidation_paths([f"p/{n}.json" for n in range(3)], limit=3) == [f"/p/{n}.json" for n in range(3)]


def test_dry_run_changes_nothing(project, bucket, distribution, moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    args = ["publish", str(site), "--bucket", bucket, "--distribution", distribution, "--endpoint-url", moto_endpoint]
    first = sharewall(*args, "--dry-run")
    assert first.stdout == f"would upload {len(digests(site))}, would delete 0, unchanged 0\n"
    assert objects(bucket) == {}
    assert sharewall(*args).exit_code == 0
    published = objects(bucket)
    build_at(AFTER, project, monkeypatch)

    result = sharewall(*args, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("would upload ") and ", would delete 1, " in result.stdout
    assert "delete posts/fading/index.html" in result.stderr
    assert objects(bucket) == published
    assert invalidations(distribution) == []


def test_pages_go_up_after_what_they_reference_and_deletes_come_last():
    files = [publish.LocalFile("posts/new/index.html", "1"), publish.LocalFile("assets/x.js", "2"),
             publish.LocalFile("index.html", "3"), publish.LocalFile("posts.json", "4")]
    remote = {"index.html": '"0"', "old.html": '"9"', "old.js": '"8"', "posts.json": '"4"', "backups/b": '"7"'}
    plan = publish.make_plan(files, remote, owned={"index.html", "old.js", "old.html", "posts.json"})
    assert [file.key for file in plan.uploads] == ["assets/x.js", "index.html", "posts/new/index.html"]
    # pages that left go before what they referenced; a key publish never wrote is kept
    assert (plan.replaced, plan.deletes, plan.unchanged) == (["index.html"], ["old.html", "old.js"], 1)
    assert plan.kept == ["backups/b"]


def test_an_etag_that_is_no_md5_means_upload_again():
    # a multipart upload's ETag is an MD5 of MD5s with a part count: never equal to the file's MD5
    digest = hashlib.md5(b"x").hexdigest()
    plan = publish.make_plan([publish.LocalFile("big.bin", digest)], {"big.bin": f'"{digest}-2"'}, owned=set())
    assert ([file.key for file in plan.uploads], plan.unchanged) == (["big.bin"], 0)


def test_the_bucket_changes_in_order_assets_pages_deletes_fingerprint(project, bucket, moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    (site / "old-page.html").write_text("<p>old</p>", encoding="utf-8")
    publish.publish(site, bucket, endpoint_url=moto_endpoint)
    (site / "old-page.html").unlink()
    for key in ("index.html", "assets/sharewall/site.js", "sharewall/catalogue.json"):
        with (site / key).open("a", encoding="utf-8") as handle:
            handle.write("\n")
    calls: list[str] = []
    clients = publish._clients

    def recording(*args):
        s3, cloudfront = clients(*args)
        s3.meta.events.register("provide-client-params.s3.*", lambda model, params, **_: calls.append(
            f"{model.name} {params.get('Key') or [item['Key'] for item in params['Delete']['Objects']]}"
            if model.name in ("PutObject", "DeleteObjects") else model.name))
        return s3, cloudfront

    monkeypatch.setattr(publish, "_clients", recording)
    result = publish.publish(site, bucket, endpoint_url=moto_endpoint, fingerprint="f" * 64)
    assert publish.summary(result.plan) == f"uploaded 4, deleted 1, unchanged {len(digests(site)) - 3}"
    writes = [call for call in calls if call.startswith(("PutObject", "DeleteObjects"))]
    # the record first (it names sharewall/active.txt, new, and the keys going stale), the fingerprint last
    assert writes[0] == f"PutObject {publish.MANIFEST_KEY}"
    assert sorted(writes[1:3]) == ["PutObject assets/sharewall/site.js", "PutObject sharewall/catalogue.json"]
    assert writes[3:] == ["PutObject index.html", "DeleteObjects ['old-page.html']", f"PutObject {publish.MANIFEST_KEY}",
                          "PutObject sharewall/active.txt"]


# --- what publish owns and what it reads -------------------------------------------------------

FOREIGN = {"other-app/index.html": b"<p>another app</p>", "backups/2026-05-31.tar": b"backup",
           "old.html": b"<p>put here by hand</p>"}


def test_publish_deletes_only_the_keys_it_wrote(project, bucket, moto_endpoint, monkeypatch):
    """Issue #17: publish deleted every key not in the site (`other-app/`, `backups/`). Now only the keys its
    record (sharewall/published.json) names as written by it."""
    s3 = boto3.client("s3", region_name=REGION)
    for key, body in FOREIGN.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    site = build_at(BEFORE, project, monkeypatch)
    args = ["publish", str(site), "--bucket", bucket, "--endpoint-url", moto_endpoint]
    first = sharewall(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout == f"uploaded {len(digests(site))}, deleted 0, unchanged 0\n"
    assert first.stderr == ("kept 3 objects that sharewall publish did not write (first: backups/2026-05-31.tar); "
                            "it deletes only the keys in sharewall/published.json\n")
    assert set(manifest(bucket)["keys"]) == set(digests(site))

    build_at(AFTER, project, monkeypatch)
    dry = sharewall(*args, "--dry-run")
    assert "delete posts/fading/index.html" in dry.stderr and "keep other-app/index.html (not written" in dry.stderr
    second = sharewall(*args)
    assert second.exit_code == 0, second.output
    assert ", deleted 1, " in second.stdout  # the expired post's page, which publish wrote
    hashes = {key: hashlib.md5(body).hexdigest() for key, body in FOREIGN.items()}
    assert objects(bucket) == {**digests(site), **hashes}
    assert set(manifest(bucket)["keys"]) == set(digests(site))


def test_an_unreadable_record_stops_publish_before_anything_changes(project, bucket, moto_endpoint, monkeypatch):
    site = build_at(BEFORE, project, monkeypatch)
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=publish.MANIFEST_KEY, Body=b"{not json")
    result = sharewall("publish", str(site), "--bucket", bucket, "--endpoint-url", moto_endpoint)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {publish.MANIFEST_KEY} in bucket {bucket} cannot be read (")
    assert "nothing was changed" in result.output
    assert objects(bucket) == {}


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_symbolic_link_in_the_site_is_refused_and_nothing_uploaded(project, bucket, moto_endpoint, monkeypatch,
                                                                      tmp_path, kind):
    """Issue #17: files from outside the repository reached the wall through a link in the built site."""
    site = build_at(BEFORE, project, monkeypatch)
    outside = tmp_path / "outside"
    (outside / "keys").mkdir(parents=True)
    (outside / "keys" / "id_rsa").write_text("PRIVATE KEY\n", encoding="utf-8")
    link = site / "images" / ("id_rsa" if kind == "file" else "keys")
    link.symlink_to(outside / "keys" / "id_rsa" if kind == "file" else outside / "keys")
    result = sharewall("publish", str(site), "--bucket", bucket, "--endpoint-url", moto_endpoint)
    assert result.exit_code == 1
    assert result.output == (f"Error: {site} holds 1 symbolic link(s) or special file(s): {link} -> {link.readlink()}; "
                             "publish uploads only regular files inside the site folder; nothing was uploaded\n")
    assert objects(bucket, record=True) == {}


def test_a_link_put_in_place_of_a_listed_file_is_not_followed(tmp_path):
    (tmp_path / "secret").write_text("secret\n", encoding="utf-8")
    (tmp_path / "page.html").symlink_to(tmp_path / "secret")
    with pytest.raises(publish.PublishError, match=r"page\.html: cannot be read \(.*\); publish follows no symbolic link"):
        publish.open_file(tmp_path / "page.html")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(publish.PublishError, match=r"pipe is not a regular file"):
        publish.open_file(tmp_path / "pipe")
    with pytest.raises(publish.PublishError, match=r"holds 2 symbolic link\(s\) or special file\(s\): "):
        publish.regular_files(tmp_path)


# --- errors: one clear line, exit 1, nothing changed --------------------------------------------


def test_a_missing_site_folder_or_bucket_is_one_clear_line(project, bucket, tmp_path, moto_endpoint, monkeypatch):
    missing = sharewall("publish", str(tmp_path / "nowhere"), "--bucket", bucket, "--endpoint-url", moto_endpoint)
    assert missing.exit_code == 1
    assert missing.output == f"Error: site folder {tmp_path / 'nowhere'} does not exist; run `sharewall build` first\n"

    empty = tmp_path / "empty"
    empty.mkdir()
    refused = sharewall("publish", str(empty), "--bucket", bucket, "--endpoint-url", moto_endpoint)
    assert refused.exit_code == 1 and "no index.html" in refused.output

    site = build_at(BEFORE, project, monkeypatch)
    no_bucket = sharewall("publish", str(site), "--bucket", "no-such-bucket-here", "--endpoint-url", moto_endpoint)
    assert no_bucket.exit_code == 1
    assert no_bucket.output == "Error: bucket no-such-bucket-here does not exist (or this account cannot see it)\n"

    wrong = sharewall("publish", str(site), "--bucket", bucket, "--distribution", "E0NOSUCHONE",
                      "--endpoint-url", moto_endpoint)
    assert wrong.exit_code == 1
    assert wrong.output == "Error: CloudFront distribution E0NOSUCHONE does not exist\n"
    assert objects(bucket) == {}  # checked before the bucket changed


# --- the active-set fingerprint -----------------------------------------------------------------


def test_the_fingerprint_changes_when_a_post_expires_not_when_time_just_passes(project):
    content, settings = project.parent / "content", load_settings(project)
    before = active_set(content, settings, BEFORE, project)
    assert before.active == 3 and before.errors == 0
    assert active_set(content, settings, BEFORE + timedelta(hours=5), project) == before
    after = active_set(content, settings, AFTER, project)
    assert after.active == 2 and after.fingerprint != before.fingerprint
    assert active_set(content, settings, BEFORE, project, revision="abc").fingerprint != before.fingerprint

    (content / "posts" / "2026" / "lasting.md").write_text(post("Lasting Orca", "2026-05-25 09:00")
                                                           .replace("Briefing", "New briefing"), encoding="utf-8")
    assert active_set(content, settings, BEFORE, project).fingerprint != before.fingerprint

    (content / "posts" / "2026" / "broken.md").write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    refused = sharewall("active-posts", str(content), "--config", str(project))
    assert refused.exit_code == 1
    assert refused.output.endswith(f"content errors; run `sharewall check {content}`\n")
    assert "fingerprint=" not in refused.output  # no fingerprint of content a build would refuse


def test_publish_stores_the_fingerprint_and_active_posts_compares_with_it(project, bucket, moto_endpoint,
                                                                          monkeypatch):
    content = str(project.parent / "content")
    printed = sharewall("active-posts", content, "--config", str(project))
    assert printed.exit_code == 0, printed.output
    (line,) = printed.stdout.splitlines()
    fingerprint = line.removeprefix("fingerprint=")
    assert len(fingerprint) == 64

    compare = ["active-posts", content, "--config", str(project), "--bucket", bucket, "--endpoint-url", moto_endpoint]
    assert sharewall(*compare).stdout == f"fingerprint={fingerprint}\nchanged=true\n"  # nothing published yet

    site = build_at(BEFORE, project, monkeypatch)
    args = ["publish", str(site), "--bucket", bucket, "--endpoint-url", moto_endpoint]
    result = sharewall(*args, "--fingerprint", fingerprint)
    assert result.stdout == f"uploaded {len(digests(site)) + 1}, deleted 0, unchanged 0\n"
    assert sharewall(*compare).stdout == f"fingerprint={fingerprint}\nchanged=false\n"

    missing = sharewall("active-posts", content, "--config", str(project), "--bucket", "no-such-bucket-here",
                        "--endpoint-url", moto_endpoint)
    assert missing.exit_code == 1
    assert missing.stderr.endswith("Error: bucket no-such-bucket-here does not exist (or this account cannot see it)\n")

    # a publish without a fingerprint removes the stored one: the next scheduled run rebuilds
    assert sharewall(*args).stdout == f"uploaded 0, deleted 1, unchanged {len(digests(site))}\n"
    assert sharewall(*compare).stdout.endswith("changed=true\n")


# --- production guards --------------------------------------------------------------------------

TEMPLATE = """\
Parameters:
  PayerName: {Type: String, Default: Sharewall Demo GmbH}
  PayerIban: {Type: String, Default: DE02120300000000202051, AllowedPattern: "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"}
Resources: {}
"""
OWN_PAYER = 'parameter_overrides = "PayerName=\\"Example AG\\" PayerIban=DE89370400440532013000"\n'


def production_project(root: Path, site_url: str = "https://wall.example.com/", sign_in: str | None = SIGN_IN,
                       samconfig: str | None = OWN_PAYER) -> Path:
    config = make_project(root, site_url=site_url, sign_in=sign_in)
    (root / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    if samconfig is not None:
        (root / "samconfig.toml").write_text(f"version = 0.1\n[default.deploy.parameters]\n{samconfig}",
                                             encoding="utf-8")
    return config


def production_build(config: Path, *extra: str):
    return sharewall("build", "--production", "--config", str(config), *extra)


@pytest.mark.parametrize(("site_url", "message"), [
    ("http://localhost:8000/", "mkdocs.yml: site_url: 'http://localhost:8000/' is a local address"),
    ("https://127.0.0.1/", "mkdocs.yml: site_url: 'https://127.0.0.1/' is a local address"),
    ("http://wall.example.com/", "mkdocs.yml: site_url: 'http://wall.example.com/' is not https"),
])
def test_production_refuses_a_local_or_plain_http_site_url(tmp_path, site_url, message):
    config = production_project(tmp_path, site_url=site_url)
    result = production_build(config)
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "site").exists()  # nothing built, so nothing to publish


def test_production_refuses_a_missing_sign_in(tmp_path):
    result = production_build(production_project(tmp_path, sign_in=None))
    assert result.exit_code == 1
    assert "mkdocs.yml: plugins.sharewall.sign_in: missing" in result.output
    assert not (tmp_path / "site").exists()


def test_production_refuses_the_demo_payer_wherever_it_comes_from(tmp_path):
    defaults = production_build(production_project(tmp_path / "a", samconfig=None))
    assert defaults.exit_code == 1
    assert "template.yaml Default: PayerIban: 'DE02120300000000202051' is the demo payer" in defaults.output
    assert "template.yaml Default: PayerName: 'Sharewall Demo GmbH' is the demo payer" in defaults.output

    demo = 'parameter_overrides = ["PayerName=Example AG", "PayerIban=DE02120300000000202051"]\n'
    configured = production_build(production_project(tmp_path / "b", samconfig=demo))
    assert configured.exit_code == 1
    assert "samconfig.toml [default]: PayerIban: 'DE02120300000000202051' is the demo payer" in configured.output
    assert "PayerName" not in configured.output

    given = production_build(production_project(tmp_path / "c"), "--parameter", "PayerIban=DE02120300000000202051",
                             "--parameter", "PayerName=Example AG")
    assert given.exit_code == 1
    assert "--parameter: PayerIban: 'DE02120300000000202051' is the demo payer" in given.output

    sandbox = production_project(tmp_path / "d")
    with (tmp_path / "d" / "samconfig.toml").open("a", encoding="utf-8") as handle:
        handle.write('[sandbox.deploy.parameters]\nparameter_overrides = "PayerName=\\"Sharewall Demo GmbH\\""\n')
    chosen = production_build(sandbox, "--config-env", "sandbox")
    assert chosen.exit_code == 1
    assert "samconfig.toml [sandbox]: PayerName: 'Sharewall Demo GmbH' is the demo payer" in chosen.output
    assert not any((tmp_path / name / "site").exists() for name in "abcd")


def test_production_refuses_a_payer_it_cannot_see(tmp_path):
    config = production_project(tmp_path, samconfig=None)
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace(", Default: Sharewall Demo GmbH", ""), encoding="utf-8")
    result = production_build(config, "--parameter", "PayerIban=DE89370400440532013000")
    assert result.exit_code == 1
    assert "PayerName: no value; pass --parameter PayerName=... as `sam deploy` gets it" in result.output
    assert "PayerIban" not in result.output


def test_production_lists_every_problem_at_once_and_builds_a_proper_site(tmp_path):
    bad = production_build(production_project(tmp_path / "bad", site_url="http://localhost:8000/", sign_in=None,
                                              samconfig=None))
    assert bad.exit_code == 1
    lines = bad.output.splitlines()
    assert lines[0] == "Error: 4 problems for production, nothing was built:"
    assert [line.split(": ")[:2] for line in lines[1:]] == [
        ["  mkdocs.yml", "site_url"], ["  mkdocs.yml", "plugins.sharewall.sign_in"],
        ["  template.yaml Default", "PayerIban"], ["  template.yaml Default", "PayerName"]]

    good = production_build(production_project(tmp_path / "good"))
    assert good.exit_code == 0, good.output
    assert (tmp_path / "good" / "site" / "index.html").is_file()
