"""The sanitiser of pages built from content/: what Markdown and Material's extensions produce stays byte for
byte; what could run script, load from elsewhere or send a form goes, and `removals` names it."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from site_builder import sanitise

ROOT = Path(__file__).resolve().parents[1]

# What the site's Markdown extensions write (admonition, attr_list, toc permalinks, tables, fenced code)
KEPT = [
    '<h2 id="so-teilst-du">So teilst du<a class="headerlink" href="#so-teilst-du" title="Permanent link">¶</a></h2>',
    '<div class="admonition warning">\n<p class="admonition-title">Achtung</p>\n<p>Text</p>\n</div>',
    '<p><img alt="Lettering am Stand" src="images/surface-studio.svg" width="320" height="200"></p>',
    '<p><a href="https://news.example.com/x">Artikel</a>, <a href="mailto:comms@example.com">Mail</a>, '
    '<a href="../guidelines/#regeln">Regeln</a></p>',
    '<table>\n<thead>\n<tr>\n<th style="text-align: left;">Netz</th>\n<th style="text-align: right;">Zeichen</th>\n'
    '</tr>\n</thead>\n<tbody>\n<tr>\n<td style="text-align: left;">X</td>\n<td style="text-align: right;">280</td>\n'
    '</tr>\n</tbody>\n</table>',
    '<pre><code class="language-yaml">title: &lt;b&gt; &amp; more\n</code></pre>',
    '<p class="lead" id="intro" lang="en">Mit <kbd>Strg</kbd>+<kbd>V</kbd>, <em>kursiv</em>, <strong>fett</strong>, '
    '<code>x &lt; y</code></p>',
    '<ul>\n<li>Punkt</li>\n</ul>\n<hr>\n<blockquote>\n<p>Zitat</p>\n</blockquote>',
]

# vector -> (HTML, what `removals` names)
REMOVED = {
    "script": ("<p>a</p><script>alert(1)</script>", ["<script> element"]),
    "img onerror": ('<img src="x" onerror="alert(1)">', ["attribute onerror='alert(1)' of <img>"]),
    "attribute on the next line": ('<img src="x"\n  onerror="alert(1)">', ["attribute onerror='alert(1)' of <img>"]),
    "svg onload": ("<svg onload=alert(1)><circle r=1 /></svg>", ["<svg> element", "<circle> element"]),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', ["attribute href='javascript:alert(1)' of <a>"]),
    "entity-encoded javascript": ('<a href="&#106;avascript:alert(1)">x</a>', ["attribute href='javascript:alert(1)' of <a>"]),
    "tab inside javascript": ('<a href="jav&#x09;ascript:alert(1)">x</a>', ["attribute href='jav\\tascript:alert(1)' of <a>"]),
    "data link": ('<a href="data:text/html,x">x</a>', ["attribute href='data:text/html,x' of <a>"]),
    "vbscript image": ('<img src="vbscript:x" alt="a">', ["attribute src='vbscript:x' of <img>"]),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', ["<iframe> element"]),
    "object": ('<object data="x.swf"></object><embed src="x.swf">', ["<object> element", "<embed> element"]),
    "form": ('<form action="https://evil.example/"><input name="q"><button>go</button></form>',
             ["<form> element", "<input> element", "<button> element"]),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', ["<meta> element"]),
    "base": ('<base href="https://evil.example/">', ["<base> element"]),
    "style element": ("<style>p { width: expression(alert(1)) }</style>", ["<style> element"]),
    "style attribute": ('<p style="background:url(javascript:alert(1))">x</p>',
                        ["attribute style='background:url(javascript:alert(1))' of <p>"]),
    "attr_list handler": ('<p onmouseover="alert(1)" class="c">x</p>', ["attribute onmouseover='alert(1)' of <p>"]),
    "id breaking out of a link": ('<h2 id="t&quot; onmouseover=&quot;alert(1)">x</h2>',
                                   ["attribute id='t\" onmouseover=\"alert(1)' of <h2>"]),
    "link rel": ('<link rel="stylesheet" href="https://evil.example/x.css">', ["<link> element"]),
    "site's config id": ('<pre id="sharewall-config">{"api": "https://evil.example"}</pre>',
                         ["attribute id='sharewall-config' of <pre>"]),
    "material's config id": ('<p id="__config">{}</p>', ["attribute id='__config' of <p>"]),
    "template id": ('<h2 id="sw-share">x</h2>', ["attribute id='sw-share' of <h2>"]),
}


@pytest.mark.parametrize("html", KEPT)
def test_what_markdown_writes_is_kept_byte_for_byte(html: str) -> None:
    assert sanitise.clean(html) == html
    assert sanitise.removals(html) == []


@pytest.mark.parametrize("name", list(REMOVED))
def test_what_could_run_script_goes_and_is_named(name: str) -> None:
    html, named = REMOVED[name]
    cleaned = sanitise.clean(html)
    assert [str(removal) for removal in sanitise.removals(html)] == named
    for word in ("script", "onerror", "onload", "onmouseover", "javascript", "iframe", "object", "embed", "form",
                 "input", "meta", "base", "style", "data:", "vbscript", "link"):
        assert word not in cleaned.lower(), cleaned
    assert sanitise.removals(cleaned) == []  # what the site serves has nothing left to remove


@pytest.mark.parametrize("html", ["<!--><img src=x onerror=alert(1)>-->", "<!---><img src=x onerror=alert(1)>-->",
                                  "<!-- a --!><img src=x onerror=alert(1)>-->"])
def test_what_browsers_read_out_of_an_unusual_comment_is_named_not_silently_changed(html: str) -> None:
    """Python's parser reads one comment where the sanitiser (and a browser) reads an image after an empty one."""
    (removal,) = sanitise.removals(html)
    assert (removal.tag, removal.hidden) == ("img", True)
    assert str(removal) == "<img> element"
    assert sanitise.removals("<p>a</p><!-- a note --><p>b</p><table><tr><td>x</td></tr></table>") == []


def test_headings_never_get_an_id_of_the_site() -> None:
    """Markdown's heading ids go through content_slugify (check and build): a heading may be called anything."""
    from site_builder import rules
    from site_builder.settings import load_settings

    html = rules.render("# Sharewall config\n\n## `__init__`\n\n## SW-Update\n\n## Plain\n", load_settings(ROOT / "mkdocs.yml"))
    assert 'id="h-sharewall-config"' in html and 'href="#h-sharewall-config"' in html
    assert 'id="h-__init__"' in html and 'id="h-sw-update"' in html and 'id="plain"' in html
    assert sanitise.removals(html) == []


def test_removals_give_the_line_of_the_start_tag_and_its_text() -> None:
    html = '<p>a</p>\n<p>b</p>\n<img src="x"\n  onerror="alert(1)">'
    (removal,) = sanitise.removals(html)
    assert (removal.line, removal.tag, removal.attribute, removal.value) == (3, "img", "onerror", "alert(1)")
    assert removal.raw == '<img src="x"\n  onerror="alert(1)">'


def test_text_is_never_markup() -> None:
    assert sanitise.removals("Plain text with <3 and a & b") == []
    assert sanitise.text('Head <img src=x onerror="alert(1)"> &amp; &lt;b&gt; "q"') == 'Head  & <b> "q"'


def test_attr_list_cannot_add_handlers_only_ids_and_classes() -> None:
    html = markdown.markdown("Text\n{: #intro .lead onclick=alert(1) tabindex=0 }", extensions=["attr_list"])
    assert sanitise.clean(html) == '<p class="lead" id="intro">Text</p>'
    assert sorted(removal.attribute for removal in sanitise.removals(html)) == ["onclick", "tabindex"]


def test_front_matter_values_are_escaped_once_everywhere() -> None:
    meta = {"title": '<img src=x onerror="alert(1)">', "hide": ["toc"], "search": {"exclude": True}, "n": 3}
    escaped = sanitise.escape_meta(meta)
    assert escaped["title"] == "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"
    assert escaped["hide"] == ["toc"] and escaped["search"] == {"exclude": True} and escaped["n"] == 3
    assert sanitise.escape_meta(escaped) == escaped  # Markup: escaping again (Jinja's `|e`) changes nothing


def test_the_demo_site_is_unchanged_by_the_sanitiser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built with and without the sanitiser, every page, card and the search index of the demo are the same bytes."""
    from site_builder.plugin import build_site

    sanitised = build_site(ROOT / "mkdocs.yml", tmp_path / "sanitised")
    monkeypatch.setattr(sanitise, "clean", lambda markup: markup)
    plain = build_site(ROOT / "mkdocs.yml", tmp_path / "plain")
    pages = sorted(path.relative_to(plain) for path in plain.rglob("*") if path.suffix in (".html", ".json", ".xml")
                   and path.name not in ("posts.json", "catalogue.json", "feed.xml"))  # these carry the build time
    assert len([page for page in pages if page.suffix == ".html"]) > 15
    changed = [str(page) for page in pages if (sanitised / page).read_bytes() != (plain / page).read_bytes()]
    assert changed == []


def test_the_build_refuses_what_the_check_reports_with_the_same_lines(tmp_path: Path) -> None:
    """The build checks the HTML it renders (no body is rendered twice) and words it like `sharewall check`."""
    import subprocess
    import sys

    import yaml

    content = tmp_path / "content"
    (content / "posts" / "2026").mkdir(parents=True)
    (content / "sources.yml").write_text("comms: {name: Comms, kind: department}\n")
    (content / "posts" / "2026" / "hostile.md").write_text(
        "---\ntitle: T\nlink: https://example.com/t\nsummary: S\nsource: comms\nlanguage: en\n"
        "publish: 2026-01-10 09:00\nsuggestions: [Read it.]\n---\nIntro\n\n<img src=\"x\"\n  onerror=\"alert(1)\">\n")
    (content / "about.md").write_text("# About\n\nText\n{: onmouseover=alert(1) }\n\n"
                                      "<p>a</p><!--><img src=x onerror=alert(1)>-->\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(content), nav=["about.md"])
    config["theme"]["custom_dir"] = str(ROOT / "templates")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    expected = ["content/about.md:4: attribute onmouseover='alert(1)' of <p> is removed from the page",
                "content/about.md:6: <img> element is hidden from this check",
                "content/posts/2026/hostile.md:13: attribute onerror='alert(1)' of <img> is removed from the page"]
    def sharewall(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "site_builder", *args, "--config", str(tmp_path / "mkdocs.yml")],
                              capture_output=True, text=True, cwd=ROOT)

    built = sharewall("build", "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 1 and all(line in built.stderr for line in expected), built.stderr
    assert not (tmp_path / "site" / "posts").exists()  # nothing published
    checked = sharewall("check", str(content))
    assert checked.returncode == 1 and all(line in checked.stdout for line in expected), checked.stdout
