"""An accepted suggestion as a draft post (written by sharewall_common.postfile, like `sharewall new`) and
the pull request that brings it to comms' review, on the branch and with the status label of a draft of
the editor (sharewall_common.decap), so it waits on the editor's workflow board like the drafts comms write.

What the suggester typed goes into front matter values (YAML-escaped) and the pull request's title,
description and commit message (escaped for Markdown, mentions and references neutralised: suggestions.markdown),
never into the post's Markdown body, which only holds fixed text and, if they chose to be named, their
name reduced to plain characters.
"""

from __future__ import annotations

import os
from datetime import datetime

import regex

from sharewall_common.clock import zone
from sharewall_common.postfile import BRIEFING, post_path, post_text, publish_time, slugify
from sharewall_common import decap
from suggestions import markdown
from suggestions.publishing import Draft

SLUG_STEM = 40  # the rest of the slug is the suggestion's id: unique, the same on every retry
PLAIN_NAME = regex.compile(r"[^\p{L}\p{M}\p{N} .@_'-]+")  # a name, or the user name or e-mail the token has


def named(suggestion: dict) -> str | None:
    """The suggester's name as the post and pull request may show it: only when they asked to be named."""
    if not suggestion.get("name_me") or not suggestion.get("name"):
        return None
    return PLAIN_NAME.sub("", suggestion["name"]).strip()[:100] or None


def slug_of(suggestion: dict) -> str:
    stem = slugify(suggestion["title"])[:SLUG_STEM].rstrip("-")
    return f"{stem}-{suggestion['id'][:6]}"


def draft_of(suggestion: dict, now: datetime) -> Draft:
    """The branch, the post file and the pull request of an accepted suggestion, as of `now` (aware)."""
    now = now.astimezone(zone())  # publish time and the post's year as authors write them: site time
    content_dir = os.environ.get("SUGGESTIONS_CONTENT_DIR", "content").strip("/")
    fields = {
        "title": suggestion["title"],
        "link": suggestion["link"],
        "summary": suggestion["why"],
        "source": os.environ.get("SUGGESTIONS_SOURCE", "employee-suggestions"),
        "language": suggestion["language"],
        "publish": publish_time(now),
        "topics": list(suggestion.get("topics") or []),
        "suggestions": [suggestion.get("text") or suggestion["title"]],
        "draft": True,
    }
    name = named(suggestion)
    credit = f"Suggested by {name} through the wall." if name else "Suggested by a colleague through the wall."
    body = (f"{BRIEFING}{credit}\n\nComms: rewrite the summary and suggestions, add talking points, "
            "then remove `draft: true` to publish.\n")
    topics = markdown.inline(", ".join(fields["topics"])) or "none"
    description = "\n".join([
        f"A suggestion from the wall (`{suggestion['id']}`), accepted by comms as a **draft** post.",
        "",
        f"- Link: {markdown.link(suggestion['link'])}",
        f"- Language: {markdown.inline(suggestion['language'])}; topics: {topics}",
        f"- Suggested by: {markdown.inline(name)}" if name else "- Suggested by: a colleague (did not ask to be named)",
        "",
        "Why colleagues would care:",
        "",
        *[f"> {line}" for line in markdown.lines(suggestion["why"])],
        "",
        "Review and rewrite it in the wall's editor (/admin/, Workflow, column Drafts) or on this branch, remove `draft: true`, "
        "then merge: `sharewall check --no-drafts` refuses a draft on main.",
    ])
    path = f"{content_dir}/{post_path(slug_of(suggestion), now)}"
    return Draft(branch=decap.entry_branch(path, content_dir), path=path, text=post_text(fields, body),
                 title=f"Suggestion: {markdown.inline(suggestion['title'])}", description=description,
                 label=decap.status_label(decap.DRAFT))
