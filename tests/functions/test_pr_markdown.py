"""What a suggester typed reaches a pull request's title, description and commit message inert.

Hostile suggestions go through the real handlers (suggest, then accept) to the GitHub stand-in of
test_suggestions_github and to the local git publisher; the description is rendered by a CommonMark
renderer to see what GitHub would show: no heading, image, link, HTML or code span that the suggester
wrote, and no mention or issue reference GitHub would link (and notify) in any of the three texts.
"""

from __future__ import annotations

import html as html_text
import re

import boto3
import pytest
from markdown_it import MarkdownIt

from site_builder.local.aws import REGION
from tests.functions.test_suggestions_api import GOOD, call, decide, git, repo, suggest  # noqa: F401 (fixture)
from tests.functions.test_suggestions_github import app_key, github  # noqa: F401 (fixtures)

# GitHub's own patterns, roughly: a mention after a non-word character, issue references, GH- references
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*")
REFERENCE = re.compile(r"(?<![\w&])#\d+|(?i:\bGH-\d+)|[\w.-]+/[\w.-]+#\d+")
HOSTILE_TITLE = "Hi @octocat, fixes #123 and GH-7 ![x](https://evil.example/t.png) <b>`rm -rf`</b> [a](https://e.example)"
HOSTILE_WHY = "\n".join([
    "a", "", "## Security review: APPROVED", "", "![x](https://evil.example/t.png)", "", "@octocat @acme/security",
    "see acme/wall#9 and #42", "<img src=x onerror=alert(1)>", "<!-- hidden -->", "```", "code", "```",
    "[click](https://evil.example) www.evil.example https://evil.example/x", "> quoted", "- [x] done",
    "| a | b |", "|---|---|", "$x^2$", "1. one", "Setext", "===", "    indented code", "&lt;script&gt;",
])
HOSTILE_NAME = "@octocat <img src=x> #5"


@pytest.fixture(autouse=True)
def fresh_github_tokens(monkeypatch):
    """githubkit keeps installation tokens per process; the stand-in imported here has a token of its own."""
    import githubkit.cache

    monkeypatch.setattr(githubkit.cache.DEFAULT_CACHE_STRATEGY, "_cache", None)


def render(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


def visible_text(html: str) -> str:
    return html_text.unescape(re.sub(r"<[^>]+>", "", html))


def assert_inert(text: str, *, typed_link: str) -> None:
    """`text` as GitHub would render it: only the fixed template's markup, nothing the suggester typed."""
    html = render(text)
    assert not re.search(r"<(h\d|img|script|iframe|b|table|pre|!--)[\s>]", html), html
    links = re.findall(r'<a href="([^"]*)"', html)
    assert links == [typed_link], links  # the suggested link, as an autolink; no link the suggester wrote
    suggestion_id = re.search(r"`([a-z2-7]{26})`", text)[1]
    assert re.findall(r"<code>([^<]*)</code>", html) == [suggestion_id, "draft: true", "sharewall check --no-drafts"]
    # GitHub's extended autolinks (bare https://, www.) start only where ':' or "www." stand unescaped
    assert not re.search(r"https?:|www\.", text.replace(f"<{typed_link}>", "")), text
    shown = visible_text(html)
    assert not MENTION.search(shown) and not REFERENCE.search(shown), shown
    assert "octocat" in shown and "Security review" in shown


def assert_plain(text: str) -> None:
    """A title or commit message: no mention or reference GitHub would link, no control character."""
    assert not MENTION.search(text) and not REFERENCE.search(text), text
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", text), text
    first = text.split("\n")[0]
    shown = visible_text(render(first)).strip()
    assert render(first) == f"<p>{html_text.escape(shown, quote=False)}</p>\n", first  # plain text, no markup
    assert not re.search(r"https?:|www\.", first), first


NAMED_HOSTILE = {"sub": "hostile-subject-1", "groups": ["employee"], "name": HOSTILE_NAME}


def test_a_hostile_suggestion_opens_an_inert_pull_request(fresh_tables, github):
    status, made = suggest({**GOOD, "title": HOSTILE_TITLE, "why": HOSTILE_WHY[:300], "name_me": True},
                           claims=NAMED_HOSTILE)
    assert status == 201, made
    status, accepted = decide(made["id"], "accept")
    assert status == 200, accepted
    pull = github.pulls[0]
    assert_inert(pull["body"], typed_link=GOOD["link"])
    assert "## Security" not in pull["body"] and "\n#" not in pull["body"]
    assert_plain(pull["title"])
    assert_plain(github.last_commit_message)
    assert pull["title"].startswith("Suggestion: Hi ")


def test_the_whole_why_is_quoted_line_by_line_and_stays_inert(fresh_tables, github):
    why = "@octocat Security review\n" + HOSTILE_WHY[-270:]
    status, made = suggest({**GOOD, "why": why})
    assert status == 201, made
    assert decide(made["id"], "accept")[0] == 200
    body = github.pulls[0]["body"]
    assert_inert(body, typed_link=GOOD["link"])
    quoted = body.split("Why colleagues would care:\n\n")[1].split("\n\nReview and rewrite")[0].split("\n")
    assert len(quoted) == why.count("\n") + 1 and all(line.startswith("> ") for line in quoted), quoted


def test_the_local_commit_message_is_inert_too(fresh_tables, repo):  # noqa: F811
    _, made = suggest({**GOOD, "title": HOSTILE_TITLE, "why": HOSTILE_WHY[:300], "name_me": True}, claims=NAMED_HOSTILE)
    status, accepted = decide(made["id"], "accept")
    assert status == 200, accepted
    message = git(repo, "log", "-1", "--format=%B", accepted["pull_request"]["branch"])
    subject, _, description = message.partition("\n\n")
    assert_plain(subject)
    assert_inert(description, typed_link=GOOD["link"])


def test_a_link_with_characters_that_end_an_autolink_stays_one_link(fresh_tables, github):
    link = "https://blog.example.com/a>b)c]d`e\"f'g|h{i}j^k(l)@m"
    status, made = suggest({**GOOD, "link": link})
    assert status == 201, made
    assert decide(made["id"], "accept")[0] == 200
    html = render(github.pulls[0]["body"])
    assert re.findall(r'<a href="([^"]*)"', html) == [
        "https://blog.example.com/a%3Eb%29c%5Dd%60e%22f%27g%7Ch%7Bi%7Dj%5Ek%28l%29@m"], html


@pytest.mark.parametrize("link", [
    "https://blog.example.com/a\n\n## Security review: APPROVED\n\n![x](https://evil.example/t.png)\n\n@octocat",
    "https://blog.example.com/a\u00a0b", "https://blog.example.com/a b", "https://blog.example.com/\tx",
    "https://user:pass@blog.example.com/a", "https://localhost/a", "https://blog.example.com/\u200bx",
])
def test_a_link_with_whitespace_controls_or_user_info_is_refused_and_nothing_is_stored(fresh_tables, link):
    before = boto3.client("dynamodb", region_name=REGION).scan(TableName=fresh_tables.tables["AppTable"])["Items"]
    status, body = suggest({**GOOD, "link": link})
    assert status == 400 and body["error"]["fields"][0]["field"] == "link", body
    after = boto3.client("dynamodb", region_name=REGION).scan(TableName=fresh_tables.tables["AppTable"])["Items"]
    assert after == before


def test_the_escaping_helper_on_each_hostile_construct():
    from suggestions import markdown

    for hostile in ("@octocat", "@acme/security", "#123", "GH-7", "acme/wall#9", "![img](https://e.example/i.png)",
                    "<img src=x onerror=alert(1)>", "<b>bold</b>", "`code`", "## heading", "[a](https://e.example)",
                    "**strong** _em_ ~~gone~~", "https://evil.example/x", "www.evil.example", "&lt;", "$x$", "> q",
                    "a\x00b\x1bc\u2028d"):
        escaped = markdown.inline(hostile)
        shown = visible_text(render(escaped)).strip()
        assert render(escaped) == f"<p>{html_text.escape(shown, quote=False)}</p>\n", (hostile, escaped)  # one plain paragraph
        assert shown.replace("\u200b", "") == re.sub(r"[\x00\x1b\u2028]", " ", hostile), (hostile, shown)
        assert not MENTION.search(shown) and not REFERENCE.search(shown), shown
        assert not re.search(r"https?:|www\.", escaped), escaped
