"""Hostile posts and pages in Chromium: no handler ever fires, no request leaves the site.

A corpus of every known way to run script from content (markup in title, summary, alt text, source name,
link, suggestions, body, headings, table of contents, front matter of other pages) is built with the
content check switched off, so only escaping and the sanitiser stand between it and the browser. Every
payload calls `top.__pwned(name)` or `alert`; the test loads every page, scrolls, hovers, focuses and clicks
every element, opens the composer and searches, and records what fired and what was requested. It runs
twice: served plainly (sanitising alone must hold) and with production's security headers (then no
Content-Security-Policy violation may occur either: the pages need no inline script).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from site_builder import content as content_model
from site_builder import rules, sanitise
from site_builder.local.server import serve_directory
from site_builder.plugin import build_site
from tests.browser.support import offline_context, site_headers

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def pwn(name: str) -> str:
    return f"top.__pwned('{name}')"


BODY = f"""\
Hostile briefing.

<img src="x"
     onerror="{pwn('next-line')}">

<img src=x onerror={pwn('img-onerror')}>

[entity](&#106;avascript:{pwn('entity')})
[tab](<jav&#x09;ascript:{pwn('tab-link')}>)
<a href="jav&#x09;ascript:{pwn('tab')}">tab</a>
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

Hover me
{{: onmouseover="{pwn('attr-list')}" onclick="{pwn('attr-list-click')}" }}

## Focus me {{: tabindex=0 onfocus="{pwn('heading')}" }}

## Contents {{: id='toc" onmouseover="{pwn('toc-id')}' }}

<svg onload="{pwn('svg')}"><circle r="4"/></svg>
<iframe srcdoc="<script>{pwn('iframe')}</script>"></iframe>
<object data="data:text/html,<script>{pwn('object')}</script>"></object>
<form action="https://evil.example/"><button formaction="javascript:{pwn('form')}">go</button></form>
<base href="https://evil.example/">
<style>@import url(https://evil.example/x.css); p {{ background: url(https://evil.example/bg.png) }}</style>
<details open ontoggle="{pwn('details')}"><summary>more</summary>text</details>
<script>{pwn('script')}</script>
<p>a</p><!--><img src=x onerror={pwn('comment')}>-->
<math><mtext><table><mglyph><style><img src=x onerror={pwn('mxss')}></style></mglyph></table></mtext></math>
<meta http-equiv="refresh" content="0;url=javascript:{pwn('meta')}">

<pre id="sharewall-config">{{"api": "https://evil.example/api", "signInPage": "https://evil.example/signin/"}}</pre>
<p id="__config">{{"base": "https://evil.example/", "features": [], "search": "https://evil.example/s.js"}}</p>
<p id="sharewall-wall">{{"page": 1, "index": "https://evil.example/index.json"}}</p>

## Sharewall config
"""

POST = {
    "title": f"Hostile <img src=x onerror=\"{pwn('title')}\"></title><script>{pwn('title-script')}</script>",
    "link": "https://news.example.com/x\"onmouseover=\"" + pwn("link"),
    "summary": f"\"'><svg onload=\"{pwn('summary')}\"></textarea><script>{pwn('summary-script')}</script>",
    "source": "comms",
    "language": "en",
    "publish": "2026-01-10 09:00",
    "topics": ["hostile"],
    "hashtags": ["Hostile"],
    "image": "images/plain.svg",
    "image_alt": f"\" onerror=\"{pwn('alt')}\" x=\"",
    "suggestions": [f"<img src=x onerror=\"{pwn('suggestion')}\">",
                    f"</script><script>{pwn('suggestion-script')}</script> and \"quotes\""],
}
SOURCES = {"comms": {"name": f"<img src=x onerror=\"{pwn('source')}\">", "kind": "department"}}

PAGES = {
    # the wall's introduction
    "index.md": f"# Hostile wall <img src=x onerror=\"{pwn('wall-h1')}\">\n\n{BODY}",
    # a page with hostile front matter (title, description, an app name for claims.html)
    "evil-page.md": ("---\n" + yaml.safe_dump({
        "title": f"<img src=x onerror=\"{pwn('page-title')}\">",
        "description": f"\"><script>{pwn('description')}</script>",
        "template": "claims.html", "sharewall_app": f"x onmouseover=\"{pwn('app')}\" y",
    }) + f"---\n{BODY}"),
    # a page titled by its first heading: entities that Material's <title> would decode
    "evil-heading.md": (f"# Hostile &lt;/title&gt;&lt;img src=x onerror={pwn('h1-entities')}&gt; "
                        f"\\<img src=x onerror={pwn('h1-escaped')}\n\n{BODY}"),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("hostile"))


def build_corpus(folder: Path) -> Path:
    """The corpus built with the repository's settings; the content check is off, the sanitiser is not."""
    content = folder / "content"
    (content / "posts" / "2026").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "images" / "plain.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
    (content / "sources.yml").write_text(yaml.safe_dump(SOURCES), encoding="utf-8")
    (content / "posts" / "2026" / "hostile.md").write_text(
        f"---\n{yaml.safe_dump(POST, allow_unicode=True)}---\n{BODY}", encoding="utf-8")
    for path, text in PAGES.items():
        (content / path).write_text(text, encoding="utf-8")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config.update(docs_dir=str(content), nav=["index.md", "evil-page.md", "evil-heading.md"])
    config["theme"]["custom_dir"] = str(ROOT / "templates")
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sanitise, "removals", lambda markup: [])  # the check sees nothing to report
        patch.setattr(rules, "published_files", lambda files, relative: iter(()))
        patch.setattr(content_model.Content, "errors", property(lambda self: []))  # nor the rules of fields
        return build_site(folder / "mkdocs.yml", folder / "site")


@pytest.fixture(scope="module", params=["sanitised only", "production headers"])
def served(request, hostile_site):
    headers = site_headers() if request.param == "production headers" else {}
    if request.param == "production headers" and "Content-Security-Policy" not in headers:
        pytest.fail("template.yaml's SiteHeadersPolicy sends no Content-Security-Policy")
    url, server = serve_directory(hostile_site, headers=headers)
    yield {"url": url, "csp": bool(headers)}
    server.shutdown()
    server.server_close()


# Every element hovered, entered, focused and clicked (links are not followed: they may point anywhere)
_PROVOKE = """() => {
  window.scrollTo(0, document.body.scrollHeight);
  for (const element of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "mousemove", "pointerover", "focusin", "animationstart"]) {
      element.dispatchEvent(new MouseEvent(type, {bubbles: true}));
    }
    if (element.focus) element.focus();
    if (!element.closest("a[href], form, button[type=submit]")) {
      element.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    }
  }
}"""


def _visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate(_PROVOKE)
    page.wait_for_timeout(300)


def test_no_handler_fires_and_no_request_leaves(browser, served, hostile_site) -> None:
    fired: list[str] = []
    requests: list[str] = []
    violations: list = []
    origin = served["url"].rstrip("/")
    with offline_context(browser, csp_violations=violations) as context:
        context.expose_function("__pwned", lambda name: fired.append(name))
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("dialog", lambda dialog: (fired.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        pages = ["", "posts/hostile/", "evil-page/", "evil-heading/"]
        for path in pages:
            _visit(page, served["url"] + path)
        page.goto(served["url"])
        page.locator("article.sw-card[data-post='hostile'] summary.sw-share__toggle").click()
        page.locator("article.sw-card[data-post='hostile'] textarea").wait_for()
        page.evaluate(_PROVOKE)
        page.goto(served["url"])
        page.wait_for_function("() => !/initiali/i.test(document.querySelector('.md-search-result__meta').textContent)")
        page.focus("input.md-search__input")
        page.keyboard.type("hostile")
        page.locator(".md-search-result__item").first.wait_for(state="attached")
        page.evaluate(_PROVOKE)
        page.wait_for_timeout(300)
        titles = page.locator(".md-search-result__item h1").all_text_contents()
        page.goto(served["url"] + "posts/hostile/")
        page.wait_for_load_state("load")
        configured = page.evaluate("() => [window.Sharewall.config.api, window.Sharewall.config.signInPage]")
    assert fired == []
    assert configured == ["/api", "/signin/"]  # the site's configuration, not the one a body wrote
    leaving = [url for url in requests if not url.startswith((origin + "/", "data:", "blob:", "about:"))]
    assert leaving == []
    assert "Hostile <img src=x onerror=\"top.__pwned('title')\"></title><script>" in " ".join(titles)  # text
    if served["csp"]:
        assert violations == [], "\n".join(map(str, violations))


def test_the_built_html_holds_no_handler_and_no_script_url(hostile_site) -> None:
    """The same, read from the files: no element of any page has an on… attribute or a script URL, and the
    titles show what the author wrote, as text."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Attributes(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                value = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if name.startswith("on") or value.startswith(("javascript:", "vbscript:", "data:text")):
                    found.append(f"{page.relative_to(hostile_site)}: <{tag} {name}={value[:40]}>")
            if tag in {"iframe", "object", "embed", "base", "math"} or (
                    tag == "meta" and ("http-equiv", "refresh") in attrs):
                found.append(f"{page.relative_to(hostile_site)}: <{tag}>")

    for page in sorted(hostile_site.rglob("*.html")):
        Attributes().feed(page.read_text(encoding="utf-8"))
    assert found == []
    ids: list[str] = []

    class Ids(HTMLParser):
        def handle_starttag(self, tag, attrs):
            ids.extend(value for name, value in attrs if name == "id")

    post = (hostile_site / "posts" / "hostile" / "index.html").read_text(encoding="utf-8")
    Ids().feed(post)
    for own in ("sharewall-config", "__config", "sharewall-wall"):
        assert ids.count(own) <= 1, own  # a body claims none of the site's ids
    assert "h-sharewall-config" in ids  # a heading called so gets an id of its own
    post = (hostile_site / "posts" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<title>Hostile &lt;img src=x onerror=&#34;top.__pwned(&#39;title&#39;)&#34;&gt;&lt;/title&gt;" in post
    heading = (hostile_site / "evil-heading" / "index.html").read_text(encoding="utf-8")
    assert "<title>Hostile &lt;/title&gt;&lt;img src=x" in heading
    # Material's search shows titles as HTML: in the index they are escaped text
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = [doc["title"] for doc in index["docs"]]
    assert "&lt;img src=x onerror=&#34;top.__pwned(&#39;page-title&#39;)&#34;&gt;" in titles
    assert [title for title in titles if "<" in title] == []
