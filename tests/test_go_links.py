"""#21: what the build shares and publishes for /go/ links: the wall's cards and composer carry the post's
/go/{post}/{network} link on the wall's own address, `track: false` shares the plain UTM link, the catalogue
holds where each network's /go/ link leads, and `check` counts the /go/ URL where a network counts URLs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from site_builder import sharing
from site_builder.content import load_content
from site_builder.settings import Settings
from tests.test_check import VALID, _now, post

ROOT = Path(__file__).resolve().parents[1]
SITE = "https://wall.example/"


def content(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "content"
    (root / "posts" / "2026").mkdir(parents=True)
    (root / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    for name, text in files.items():
        (root / "posts" / "2026" / f"{name}.md").write_text(text)
    return root


def test_a_tracked_post_shares_its_go_link_and_an_untracked_one_its_utm_link(tmp_path):
    settings = Settings(site_url=SITE)
    found = load_content(content(tmp_path, {"tracked": VALID, "untracked": post(track="false")}), settings, now=_now())
    assert not [issue for issue in found.issues if issue.severity == "error"], found.issues
    posts = {item.slug: item for item in found.posts}
    tracked, untracked = (sharing.prepare(posts[name], settings) for name in ("tracked", "untracked"))
    assert tracked.link("bluesky") == "https://wall.example/go/tracked/bluesky"
    assert tracked.utm("bluesky") == ("https://example.com/valid?utm_source=bluesky&utm_medium=employee-advocacy"
                                      "&utm_campaign=tracked")
    assert untracked.go_slot is None and untracked.link("bluesky") == untracked.utm("bluesky")
    # a site below a path keeps it; no site_url: a site path (the composer puts the page's origin before it)
    assert sharing.prepare(posts["tracked"], Settings(site_url="https://intra.example/wall")).link("x") == \
        "https://intra.example/wall/go/tracked/x"
    assert sharing.prepare(posts["tracked"], Settings()).link("x") == "/go/tracked/x"


def test_track_must_be_true_or_false_named_at_its_line(tmp_path):
    found = load_content(content(tmp_path, {"wrong": post(track="'no'")}), Settings(), now=_now())
    issue, = [issue for issue in found.issues if issue.severity == "error"]
    assert issue.line == 2 and "track" in issue.message, issue


def _fitting(settings: Settings, tmp_path: Path) -> str:
    """The longest Bluesky suggestion that fits with the /go/ link of a tracked post."""
    probe = load_content(content(tmp_path / "probe", {"long-post": post(networks="[bluesky]")}), settings, now=_now())
    prepared = sharing.prepare(probe.posts[0], settings)
    size = 1
    while sharing.limit_error("bluesky", prepared.lock.wrap("x" * (size + 1)), prepared.link("bluesky")) is None:
        size += 1
    return "x" * size


def test_check_counts_the_go_url_where_bluesky_counts_the_url_in_full(tmp_path):
    settings = Settings(site_url=SITE)
    text = _fitting(settings, tmp_path)
    files = {"long-post": post(networks="[bluesky]", **{"  - Worth reading.": f"  - {text}\n"}),
             "long-untracked": post(networks="[bluesky]", track="false", **{"  - Worth reading.": f"  - {text}\n"})}
    found = load_content(content(tmp_path / "both", files), settings, now=_now())
    errors = [issue for issue in found.issues if issue.severity == "error"]
    # the /go/ link is shorter than the UTM link: the same text fits the tracked post only
    assert [Path(issue.path).stem for issue in errors] == ["long-untracked"], errors
    assert "on bluesky with link and disclosure; the limit is 300" in errors[0].message


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The repository's site with one more post that opts out of click counting."""
    from site_builder.plugin import build_site

    folder = tmp_path_factory.mktemp("go-links")
    shutil.copytree(ROOT / "content", folder / "content")
    source = (ROOT / "content" / "posts" / "2026" / "arm-migration.md").read_text(encoding="utf-8")
    (folder / "content" / "posts" / "2026" / "arm-untracked.md").write_text(
        source.replace("\n---", "\ntrack: false\n---", 1), encoding="utf-8")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["docs_dir"] = str(folder / "content")
    config["theme"]["custom_dir"] = str(ROOT / "templates")
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return build_site(folder / "mkdocs.yml", folder / "site")


def test_the_catalogue_says_where_each_networks_go_link_leads(built):
    catalogue = {item["slug"]: item for item in json.loads((built / "sharewall" / "catalogue.json").read_text())["posts"]}
    published = {item["slug"]: item for item in json.loads((built / "posts.json").read_text())["posts"]}
    for slug, entry in catalogue.items():
        assert set(entry["links"]) == {*entry["networks"], "system"}, slug
        for network, link in entry["links"].items():
            assert link.startswith(published[slug]["link"].split("?")[0]) and f"utm_source={network}&" in link
        assert entry["publish"] == published[slug]["publish"] and entry["expires"] == published[slug]["expires"]
        assert entry["campaign"] == published[slug]["campaign"]
    assert catalogue["arm-untracked"]["track"] is False and catalogue["arm-migration"]["track"] is True


def test_cards_share_the_go_link_and_an_untracked_post_its_utm_link(built):
    wall = (built / "index.html").read_text(encoding="utf-8")
    site = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)["site_url"].rstrip("/")
    assert f"{site}/go/arm-migration/x" in unquote(wall)  # the plain (no-script) share links
    assert '"link":"/go/arm-migration/%7Bnetwork%7D"' in wall  # the composer's, from the page's own origin
    assert f"{site}/go/arm-untracked/" not in unquote(wall)
    assert '"link":"https://' in wall.split('"post":"arm-untracked"', 1)[1].split("</script>", 1)[0]



def test_a_campaigns_goal_is_checked_at_its_line(tmp_path):
    from site_builder.content import load_campaigns

    (tmp_path / "campaigns.yml").write_text(
        "fair:\n  name: Fair\n  start: 2026-01-01\n  end: 2026-02-01\n  reimbursed: false\n  goal: {likes: 5}\n"
        "other:\n  name: Other\n  start: 2026-01-01\n  end: 2026-02-01\n  reimbursed: false\n  goal: {shares: -3}\n"
        "third:\n  name: T\n  start: 2026-01-01\n  end: 2026-02-01\n  reimbursed: false\n  goal: {}\n"
        "fine:\n  name: F\n  start: 2026-01-01\n  end: 2026-02-01\n  reimbursed: false\n  goal: {clicks: 900}\n")
    campaigns, issues = load_campaigns(tmp_path / "campaigns.yml", tmp_path)
    assert [(issue.line, issue.message) for issue in issues] == [
        (6, "campaign fair: unknown field 'goal.likes'; a goal names shares, clicks or both, like {shares: 500}"),
        (12, "campaign other: goal[shares] Input should be greater than 0"),
        (18, "campaign third: goal must name shares, clicks or both, like {shares: 500}")]
    assert campaigns["fine"].goal.clicks == 900 and campaigns["fine"].goal.shares is None


def test_the_go_behaviour_the_local_gate_and_the_reserved_names_agree():
    from site_builder import reserved
    from site_builder.local.gate import BYPASS_PREFIXES, gated
    from site_builder.local.template import load_template

    config = load_template(ROOT / "template.yaml")["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    ungated = {b["PathPattern"] for b in config["CacheBehaviors"] if "FunctionAssociations" not in b}
    assert ungated == {"/api/*", "/go/*"}  # CloudFront runs the wall gate on neither
    assert "/go/" in BYPASS_PREFIXES and not gated("/go/arm-migration/x", "/api")  # nor does the local server
    assert gated("/gone/", "/api") and gated("/posts/go/", "/api")  # only the /go/ folder itself
    # no content page may take the name, and the gate's own public rule has no business with it
    assert reserved.reserved_name("go.md") == "go" and reserved.reserved_name("go/index.md") == "go"
    assert not reserved.opened_by_gate("/go/arm-migration/x")
