"""The digest's card as Teams renders it: the `adaptivecards` npm renderer (Microsoft's) in Chromium takes it
without a parse or validation error and shows every post with its share button; the mail's HTML shows the same
and loads nothing. With SHAREWALL_DOC_IMAGES=<folder> the test writes the documentation's screenshots there."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RENDERER = ROOT / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"
AT = datetime(2026, 12, 7, 8, 30, tzinfo=timezone.utc)
# Teams' look on a light theme: Segoe UI, its blue buttons (the renderer's own CSS leaves buttons plain)
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 0; padding: 16px; background: #f5f5f5; font-family: "Segoe UI", Helvetica, Arial, sans-serif; }
#card { width: 540px; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.2); overflow: hidden; }
.ac-pushButton { border: 1px solid #0f6cbd; color: #0f6cbd; background: #fff; border-radius: 4px; padding: 4px 12px;
  font: 600 14px "Segoe UI", Helvetica, Arial, sans-serif; cursor: pointer; }
</style></head><body><div id="card"></div></body></html>"""
RENDER = """(payload) => {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  card.parse(payload, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
  const failures = card.validateProperties().validationEvents.map((e) => e.message);
  document.getElementById('card').appendChild(card.render());
  return {events, failures, version: card.version.toString()};
}"""


def digest_card(language: str, site: Path):
    from site_builder import digest

    (preview,) = digest.preview(site, "https://wall.example.com/", (language,), now=AT, max_posts=3,
                                address=f"wall-{language}@example.com", since=AT - timedelta(days=30))
    return preview


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The repository's wall, built; its posts of the last month are the digest's."""
    from site_builder.plugin import build_site

    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("render-site"))


# A page of the suite's one browser (a second Playwright in the same process refuses to start)
@pytest.fixture(scope="module")
def page(browser):
    if not RENDERER.is_file():
        pytest.fail(f"{RENDERER} is missing: make install-test (npm ci) installs adaptivecards")
    context = browser.new_context(viewport={"width": 572, "height": 400})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_adaptive_card_renderer_takes_the_card_and_shows_every_post(site, page, language):
    from site_builder import digest

    preview = digest_card(language, site)
    card = preview.message["attachments"][0]["content"]
    page.set_content(PAGE)
    page.add_script_tag(path=str(RENDERER))
    result = page.evaluate(RENDER, card)
    assert result == {"events": [], "failures": [], "version": "1.5"}
    titles = [item["text"] for block in card["body"] if block["type"] == "Container" for item in block["items"]
              if item.get("size") == "Medium"]
    assert len(titles) == 3
    shown = page.inner_text("#card")
    assert all(title in shown for title in titles)
    share = "Share" if language == "en" else "Teilen"
    assert page.locator(".ac-pushButton", has_text=share).count() == 3
    assert page.locator(".ac-pushButton").count() == 4  # and the wall's
    folder = os.environ.get("SHAREWALL_DOC_IMAGES")
    if folder and language == "en":
        page.locator("#card").screenshot(path=str(Path(folder) / "digest-card.png"))


def test_the_mails_html_shows_the_same_and_loads_nothing(site, page):
    preview = digest_card("en", site)
    from site_builder import digest  # noqa: F401  (the preview made the function's code importable)
    from digest import mail as mails
    from digest import selection as chosen
    from digest import site as published

    found = published.published("https://wall.example.com/", lambda path: (site / path).read_bytes())
    language = found.languages["en"]
    entries = published.posts(language, found, "https://wall.example.com/", lambda path: (site / path).read_bytes())
    html = mails.mail(chosen.select(entries, AT, None, 3, timedelta(days=30)), language, "wall-en@example.com").html
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_content(html)
    assert requests == []  # no image, font or style sheet from anywhere
    text = page.inner_text("body")
    assert preview.subject and "wall-en@example.com receives the daily digest" in text
    for line in preview.text.splitlines()[:6]:
        if line and not line.startswith("Share:"):
            assert line in text
    folder = os.environ.get("SHAREWALL_DOC_IMAGES")
    if folder:
        page.set_viewport_size({"width": 640, "height": 400})
        page.screenshot(path=str(Path(folder) / "digest-mail.png"), full_page=True)
