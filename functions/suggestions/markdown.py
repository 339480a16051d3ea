"""What a suggester typed, made inert for a pull request's title, description and commit message.

GitHub renders a pull request's description as Markdown and links mentions (`@user`, `@org/team`) and
references (`#123`, `GH-123`, `owner/repo#1`) in its title, description and commit messages: a mention
notifies that person, and Markdown could forge headings, images, links or "approved" badges. So every
ASCII punctuation character a Markdown rule starts with is backslash-escaped, controls are dropped, and a
zero-width space after `@`, `#` and `GH-` keeps the text readable while no mention or reference forms.
A link is shown as an autolink whose characters that could end it are percent-encoded.
"""

from __future__ import annotations

import regex

from sharewall_common.postfields import CONTROL, CONTROL_MULTILINE

WORD_JOINER = "\u200b"  # a zero-width space: invisible, and breaks GitHub's mention and reference patterns
# Every ASCII punctuation character CommonMark or GitHub gives a meaning (a backslash before any of them is literal)
SPECIAL = regex.compile(r"""([\\`*_{}\[\]()<>#+\-.!|~:&=^$@])""")
REFERENCE = regex.compile(r"(?i)(\\@|\\#|gh\\-)(?=\S)")
SPACES = regex.compile(r"[\t\p{Zs}]+")
IN_LINK = regex.compile(r"""[<>`"'\\\[\]()\s{}|^]""")


# One line of a title or a list item: line breaks become spaces, so nothing typed starts a block
def inline(value: str) -> str:
    return _escaped(SPACES.sub(" ", CONTROL.sub(" ", value.replace("\r\n", " "))).strip())


# Paragraphs of the "why": each line escaped on its own (no heading, list, quote or code block can start)
def lines(value: str) -> list[str]:
    clean = CONTROL_MULTILINE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return [_escaped(SPACES.sub(" ", line).strip()) for line in clean.split("\n")]


# A link as an autolink: the characters that would end or break it percent-encoded, the rest as typed
def link(value: str) -> str:
    clean = CONTROL.sub("", value)
    return "<" + IN_LINK.sub(lambda found: "".join(f"%{byte:02X}" for byte in found[0].encode("utf-8")), clean) + ">"


def _escaped(text: str) -> str:
    escaped = SPECIAL.sub(r"\\\1", text)
    return REFERENCE.sub(lambda found: found[1] + WORD_JOINER, escaped)
