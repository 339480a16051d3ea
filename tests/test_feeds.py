"""`sharewall import`: feeds served over HTTPS from loopback (a CA made for the test, trusted through
SSL_CERT_FILE) become draft posts that pass `sharewall check`; failing feeds are one line each and the
others go on; a re-run imports nothing new, and an unchanged feed costs one request."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from site_builder import feeds
from site_builder.content import load_content
from site_builder.frontmatter import parse
from site_builder.settings import load_settings
from tests.feed_server import Feed, FeedServer, atom, rss
from tests.test_workflows import load_workflow

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"
SHAREWALL = Path(sys.executable).parent / "sharewall"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=BERLIN)
PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")

RSS_ENTRIES = [
    {"title": "Unser <b>neues</b> Werk &amp; mehr", "link": "https://blog.example.com/werk",
     "description": '<p>Wir <script>alert(1)</script>bauen <a href="javascript:x()">ein</a> Werk &lt;img src=x '
                    'onerror=alert(1)&gt; in Brandenburg.</p>',
     "date": datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)},
    {"title": "Zweiter Beitrag", "link": "https://blog.example.com/zwei", "description": "Kurz."},
]
ATOM_ENTRIES = [{"title": "People &amp; culture day", "link": "https://people.example.com/day",
                 "summary": "<p>All <em>day</em> long.</p>", "date": datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)}]


@pytest.fixture
def server(tmp_path, monkeypatch):
    """Feeds over HTTPS on 127.0.0.1; the test CA is what this process (and its children) trust."""
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)
    with FeedServer(tmp_path / "tls") as running:
        monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_file))
        yield running


def make_content(root: Path, sources: dict[str, str | None], posts: dict[str, str] | None = None) -> Path:
    """A content folder whose sources have these feed URLs (None: no feed), with `posts` {relative path: text}."""
    content = root / "content"
    (content / "posts").mkdir(parents=True)
    lines = [f"{key}: {{name: Source {key}, kind: management{f', feed: {json.dumps(url)}' if url else ''}}}"
             for key, url in sources.items()]
    (content / "sources.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for relative, text in (posts or {}).items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(text, encoding="utf-8")
    return content


def sharewall(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SHAREWALL), *args, "--config", str(CONFIG)], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env=os.environ.copy())


def drafts(content: Path) -> dict[str, dict]:
    return {file.relative_to(content).as_posix(): parse(file.read_text(encoding="utf-8")).meta
            for file in sorted(content.glob("posts/*/*.md"))}


def leftovers(content: Path) -> list[str]:
    return [path.as_posix() for path in content.rglob("*") if path.name.endswith(".tmp") or path.name == feeds.STAGING]


def test_rss_and_atom_entries_become_drafts_that_pass_check(server, tmp_path):
    server.feeds["/management.xml"] = Feed(rss(RSS_ENTRIES, language="de-DE"))
    server.feeds["/people.atom"] = Feed(atom(ATOM_ENTRIES, language="en"), "application/atom+xml")
    content = make_content(tmp_path, {"management": server.url("/management.xml"), "people": server.url("/people.atom"),
                                      "comms": None})
    result = sharewall("import", "content", "--report", "drafts.json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["management: 2 new, 0 known, 0 skipped", "people: 1 new, 0 known, 0 skipped"]

    written = drafts(content)
    werk = written["posts/2026/unser-neues-werk-mehr.md"]
    assert list(werk)[:1] == ["draft"] and werk["draft"] is True
    assert werk["title"] == "Unser neues Werk & mehr"  # markup gone, entities decoded
    assert werk["link"] == "https://blog.example.com/werk" and werk["source"] == "management"
    assert werk["summary"] == "Wir bauen ein Werk in Brandenburg."  # no script, no handler, not even as text
    assert werk["language"] == "de"  # the feed's de-DE, as the site names it
    assert werk["publish"] == "2026-11-20 09:30"  # the entry's date in the site's timezone
    assert werk["suggestions"] == ["Unser neues Werk & mehr – Wir bauen ein Werk in Brandenburg."]
    day = written["posts/2026/people-culture-day.md"]
    assert (day["language"], day["summary"], day["publish"]) == ("en", "All day long.", "2026-11-21 16:00")
    undated = written[next(path for path in written if "zweiter-beitrag" in path)]
    assert undated["publish"][:10] == f"{datetime.now(BERLIN):%Y-%m-%d}"  # no date: now

    check = sharewall("check", "content", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == ""  # no error at all
    assert "3 valid posts, 0 errors, 3 warnings" in check.stderr
    assert check.stderr.count("warning: draft: true") == 3
    gate = sharewall("check", "content", "--no-drafts", cwd=tmp_path)
    assert gate.returncode == 1 and gate.stdout.count(":2: draft: true: a draft must not reach main") == 3

    report = json.loads((tmp_path / "drafts.json").read_text(encoding="utf-8"))
    assert {(d["path"], d["link"], d["source"], d["feed"]) for d in report} == {
        ("content/posts/2026/unser-neues-werk-mehr.md", "https://blog.example.com/werk", "management",
         server.url("/management.xml")),
        (f"content/{next(p for p in written if 'zweiter' in p)}", "https://blog.example.com/zwei", "management",
         server.url("/management.xml")),
        ("content/posts/2026/people-culture-day.md", "https://people.example.com/day", "people", server.url("/people.atom")),
    }
    assert leftovers(content) == []


def test_failing_feeds_are_one_line_each_and_the_others_go_on(server, tmp_path):
    good = [{"title": "Good news", "link": "https://blog.example.com/good"},
            {"title": "Script link", "link": "javascript:alert(document.cookie)"},
            {"title": "Plain http", "link": "http://blog.example.com/plain"},
            {"title": "User info", "link": "https://user@blog.example.com/login"},
            {"title": "No dot", "link": "https://intranet/page"}]
    server.feeds["/good.xml"] = Feed(rss(good))
    server.feeds["/broken.xml"] = Feed(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</channel></rss>')
    server.feeds["/page.html"] = Feed(b"<!doctype html><html><body><p>Not a feed</p></body></html>", "text/html")
    server.feeds["/note.xml"] = Feed(b'<?xml version="1.0"?><note><to>Tove</to></note>', "application/xml")
    server.feeds["/slow.xml"] = Feed(rss([{"title": "Late", "link": "https://blog.example.com/late"}]), delay=3)
    huge = rss([{"title": f"Entry {i}", "link": f"https://blog.example.com/{i}", "description": "x" * 6000}
                for i in range(1100)])
    assert len(huge) > feeds.MAX_BYTES
    server.feeds["/huge.xml"] = Feed(huge)
    server.feeds["/downgrade.xml"] = Feed(b"", redirect="http://127.0.0.1:9/feed.xml")
    content = make_content(tmp_path, {
        "good": server.url("/good.xml"), "broken": server.url("/broken.xml"), "page": server.url("/page.html"),
        "note": server.url("/note.xml"),        "slow": server.url("/slow.xml"), "huge": server.url("/huge.xml"), "downgrade": server.url("/downgrade.xml"),
        "gone": "https://127.0.0.1:9/feed.xml",
    })
    started = time.monotonic()
    result = sharewall("import", "content", "--timeout", "0.5", cwd=tmp_path)
    assert time.monotonic() - started < 2.9  # the slow feed was given up on, not waited for
    assert result.returncode == 1
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert lines["good"] == "1 new, 0 known, 4 skipped"
    # the one URL rule of every link field (sharewall_common.postfields.https), with its own words
    assert ("good: skipped entry 'Script link': link must start with https://, got a script URL "
            "'javascript:alert(document.cookie)'") in result.stderr
    assert "good: skipped entry 'Plain http': link must start with https://, got 'http://blog.example.com/plain'" in result.stderr
    assert "good: skipped entry 'User info': link must not contain user info before the host" in result.stderr
    assert "good: skipped entry 'No dot': link must name a host with a dot" in result.stderr
    assert re.fullmatch(r"failed: not well-formed XML \(mismatched tag\) \(https://127\.0\.0\.1:\d+/broken\.xml\)", lines["broken"])
    assert lines["page"].startswith("failed: not well-formed XML (syntax error)")
    assert re.fullmatch(r"failed: not an RSS or Atom feed \(https://\S+/note\.xml\)", lines["note"])
    assert lines["slow"].startswith("failed: timed out after 0.5 s")
    assert re.fullmatch(r"failed: feed is 6\.\d MB; at most 5 MB are read \(https://\S+\)", lines["huge"])
    assert lines["downgrade"].startswith("failed: redirected to a non-https address 'http://127.0.0.1:9/feed.xml'")
    assert lines["gone"].startswith("failed: connection refused")
    assert len(result.stdout.splitlines()) == 8  # one line per feed
    assert list(drafts(content)) == ["posts/2026/good-news.md"]
    assert leftovers(content) == []
    state = yaml.safe_load((content / feeds.STATE_FILE).read_text(encoding="utf-8"))
    assert list(state["feeds"]) == ["good"]  # a failed feed is asked again in full next time
    assert state["links"] == ["https://blog.example.com/good"]


def test_an_entry_that_cannot_be_read_or_written_is_skipped_and_the_others_go_on(server, tmp_path, monkeypatch):
    """Issue #17: `<pubDate>` in the year 9999 raised OverflowError and stopped the whole import (no report,
    no state, every later run failed). Now any per-entry exception skips that entry, named in its source's lines."""
    server.feeds["/m.xml"] = Feed(rss([
        {"title": "Before", "link": "https://blog.example.com/before", "date": datetime(2026, 11, 2, tzinfo=timezone.utc)},
        {"title": "Far future", "link": "https://blog.example.com/far",
         "date": datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)},
        {"title": "After", "link": "https://blog.example.com/after", "date": datetime(2026, 11, 1, tzinfo=timezone.utc)},
    ]))
    server.feeds["/other.xml"] = Feed(rss([{"title": "Other", "link": "https://blog.example.com/other"}]))
    content = make_content(tmp_path, {"m": server.url("/m.xml"), "other": server.url("/other.xml")})

    first = sharewall("import", "content", "--report", "drafts.json", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines() == ["m: 2 new, 0 known, 1 skipped", "other: 1 new, 0 known, 0 skipped"]
    assert ("m: skipped entry https://blog.example.com/far: its date 9999-12-31 23:59 UTC is out of range"
            in first.stderr.splitlines())
    assert len(json.loads((tmp_path / "drafts.json").read_text(encoding="utf-8"))) == 3  # the report is written
    state = yaml.safe_load((content / feeds.STATE_FILE).read_text(encoding="utf-8"))
    assert "https://blog.example.com/far" not in state["links"] and len(state["links"]) == 3
    again = sharewall("import", "content", cwd=tmp_path)  # later runs go on, the bad entry reported again
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == ["m: 0 new, 2 known, 1 skipped", "other: 0 new, 1 known, 0 skipped"]

    # any exception of one entry, while it is read or while its draft is written, skips that entry alone
    server.feeds["/m.xml"] = Feed(rss([{"title": f"Post {name}", "link": f"https://blog.example.com/{name}"}
                                       for name in ("boom-read", "boom-write", "fine")]))
    plain, load_post = feeds.plain, feeds.load_post

    def reading(fragment: str) -> str:
        if "boom-read" in fragment:
            raise RuntimeError("the parser broke")
        return plain(fragment)

    def writing(path, *args, **kwargs):
        if "boom-write" in path.name:
            raise KeyError("slug")
        return load_post(path, *args, **kwargs)

    monkeypatch.setattr(feeds, "plain", reading)
    monkeypatch.setattr(feeds, "load_post", writing)
    outcome, other = feeds.import_feeds(content, load_settings(CONFIG), NOW)
    assert (str(outcome), str(other)) == ("m: 1 new, 0 known, 2 skipped", "other: 0 new, 1 known, 0 skipped")
    assert outcome.skipped == ["entry 1: cannot be read (RuntimeError: the parser broke)",
                               "entry https://blog.example.com/boom-write: cannot be written (KeyError: 'slug')"]
    assert [draft.link for draft in outcome.drafts] == ["https://blog.example.com/fine"]
    assert "posts/2026/post-boom-write.md" not in drafts(content) and leftovers(content) == []


def test_at_most_max_drafts_a_source_and_run_newest_first_the_rest_next_run(server, tmp_path):
    """Issue #17: one feed gave 1,500 drafts (1,500 pull requests). A run writes at most 10 a source (the
    newest); the others wait, and the feed is fetched in full again until none waits."""
    days = [14, 3, 9, 1, 12, 7, 5, 11, 2, 13, 8, 4, 10, 6, 15]  # out of order on purpose
    entries = [{"title": f"Day {day}", "link": f"https://blog.example.com/{day}",
                "date": datetime(2026, 11, day, 9, 0, tzinfo=timezone.utc)} for day in days]
    server.feeds["/many.xml"] = Feed(rss(entries), etag='"v1"')
    server.feeds["/few.xml"] = Feed(rss([{"title": f"Few {n}", "link": f"https://few.example.com/{n}"} for n in (1, 2)]))
    content = make_content(tmp_path, {"many": server.url("/many.xml"), "few": server.url("/few.xml")})

    first = sharewall("import", "content", cwd=tmp_path)  # the default cap: 10
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["many: 10 new, 0 known, 0 skipped, 5 left for the next runs",
                                         "few: 2 new, 0 known, 0 skipped"]
    assert {meta["link"] for meta in drafts(content).values() if "blog" in meta["link"]} == {
        f"https://blog.example.com/{day}" for day in range(6, 16)}
    state = yaml.safe_load((content / feeds.STATE_FILE).read_text(encoding="utf-8"))
    assert "etag" not in state["feeds"]["many"]  # entries wait: the next run must not get a 304

    settings = load_settings(CONFIG)
    (second, _) = feeds.import_feeds(content, settings, NOW, max_drafts=3)
    assert str(second) == "many: 3 new, 10 known, 0 skipped, 2 left for the next runs"
    assert [draft.link for draft in second.drafts] == [f"https://blog.example.com/{day}" for day in (5, 4, 3)]
    (third, _) = feeds.import_feeds(content, settings, NOW)
    assert str(third) == "many: 2 new, 13 known, 0 skipped"
    (fourth, _) = feeds.import_feeds(content, settings, NOW)
    assert fourth.unchanged and not fourth.drafts  # nothing waits any more: the ETag is kept, 304
    assert server.conditional["/many.xml"] == 1 and server.requests["/many.xml"] == 4
    assert len(drafts(content)) == 15 + 2

    capped = sharewall("import", "content", "--max-drafts", "0", cwd=tmp_path)
    assert capped.returncode == 2 and "--max-drafts" in capped.stderr


def test_redirects_are_followed_only_on_the_feed_s_own_host(server, tmp_path):
    """Issue #17: a feed redirected the importer to another host; now only the feed's own host and port."""
    server.feeds["/m.xml"] = Feed(rss([{"title": "Moved", "link": "https://blog.example.com/moved"}]))
    server.feeds["/relative.xml"] = Feed(b"", redirect="/m.xml")
    server.feeds["/absolute.xml"] = Feed(b"", redirect=server.url("/m.xml"))
    port = server.httpd.server_address[1]
    server.feeds["/other-host.xml"] = Feed(b"", redirect=f"https://localhost:{port}/target.xml")  # same machine
    server.feeds["/other-port.xml"] = Feed(b"", redirect=f"https://127.0.0.1:{port + 1}/target.xml")
    server.feeds["/target.xml"] = Feed(rss([{"title": "Elsewhere", "link": "https://blog.example.com/elsewhere"}]))
    content = make_content(tmp_path, {name: server.url(f"/{name}.xml")
                                      for name in ("relative", "absolute", "other-host", "other-port")})
    outcomes = {outcome.source: outcome for outcome in feeds.import_feeds(content, load_settings(CONFIG), NOW)}
    assert str(outcomes["relative"]) == "relative: 1 new, 0 known, 0 skipped"
    assert str(outcomes["absolute"]) == "absolute: 0 new, 1 known, 0 skipped"
    assert outcomes["other-host"].error == (f"redirected to another host 'https://localhost:{port}/target.xml'; "
                                            "only the feed's own host is followed")
    assert outcomes["other-port"].error.startswith("redirected to another host 'https://127.0.0.1:")
    assert server.requests["/target.xml"] == 0  # never asked
    assert list(drafts(content)) == ["posts/2026/moved.md"]


def test_a_huge_feed_without_length_is_cut_off_while_read(server, tmp_path):
    body = rss([{"title": f"E{i}", "link": f"https://b.example.com/{i}"} for i in range(3000)])
    server.feeds["/huge.xml"] = Feed(body, length=False)
    content = make_content(tmp_path, {"huge": server.url("/huge.xml")})
    (outcome,) = feeds.import_feeds(content, load_settings(CONFIG), NOW, max_bytes=64 * 1024)
    assert len(body) > 64 * 1024
    assert outcome.error == "feed is larger than 64 KB; not read further"
    assert drafts(content) == {} and leftovers(content) == []


def test_a_rerun_imports_nothing_new_and_an_unchanged_feed_costs_one_request(server, tmp_path):
    entries = [{"title": f"Post {i}", "link": f"https://blog.example.com/{i}"} for i in range(3)]
    server.feeds["/etag.xml"] = Feed(rss(entries), etag='"v1"')
    server.feeds["/modified.xml"] = Feed(rss([{"title": "Dated", "link": "https://blog.example.com/dated"}]),
                                         modified="Fri, 27 Nov 2026 08:00:00 GMT")
    server.feeds["/plain.xml"] = Feed(rss([{"title": "Plain", "link": "https://blog.example.com/plain"}]))
    content = make_content(tmp_path, {"etag": server.url("/etag.xml"), "modified": server.url("/modified.xml"),
                                      "plain": server.url("/plain.xml")})
    settings = load_settings(CONFIG)
    first = feeds.import_feeds(content, settings, NOW)
    assert [str(o) for o in first] == ["etag: 3 new, 0 known, 0 skipped", "modified: 1 new, 0 known, 0 skipped",
                                       "plain: 1 new, 0 known, 0 skipped"]
    files = {path: (content / path).read_bytes() for path in drafts(content)}

    second = feeds.import_feeds(content, settings, NOW)
    assert [str(o) for o in second] == [
        "etag: 0 new, 0 known, 0 skipped (unchanged since the last import)",
        "modified: 0 new, 0 known, 0 skipped (unchanged since the last import)",
        "plain: 0 new, 1 known, 0 skipped",  # no validators: fetched again, its entry known by link
    ]
    assert server.requests == {"/etag.xml": 2, "/modified.xml": 2, "/plain.xml": 2}  # one request a run
    assert server.conditional == {"/etag.xml": 1, "/modified.xml": 1}
    assert {path: (content / path).read_bytes() for path in drafts(content)} == files  # nothing rewritten

    # comms declined a draft (its pull request closed: the file never reached main); the feed moves on
    (content / "posts/2026/post-1.md").unlink()
    server.feeds["/etag.xml"] = Feed(rss([*entries, {"title": "Post 3", "link": "https://blog.example.com/3"}]), etag='"v2"')
    third = feeds.import_feeds(content, settings, NOW)
    assert str(third[0]) == "etag: 1 new, 3 known, 0 skipped"
    assert "posts/2026/post-1.md" not in drafts(content) and "posts/2026/post-3.md" in drafts(content)


def test_known_by_the_link_of_any_post_and_named_by_the_usual_rules(server, tmp_path):
    existing = ("---\ntitle: Old\nlink: https://blog.example.com/known/\nsummary: s\nsource: m\nlanguage: de\n"
                "publish: 2025-01-01 09:00\nsuggestions: [x]\n---\n")
    same_slug = existing.replace("https://blog.example.com/known/", "https://elsewhere.example.com/other")
    server.feeds["/m.xml"] = Feed(rss([
        {"title": "Known", "link": "https://blog.example.com/known"},  # a post has it, with a trailing slash
        {"title": "Jahresrückblick 2025", "link": "https://blog.example.com/new"},
    ], language=None))
    content = make_content(tmp_path, {"m": server.url("/m.xml")}, {
        "posts/2025/old.md": existing, "posts/2025/jahresrueckblick-2025.md": same_slug})
    (outcome,) = feeds.import_feeds(content, load_settings(CONFIG), NOW)
    assert str(outcome) == "m: 1 new, 1 known, 0 skipped"
    (draft,) = outcome.drafts
    assert draft.slug == "jahresrueckblick-2025-2"  # slugs are unique across years
    assert draft.path == f"{content.as_posix()}/posts/2026/jahresrueckblick-2025-2.md"
    assert drafts(content)["posts/2026/jahresrueckblick-2025-2.md"]["language"] == "de"  # the site's first


def test_the_source_language_is_used_when_the_feed_has_none(server, tmp_path):
    server.feeds["/en.xml"] = Feed(rss([{"title": "Hello", "link": "https://blog.example.com/hello"}], language=None))
    content = make_content(tmp_path, {})
    (content / "sources.yml").write_text(
        f"en-blog: {{name: Blog, kind: management, feed: {json.dumps(server.url('/en.xml'))}, language: en}}\n"
        f"pl-blog: {{name: Blog, kind: management, feed: {json.dumps(server.url('/en.xml'))}, language: pl}}\n",
        encoding="utf-8")
    outcomes = feeds.import_feeds(content, load_settings(CONFIG), NOW)
    assert str(outcomes[0]) == "en-blog: 1 new, 0 known, 0 skipped"
    allowed = ", ".join(load_settings(CONFIG).languages)
    assert outcomes[1].error == f"language 'pl' of sources.yml is not configured; allowed: {allowed}"
    assert drafts(content)["posts/2026/hello.md"]["language"] == "en"


def test_nothing_half_written_stays_when_a_run_breaks(server, tmp_path, monkeypatch):
    server.feeds["/m.xml"] = Feed(rss([{"title": f"Post {i}", "link": f"https://blog.example.com/{i}"} for i in range(3)]))
    content = make_content(tmp_path, {"m": server.url("/m.xml")})
    calls = []
    real = feeds.load_post

    def breaks_on_the_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the run were stopped while a draft is being written
        return real(*args, **kwargs)

    monkeypatch.setattr(feeds, "load_post", breaks_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        feeds.import_feeds(content, load_settings(CONFIG), NOW)
    assert leftovers(content) == []
    assert not (content / feeds.STATE_FILE).exists()  # the state is written last
    assert list(drafts(content)) == ["posts/2026/post-0.md"]  # the one finished draft, whole and valid
    checked = load_content(content, load_settings(CONFIG), NOW)
    assert checked.errors == [] and len(checked.posts) == 1


def test_a_broken_state_file_stops_the_import_and_stays(tmp_path):
    content = make_content(tmp_path, {"m": "https://127.0.0.1:9/feed.xml"})
    (content / feeds.STATE_FILE).write_text("feeds: [unclosed\n", encoding="utf-8")
    result = sharewall("import", "content", cwd=tmp_path)
    assert result.returncode == 1
    assert ".import-state.yml: cannot be read" in result.stderr and "fix or delete it" in result.stderr
    assert (content / feeds.STATE_FILE).read_text(encoding="utf-8") == "feeds: [unclosed\n"


def test_plain_text_keeps_no_markup_even_when_decoded():
    assert feeds.plain("<p>a &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; b</p>") == "a b"
    assert feeds.plain("Tom &amp; Jerry\n<i>live</i>\u202e!") == "Tom & Jerry live !"
    assert feeds.plain("1 &lt; 2") == "1 < 2"


# ---------------------------------------------------------------- the workflow


def test_the_import_workflow_opens_pull_requests_with_the_least_rights():
    from site_builder.cli import main

    path = ROOT / ".github" / "workflows" / "import.yml"
    workflow = load_workflow(path)
    minute, hour, *rest = workflow["on"]["schedule"][0]["cron"].split()
    assert minute.isdigit() and hour == "*/2" and rest == ["*", "*", "*"]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    options = {opt for param in main.commands["import"].params for opt in param.opts}
    for used in re.findall(r"sharewall import content( --[\w-]+)*", runs):
        assert used.strip() in options
    assert '--report "$RUNNER_TEMP/drafts.json"' in runs
    assert 'gh pr create --base "$BASE" --head "$branch"' in runs and "--label import" in runs
    assert 'branch="import/$slug"' in runs and "gh pr edit" in runs
    assert "$STATE_FILE" in runs and workflow["env"]["STATE_FILE"] == f"content/{feeds.STATE_FILE}"
    codeowners = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert re.search(r"^/content/\s+@\S+/corporate-communications", codeowners, re.MULTILINE)


GH_STUB = """\
import json, os, sys
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["pr", "view"]:
    print("OPEN")
"""


def workflow_step(name: str) -> str:
    (job,) = load_workflow(ROOT / ".github" / "workflows" / "import.yml")["jobs"].values()
    return next(step["run"] for step in job["steps"] if step.get("name", "").startswith(name))


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_the_workflow_opens_one_pull_request_per_draft_and_keeps_the_state(tmp_path):
    """The workflow's own scripts against a local `origin` and a stand-in `gh` that records its calls."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git("init", "-q", "--bare", "-b", "main", str(origin), cwd=tmp_path)
    git("clone", "-q", str(origin), str(work), cwd=tmp_path)
    environment = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "GH_LOG": str(tmp_path / "gh.log"),
                   "RUNNER_TEMP": str(tmp_path / "runner"), "GITHUB_RUN_ID": "7", "BASE": "main",
                   "STATE_BRANCH": "sharewall/import-state", "STATE_FILE": "content/.import-state.yml"}
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "gh").write_text(f"#!{sys.executable}\n{GH_STUB}", encoding="utf-8")
    (tmp_path / "bin" / "gh").chmod(0o755)
    (tmp_path / "runner").mkdir()

    def step(name: str, cwd: Path = work) -> subprocess.CompletedProcess:
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", workflow_step(name)],
                                cwd=cwd, env=environment, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    step("Git through the workflow's token")  # identity into $HOME/.gitconfig
    (work / "content" / "posts").mkdir(parents=True)
    (work / "content" / "sources.yml").write_text("m: {name: M, kind: management}\n", encoding="utf-8")
    git("add", "content", cwd=work)
    git("commit", "-q", "-m", "main", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    # comms already edited the draft of an earlier run on its branch
    git("switch", "-q", "-c", "import/b", cwd=work)
    (work / "content" / "posts" / "b.md").write_text("edited by comms\n", encoding="utf-8")
    git("add", "content/posts/b.md", cwd=work)
    git("commit", "-q", "-m", "comms", cwd=work)
    git("push", "-q", "origin", "import/b", cwd=work)
    edited = git("rev-parse", "HEAD", cwd=work)
    git("switch", "-q", "main", cwd=work)
    assert step("State of the last run").stdout.startswith("no sharewall/import-state yet")

    # what `sharewall import` left: two drafts, the state, the report
    (work / "content" / "posts").mkdir(exist_ok=True)
    for name in ("a", "b"):
        (work / "content" / "posts" / f"{name}.md").write_text(f"draft {name}\n", encoding="utf-8")
    (work / "content" / ".import-state.yml").write_text("links: [https://x.example.com/a]\n", encoding="utf-8")
    report = [{"path": f"content/posts/{name}.md", "slug": name, "title": f"Title '{name}' $(touch pwned)",
               "link": f"https://x.example.com/{name}", "source": "m", "feed": "https://x.example.com/feed"}
              for name in ("a", "b")]
    (tmp_path / "runner" / "drafts.json").write_text(json.dumps(report), encoding="utf-8")
    step("One pull request per draft")
    assert not (work / "pwned").exists()  # titles are data, never shell

    git("fetch", "-q", "origin", cwd=work)
    assert git("diff", "--name-only", "origin/main", "origin/import/a", cwd=work) == "content/posts/a.md"
    assert git("show", "origin/import/a:content/posts/a.md", cwd=work) == "draft a"
    assert git("rev-parse", "origin/import/b", cwd=work) == edited  # comms' work is left as it is
    calls = [json.loads(line) for line in (tmp_path / "gh.log").read_text(encoding="utf-8").splitlines()]
    create = next(call for call in calls if call[:2] == ["pr", "create"])
    assert create[create.index("--head") + 1] == "import/a" and create[create.index("--label") + 1] == "import"
    assert create[create.index("--title") + 1] == "Draft: Title 'a' $(touch pwned)"
    assert ["pr", "edit", "import/b", "--body-file", str(tmp_path / "runner" / "body.md"), "--add-label", "import"] in calls
    assert not any(call[:2] == ["pr", "create"] and "import/b" in call for call in calls)
    body = (tmp_path / "runner" / "body.md").read_text(encoding="utf-8")
    assert "https://x.example.com/b" in body and "`m`" in body  # the entry's link and the source

    step("Keep the state for the next run")
    git("fetch", "-q", "origin", cwd=work)
    assert git("show", "origin/sharewall/import-state:import-state.yml", cwd=work) == "links: [https://x.example.com/a]"
    assert "state unchanged" in step("Keep the state for the next run").stdout  # no commit for nothing

    fresh = tmp_path / "fresh"
    git("clone", "-q", str(origin), str(fresh), cwd=tmp_path)
    assert step("State of the last run", cwd=fresh).stdout.startswith("state from sharewall/import-state")
    assert (fresh / "content" / ".import-state.yml").read_text(encoding="utf-8") == "links: [https://x.example.com/a]\n"
