"""GET /go/{post}/{network} against the moto server: a 302 to the post's own published link, one click per
request (also under concurrency), none for HEAD, preview crawlers and prefetches, nothing of the requester
stored, 404 for links the wall does not offer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from site_builder.local.aws import table_items
from site_builder.local.events import LambdaContext, http_event
from tests.functions.invoke import in_containers, invoke

NOW = datetime.now(timezone.utc)
UTM = "https://example.com/article?id=7&utm_source={n}&utm_medium=employee-advocacy&utm_campaign={c}"
LINKED = ("linkedin", "bluesky", "system")


def post(slug: str, *, networks=("linkedin", "bluesky"), campaign=None, track=True, publish=NOW - timedelta(days=1),
         expires=None, links=None) -> dict:
    """A catalogue entry as the build writes it (site_builder/wall.py catalogue_json)."""
    return {"slug": slug, "source": "engineering", "networks": list(networks), "track": track, "campaign": campaign,
            "links": links if links is not None else {n: UTM.format(n=n, c=campaign or slug)
                                                      for n in (*networks, "system")},
            "publish": publish.isoformat(), "expires": expires.isoformat() if expires else None}


CATALOGUE = {"posts": [
    post("arm-migration"),
    post("fair-post", campaign="fair-2026"),
    post("untracked", track=False),
    post("tomorrow", publish=NOW + timedelta(days=1)),
    post("gone", expires=NOW - timedelta(minutes=1)),
    post("sneaky", links={"linkedin": "javascript:alert(1)", "bluesky": "http://plain.example/"}),
]}


@pytest.fixture(autouse=True)
def wall(monkeypatch, aws_resources):
    """The function reads this catalogue (as published by a build) instead of the test site's plain one."""
    from shares.catalogue import Catalogue
    from shares.routes import go as go_route

    monkeypatch.setattr(go_route, "catalogue", Catalogue(lambda name: json.dumps(CATALOGUE).encode()))
    return go_route


def follow(path: str, method: str = "GET", headers: dict | None = None, query: str = ""):
    reply = invoke("SharesFunction", method, path, headers=headers or {"user-agent": BROWSER}, query=query)
    return reply.status, reply.headers


def clicks(table) -> dict[str, int]:
    """The click counters of every period item, straight from the table."""
    found = {}
    for item in table_items(table)["AppTable"]:
        if item["pk"]["S"].startswith("STATS#"):
            for name, value in item.items():
                if name.startswith("click"):
                    found[f'{item["pk"]["S"]}/{name}'] = int(value["N"])
    return found


BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def test_a_click_redirects_to_the_posts_own_link_and_is_counted_once(fresh_tables):
    status, headers = follow("/go/arm-migration/linkedin")
    assert status == 302 and headers["Location"] == UTM.format(n="linkedin", c="arm-migration")
    assert headers["Cache-Control"] == "no-store"
    counted = clicks(fresh_tables)
    for granularity in ("day", "week", "month"):
        assert counted[f"STATS#{granularity}/clicks"] == 1
        assert counted[f"STATS#{granularity}/click:net:linkedin"] == 1
        assert counted[f"STATS#{granularity}/click:post:arm-migration"] == 1
    assert follow("/go/arm-migration/system")[1]["Location"] == UTM.format(n="system", c="arm-migration")
    assert clicks(fresh_tables)["STATS#day/clicks"] == 2


def test_a_campaigns_post_counts_its_clicks_for_the_campaign(fresh_tables):
    assert follow("/go/fair-post/bluesky")[0] == 302
    assert clicks(fresh_tables)["STATS#day/click:camp:fair-2026"] == 1


def _click_each(count: int) -> list[int]:
    return [follow("/go/arm-migration/bluesky")[0] for _ in range(count)]


def test_n_concurrent_clicks_count_exactly_n(fresh_tables):
    import shares.app  # noqa: F401  (imported once before forking, like a warm container)

    results = in_containers(_click_each, [(5,)] * 12)  # 12 containers of 5 clicks each, released at once
    assert [status for result in results for status in result] == [302] * 60
    counted = clicks(fresh_tables)
    assert counted["STATS#day/clicks"] == counted["STATS#week/click:net:bluesky"] == 60
    assert counted["STATS#month/click:post:arm-migration"] == 60


@pytest.mark.parametrize("agent", [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "XING-contenttabreceiver/2.0",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0 Safari/537.36 MicrosoftPreview/2.0",
])
def test_link_preview_crawlers_are_redirected_and_not_counted(fresh_tables, agent):
    status, headers = follow("/go/arm-migration/linkedin", headers={"user-agent": agent})
    assert status == 302 and headers["Location"] == UTM.format(n="linkedin", c="arm-migration")
    assert clicks(fresh_tables) == {}


@pytest.mark.parametrize("method, headers", [
    ("HEAD", {"user-agent": BROWSER}),
    ("GET", {"user-agent": BROWSER, "purpose": "prefetch"}),
    ("GET", {"user-agent": BROWSER, "sec-purpose": "prefetch;prerender"}),
    ("GET", {"user-agent": BROWSER, "Sec-Purpose": "prefetch"}),
    ("GET", {"user-agent": BROWSER, "x-moz": "prefetch"}),
])
def test_head_and_prefetches_are_redirected_and_not_counted(fresh_tables, method, headers):
    status, answer = follow("/go/arm-migration/linkedin", method, headers)
    assert status == 302 and answer["Location"] == UTM.format(n="linkedin", c="arm-migration")
    assert clicks(fresh_tables) == {}


def test_the_target_never_comes_from_the_request(fresh_tables):
    hostile = {"user-agent": BROWSER, "referer": "https://evil.example/", "x-forwarded-host": "evil.example",
               "host": "evil.example", "location": "https://evil.example/"}
    status, headers = follow("/go/arm-migration/linkedin", headers=hostile,
                             query="url=https://evil.example/&next=//evil.example&utm_source=evil")
    assert status == 302 and headers["Location"] == UTM.format(n="linkedin", c="arm-migration")


@pytest.mark.parametrize("path, why", [
    ("/go/made-up-post/linkedin", "unknown post"),
    ("/go/tomorrow/linkedin", "not published yet"),
    ("/go/gone/linkedin", "expired"),
    ("/go/arm-migration/xing", "a network the post does not offer"),
    ("/go/arm-migration/myspace", "no such network"),
    ("/go/arm-migration/%2e%2e", "an escape for a network"),
    ("/go/a.md/linkedin", "no slug"),
    ("/go/sneaky/linkedin", "a link that is no https URL"),
    ("/go/sneaky/bluesky", "a plain http link"),
])
def test_links_the_wall_does_not_offer_are_404_and_count_nothing(fresh_tables, path, why):
    status, headers = follow(path)
    assert status == 404 and "Location" not in headers, why
    assert clicks(fresh_tables) == {}


def test_an_untracked_post_redirects_without_counting(fresh_tables):
    status, headers = follow("/go/untracked/bluesky")
    assert status == 302 and headers["Location"] == UTM.format(n="bluesky", c="untracked")
    assert clicks(fresh_tables) == {}


def test_the_redirect_goes_out_when_counting_fails(fresh_tables, wall, monkeypatch):
    monkeypatch.setattr(wall, "TABLE", "no-such-table")
    status, headers = follow("/go/arm-migration/linkedin")
    assert status == 302 and headers["Location"] == UTM.format(n="linkedin", c="arm-migration")


def test_without_the_catalogue_the_link_answers_503_and_counts_nothing(fresh_tables, wall, monkeypatch):
    from urllib.request import urlopen

    from shares.catalogue import Catalogue

    monkeypatch.setattr(wall, "catalogue", Catalogue(lambda name: urlopen("http://127.0.0.1:9/").read()))
    assert follow("/go/arm-migration/linkedin")[0] == 503
    assert clicks(fresh_tables) == {}


def test_nothing_of_the_requester_is_stored(fresh_tables):
    from shares.app import lambda_handler

    request = {"user-agent": "UniqueAgent/42.7 (Tracking-Test)", "x-forwarded-for": "203.0.113.77",
               "cookie": "session=cookie-value-991", "referer": "https://referrer.example/page-5531",
               "accept-language": "de-DE-x-unique", "authorization": "Bearer token-value-8842"}
    event = http_event("GET", "/go/arm-migration/linkedin", route_key="GET /go/{post}/{network}", headers=request,
                       query="ref=query-value-4410", source_ip="198.51.100.23",
                       path_parameters={"post": "arm-migration", "network": "linkedin"})
    assert lambda_handler(event, LambdaContext())["statusCode"] == 302
    stored = json.dumps(table_items(fresh_tables))
    assert '"clicks"' in stored  # counted
    for value in ("UniqueAgent", "203.0.113.77", "cookie-value-991", "referrer.example", "de-DE-x-unique",
                  "token-value-8842", "query-value-4410", "198.51.100.23", event["requestContext"]["requestId"],
                  event["requestContext"]["time"], str(event["requestContext"]["timeEpoch"])):
        assert value not in stored, value


def test_a_retried_write_of_the_same_request_counts_once(fresh_tables):
    from shares.clicks import count_click
    from sharewall_common.aws import client
    from sharewall_common.periods import today

    table = fresh_tables.tables["AppTable"]
    assert count_click(client("dynamodb"), table, "request-1", "arm-migration", "x", today()) is True
    assert count_click(client("dynamodb"), table, "request-1", "arm-migration", "x", today()) is False
    assert clicks(fresh_tables)["STATS#day/clicks"] == 1
