"""The `sharewall` MkDocs plugin, through real builds of small projects.

A post outside its publish/expiry window must appear nowhere in the built site, bad content must
fail the build with every located error and publish nothing, and what the wall serves without
JavaScript must follow the sharing rules.
"""

from __future__ import annotations

import html
import json
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from mkdocs.exceptions import Abort

from site_builder import sharing
from site_builder.networks import NETWORKS
from site_builder.plugin import build_site

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(ZoneInfo("Europe/Berlin"))
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"><rect width="16" height="9"/></svg>\n'

CONFIG = """\
site_name: Test Wall
site_url: https://wall.example.com/
docs_dir: content
site_dir: site
exclude_docs: |
  sources.yml
  campaigns.yml
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
      utm_medium: advocacy-test
      page_size: {page_size}
"""


def post(title: str, publish: datetime, **fields: str) -> str:
    lines = [
        "---", f"title: {title}", f"link: https://news.example.com/{title.split()[-1].lower()}?ref=wall",
        f"summary: Summary of {title}.", "source: comms", "language: de", f"publish: {publish:%Y-%m-%d %H:%M}",
        *(f"{key}: {value}" for key, value in fields.items()),
        "suggestions:", f"  - Teilt {title} mit euren Worten!", "---", f"Briefing about {title}.", "",
    ]
    return "\n".join(lines)


POSTS = {
    "active-orca": post("Active Orca", NOW - timedelta(days=1), topics="[alpha, beta]", image="images/orca.svg",
                        image_alt="An orca", hashtags="[Orca]"),
    "sponsored-heron": post("Sponsored Heron", NOW - timedelta(days=2), disclosure="sponsored", campaign="heron-fair",
                            networks="[x, linkedin]", topics="[beta]"),
    "scheduled-zeppelin": post("Scheduled Zeppelin", NOW + timedelta(days=2), image="images/zeppelin.svg",
                               image_alt="A zeppelin", topics="[secret-topic]"),
    "expired-walrus": post("Expired Walrus", NOW - timedelta(days=10), expires=f"{NOW - timedelta(days=2):%Y-%m-%d}"),
}


def make_project(root: Path, posts: dict[str, str], page_size: int = 24, sign_in: str | None = None) -> Path:
    """A project of `posts` under `root`; `sign_in` is the plugin's sign_in setting as YAML flow text."""
    content = root / "content"
    (content / "posts" / "2026").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "sources.yml").write_text("comms: {name: Comms Team, kind: department}\n", encoding="utf-8")
    (content / "campaigns.yml").write_text(
        "heron-fair: {name: Heron Fair, start: 2026-01-01, end: 2026-12-31, reimbursed: true}\n", encoding="utf-8")
    (content / "index.md").write_text("# Wall\n\nIntro text.\n", encoding="utf-8")
    for name in ("orca", "zeppelin"):
        (content / "images" / f"{name}.svg").write_text(SVG, encoding="utf-8")
    for slug, text in posts.items():
        (content / "posts" / "2026" / f"{slug}.md").write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    text = CONFIG.format(templates=json.dumps(str(ROOT / "templates")), page_size=page_size)
    if sign_in is not None:
        text += f"      sign_in: {sign_in}\n"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wall")
    return build_site(make_project(root, POSTS, page_size=1))


def all_text(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in site.rglob("*") if path.is_file() and path.suffix in {".html", ".json", ".xml", ".js", ".txt"}
    }


def test_scheduled_and_expired_posts_appear_nowhere(site: Path) -> None:
    files = all_text(site)
    for secret in ("Zeppelin", "zeppelin", "Walrus", "walrus", "secret-topic"):
        leaks = [path for path, text in files.items() if secret in text]
        assert not leaks, f"{secret!r} leaked into {leaks}"
    assert not (site / "images" / "zeppelin.svg").exists()  # the scheduled post's image stays unpublished
    assert (site / "images" / "orca.svg").exists()


def test_active_posts_are_in_pages_search_sitemap_posts_json_catalogue_and_feed(site: Path) -> None:
    assert (site / "posts" / "active-orca" / "index.html").is_file()
    assert (site / "posts" / "sponsored-heron" / "index.html").is_file()
    search = json.loads((site / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in search["docs"]}
    assert "posts/active-orca/" in locations and "posts/sponsored-heron/" in locations
    assert not any(location.startswith("page/") for location in locations)  # wall pages hold no own text
    sitemap = (site / "sitemap.xml").read_text()
    assert "https://wall.example.com/posts/active-orca/" in sitemap
    posts = json.loads((site / "posts.json").read_text())["posts"]
    assert [p["slug"] for p in posts] == ["active-orca", "sponsored-heron"]  # newest first
    assert posts[1]["networks"] == ["x", "linkedin"]
    # the shares function's catalogue: the same posts, what it checks (and where their /go/ links lead: #21)
    catalogue = json.loads((site / "sharewall" / "catalogue.json").read_text())["posts"]
    assert [{key: post[key] for key in ("slug", "source", "networks")} for post in catalogue] == [
        {"slug": "active-orca", "source": "comms", "networks": list(NETWORKS)},
        {"slug": "sponsored-heron", "source": "comms", "networks": ["x", "linkedin"]}]
    feed = ElementTree.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)] == ["Active Orca", "Sponsored Heron"]
    assert feed.find("a:entry/a:id", ns).text == "https://wall.example.com/posts/active-orca/"


def test_posts_stay_out_of_the_nav_and_the_wall_is_paged(site: Path) -> None:
    wall = (site / "index.html").read_text()
    nav = wall.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert "posts/" not in nav
    assert wall.count('class="sw-card"') == 1 and "Active Orca" in wall
    second = (site / "page" / "2" / "index.html").read_text()
    assert second.count('class="sw-card"') == 1 and "Sponsored Heron" in second
    assert 'href="/page/2/"' in wall and 'href="/"' in second  # plain links between the pages
    state = json.loads(wall.split('<script type="application/json" id="sharewall-wall">', 1)[1].split("</script>")[0])
    assert state == {"page": 1, "pageSize": 1, "total": 2, "index": "/sharewall/index.json", "first": "/",
                     "pages": "/page/{n}/"}
    index = json.loads((site / "sharewall" / "index.json").read_text())
    assert index["topics"] == ["alpha", "beta"]
    assert index["posts"] == [[[0, 1], 0, 0], [[1], 0, 0]]


def test_cards_carry_working_share_links_without_javascript(site: Path) -> None:
    second = (site / "page" / "2" / "index.html").read_text()
    card = second.split('class="sw-card"', 1)[1].split("</article>", 1)[0]
    assert '<span class="sw-badge">Anzeige</span>' in card  # the label from the plugin's typed config
    hrefs = {name: html.unescape(href) for name, href in re.findall(r'data-network="(\w+)" href="([^"]+)"', card)}
    assert list(hrefs) == ["x", "linkedin"]
    link = "https://wall.example.com/go/sponsored-heron/x"  # the wall's /go/ link (#21), on site_url
    text = "Anzeige | Teilt Sponsored Heron mit euren Worten!"
    assert hrefs["x"] == sharing.share_href(NETWORKS["x"], text, link, "Sponsored Heron")
    query = parse_qs(urlsplit(hrefs["x"]).query)
    assert query["text"] == [text]
    # where the /go/ link leads: the post's link with its UTM parameters, as the catalogue publishes it
    target = json.loads((site / "sharewall" / "catalogue.json").read_text())["posts"]
    target = next(post for post in target if post["slug"] == "sponsored-heron")["links"]["x"]
    assert parse_qs(urlsplit(target).query) == {
        "ref": ["wall"], "utm_source": ["x"], "utm_medium": ["advocacy-test"], "utm_campaign": ["heron-fair"]}
    orca = (site / "index.html").read_text()
    assert 'loading="lazy"' in orca and 'alt="An orca"' in orca
    assert "Teilt Active Orca mit euren Worten! #Orca #Kollegin" in orca  # hashtags, then the employee tag


def test_post_page_has_briefing_suggestions_composer_and_open_graph(site: Path) -> None:
    page = (site / "posts" / "active-orca" / "index.html").read_text()
    assert '<link rel="canonical" href="https://wall.example.com/posts/active-orca/">' in page
    assert '<meta property="og:title" content="Active Orca">' in page
    assert '<meta property="og:image" content="https://wall.example.com/images/orca.svg">' in page
    assert "Briefing about Active Orca." in page
    assert "<details class=\"sw-share\" open>" in page
    assert 'href="/">' in page  # the link back to the wall


def test_bad_content_fails_the_build_with_every_located_error_and_publishes_nothing(tmp_path, caplog) -> None:
    bad = post("Broken Post", NOW - timedelta(days=1)).replace("title: Broken Post", "titel: Broken Post")
    also_bad = post("Wrong Source", NOW - timedelta(days=1)).replace("source: comms", "source: nobody")
    config = make_project(tmp_path, {**POSTS, "broken": bad, "wrong-source": also_bad})
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the site as last published", encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(config)
    errors = "\n".join(record.getMessage() for record in caplog.records)
    assert "content/posts/2026/broken.md:2: unknown field 'titel' (did you mean 'title'?)" in errors
    assert "content/posts/2026/broken.md:1: missing required field 'title'" in errors
    assert "content/posts/2026/wrong-source.md:5: source 'nobody' is unknown" in errors
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text() == "the site as last published"


def test_ui_strings_follow_the_theme_language(tmp_path) -> None:
    config = make_project(tmp_path, {"active-orca": POSTS["active-orca"]})
    config.write_text(config.read_text().replace("language: de", "language: en"), encoding="utf-8")
    wall = (build_site(config) / "index.html").read_text()
    # "Share", named after its post for screen readers (its own text, then the card's heading)
    assert ('<summary class="sw-share__toggle" id="sw-share-active-orca" '
            'aria-labelledby="sw-share-active-orca sw-title-active-orca">Share</summary>') in wall
    assert '<h2 class="sw-card__title" id="sw-title-active-orca">' in wall
    assert "Load more posts" in wall and '<option value="">All</option>' in wall
    assert "German" in wall  # the post's language, named in the UI language
    assert "Teilen" not in wall


def browser_config_of(page: Path) -> dict:
    found = re.search(r'<script id="sharewall-config" type="application/json">(.*?)</script>', page.read_text(), re.S)
    return json.loads(found.group(1))


def test_the_identity_provider_reaches_every_page_and_the_sign_in_page_exists(tmp_path) -> None:
    config = make_project(tmp_path, {"active-orca": POSTS["active-orca"]},
                          sign_in="{authorize_url: 'https://login.example.com/authorize', "
                                  "token_url: 'https://login.example.com/token', client_id: wall, token: access_token}")
    site = build_site(config)
    expected = {"authorize": "https://login.example.com/authorize", "token": "https://login.example.com/token",
                "clientId": "wall", "scope": "openid profile", "use": "access_token",
                "endSession": None, "groupsClaim": "groups", "roleGroups": None}
    for page in (site / "index.html", site / "posts" / "active-orca" / "index.html", site / "signin" / "index.html"):
        assert browser_config_of(page)["signIn"] == expected and browser_config_of(page)["signInPage"] == "/signin/"
    sign_in = (site / "signin" / "index.html").read_text()
    assert "data-sw-signin" in sign_in and "assets/sharewall/signin.js" in sign_in
    # `sharewall serve` signs in on its dev page instead, whatever the provider
    local = build_site(config, tmp_path / "local", dev_sign_in=True)
    assert browser_config_of(local / "index.html")["signIn"] is None


@pytest.mark.parametrize("block, mentions", [
    ("{authorize_url: 'http://login.example.com/a', token_url: 'https://l.example.com/t', client_id: w}",
     "sign_in.authorize_url"),
    ("{authorize_url: 'https://l.example.com/a', client_id: w}", "sign_in.token_url: Field required"),
    ("{authorize_url: 'https://l.example.com/a', token_url: 'https://l.example.com/t', client_id: w, token: x}",
     "sign_in.token"),
    ("{authorize_url: 'https://l.example.com/a', token_url: 'https://l.example.com/t', client_id: w, secret: s}",
     "sign_in.secret: Extra inputs are not permitted"),
])
def test_a_bad_identity_provider_setting_fails_the_build_and_names_the_field(tmp_path, caplog, block,
                                                                            mentions) -> None:
    config = make_project(tmp_path, {"active-orca": POSTS["active-orca"]}, sign_in=block)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(config)
    assert mentions in "\n".join(record.getMessage() for record in caplog.records)
    assert not (tmp_path / "site").exists()  # nothing published


def test_the_build_publishes_the_campaigns_with_their_running_window(site: Path) -> None:
    from sharewall_common.campaigns import campaigns_from_published

    (heron,) = campaigns_from_published((site / "sharewall" / "campaigns.json").read_bytes()).values()
    assert (heron.key, heron.name, heron.reimbursed) == ("heron-fair", "Heron Fair", True)
    assert heron.starts_at.isoformat() == "2026-01-01T00:00:00+01:00"  # midnight in the site timezone
    assert heron.ends_at.isoformat() == "2027-01-01T00:00:00+01:00"  # the last day counts whole
    assert not (site / "campaigns.yml").exists()


def test_parts_rendered_once_a_build_are_the_pages_own(tmp_path, monkeypatch) -> None:
    # every post page and further wall page, in both interface languages, byte for byte as when each page renders
    # its navigation, header, stylesheets, configuration, scripts and footer itself (no `sharewall.fragments`)
    from site_builder.adapter import templates
    from site_builder.fragments import Fragments

    def built(root: Path) -> dict[str, str]:
        config = make_project(root, POSTS, page_size=1)
        config.write_text(config.read_text(encoding="utf-8").replace("nav: [index.md]", "nav: [index.md, guide.md]")
                          + "      alternates:\n        en: {nav: {}}\n", encoding="utf-8")
        (root / "content" / "guide.md").write_text("---\nroles: [finance]\n---\n# Guide\n\nText.\n", encoding="utf-8")
        site = build_site(config)
        return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}

    asked, rendered = [], []
    once_of = Fragments.once
    monkeypatch.setattr(Fragments, "once", lambda self, key, caller: asked.append(key) or once_of(
        self, key, lambda: rendered.append(key) or caller()))
    once = built(tmp_path / "once")
    assert "search" in rendered and len(asked) > len(rendered) + 10  # fragments rendered once and reused
    with_fragments = templates.globals_for
    monkeypatch.setattr(templates, "globals_for",
                        lambda *args: {key: value for key, value in with_fragments(*args).items() if key != "fragments"})
    every = built(tmp_path / "every")
    assert [page for page in once if page.startswith("en/posts/")] and "en/page/2/index.html" in once
    assert once == every
