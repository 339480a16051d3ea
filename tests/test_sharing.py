"""The sharing rules: locked disclosure, UTM links, each network's count and share link."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from site_builder import sharing
from site_builder.networks import NETWORKS

LINK = "https://news.example.com/surface?ref=wall&utm_source=old"


def test_sponsored_posts_start_with_the_label_and_employee_posts_end_with_the_tag() -> None:
    assert sharing.locked("sponsored", "Werbung |", "#Mitarbeiter").wrap(" Schaut vorbei ") == "Werbung | Schaut vorbei"
    assert sharing.locked("employee", "Werbung |", "#Mitarbeiter").wrap("Schaut vorbei") == "Schaut vorbei #Mitarbeiter"
    assert sharing.locked("none", "Werbung |", "#Mitarbeiter").wrap("Schaut vorbei") == "Schaut vorbei"


def test_hashtags_are_added_once() -> None:
    assert sharing.with_hashtags("Live on #surfacestudio", ["SurfaceStudio", "rp26"]) == "Live on #surfacestudio #rp26"


def test_utm_link_replaces_old_utm_and_keeps_other_parameters() -> None:
    link = sharing.utm_link(LINK, "x", "employee-advocacy", "republica-2026")
    query = parse_qs(urlsplit(link).query)
    assert query == {"ref": ["wall"], "utm_source": ["x"], "utm_medium": ["employee-advocacy"],
                     "utm_campaign": ["republica-2026"]}


@pytest.mark.parametrize(("network", "text", "expected"), [
    ("x", "Hello", len("Hello") + 1 + 23),  # the link counts 23, whatever its length
    ("x", "See https://a.very.long.example.com/path/that/is/long", 4 + 23 + 1 + 23),
    ("mastodon", "Hello", 5 + 1 + 23),
    ("bluesky", "👩‍👩‍👧 hi", 4 + 1 + len(LINK)),  # a family emoji is one grapheme
    ("threads", "Hello", 5 + 1 + len(LINK)),
    ("linkedin", "Hello", 5),  # pasted by hand: the link rides in the preview
])
def test_each_network_counts_by_its_own_rules(network: str, text: str, expected: int) -> None:
    assert sharing.length(NETWORKS[network], text, LINK) == expected


def test_limit_error_names_count_unit_and_limit() -> None:
    assert sharing.limit_error("x", "x" * 256, LINK) is None  # 256 + 1 + 23 = 280
    assert sharing.limit_error("x", "x" * 257, LINK) == "is 281 characters on x with link and disclosure; the limit is 280"
    assert "graphemes" in sharing.limit_error("bluesky", "é" * 300, LINK)
    assert sharing.limit_error("whatsapp", "x" * 100_000, LINK) is None


def test_share_links_prefill_where_the_network_allows() -> None:
    x = urlsplit(sharing.share_href(NETWORKS["x"], "Werbung | Hallo & tschüss", LINK, "Betreff"))
    assert parse_qs(x.query) == {"text": ["Werbung | Hallo & tschüss"], "url": [LINK]}
    bluesky = sharing.share_href(NETWORKS["bluesky"], "Hallo", LINK, "")
    assert parse_qs(urlsplit(bluesky).query)["text"] == [f"Hallo {LINK}"]
    mastodon = sharing.share_href(NETWORKS["mastodon"], "Hallo", LINK, "")
    assert unquote(mastodon.split("#text=", 1)[1]) == f"Hallo {LINK}"
    mail = urlsplit(sharing.share_href(NETWORKS["email"], "Hallo", LINK, "Lesetipp"))
    assert mail.scheme == "mailto" and parse_qs(mail.query) == {"subject": ["Lesetipp"], "body": [f"Hallo {LINK}"]}
    linkedin = sharing.share_href(NETWORKS["linkedin"], "ignored", LINK, "")
    assert parse_qs(urlsplit(linkedin).query) == {"url": [LINK]}


def test_share_links_of_a_post_quote_its_link_once_and_match_each_networks_own() -> None:
    message = "Werbung | Grüße & 100 % – ok? #Sharewall 😀"
    slot = sharing.utm_link("https://news.example.com/a%20b/ü?q=1&x=%7Bnetwork%7D#top", sharing.NETWORK_SLOT,
                            "employee advocacy", "Kampagne/2026 & mehr")
    hrefs = sharing.share_hrefs(tuple(NETWORKS), message, slot, "Betreff: ä & ö")
    assert list(hrefs) == list(NETWORKS)
    for name, network in NETWORKS.items():
        link = sharing.fill_slot(slot, name)
        assert hrefs[name] == sharing.share_href(network, message, link, "Betreff: ä & ö")
        text = quote(f"{message} {link}" if network.url_in_text else message, safe="")  # the whole text quoted at once
        assert hrefs[name] == network.share_url.format(text=text, url=quote(link, safe=""),
                                                       subject=quote("Betreff: ä & ö", safe=""))
    assert "utm_source%3Dbluesky" in hrefs["bluesky"] and "utm_source%3Dx%26" in hrefs["x"]
