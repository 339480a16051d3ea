"""The digest as a Microsoft Teams message: an Adaptive Card 1.5 in the envelope a channel Workflow
("When a Teams webhook request is received") posts to the channel."""

from __future__ import annotations

import re

from digest.selection import Selection
from digest.site import Language

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


# CommonMark's inline syntax Teams renders in a TextBlock (emphasis, links, code, HTML, escapes) and a line's
# block syntax (a list item, heading or quote at its start, "1." / "1)"); every ASCII punctuation may be escaped
_INLINE = re.compile(r"([\\`*_\[\]{}<>()#+!|~&])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))", re.MULTILINE)


# Text from content as a TextBlock shows it: literally, since Teams renders Markdown there (a title
# "[win](https://evil.example)" stays text, not a link; "- Tip" stays a title, not a list)
def plain(text: str) -> str:
    escaped = _INLINE.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda match: match[1] + (match[2] + "\\" if match[2][0].isdigit() else "\\" + match[2]),
                              escaped)
    return escaped


# The body Teams' Workflow takes: one message with the card as its only attachment
def message(card: dict) -> dict:
    return {"type": "message", "attachments": [{"contentType": CARD_TYPE, "contentUrl": None, "content": card}]}


# The card in the language's words: heading, each post (sponsored label, title, summary, source, a share
# button opening its page on the wall), how many more are new, and a button to the wall
def card(selection: Selection, language: Language) -> dict:
    texts = language.texts
    body: list[dict] = [
        {"type": "TextBlock", "text": texts["heading"], "size": "Large", "weight": "Bolder", "wrap": True,
         "style": "heading"},
        {"type": "TextBlock", "text": texts["intro"], "wrap": True, "isSubtle": True, "spacing": "Small"},
    ]
    for entry in selection.shown:
        items: list[dict] = []
        if entry.label:
            items.append({"type": "TextBlock", "text": plain(entry.label), "size": "Small", "weight": "Bolder",
                          "color": "Attention", "wrap": True})
        items += [
            {"type": "TextBlock", "text": plain(entry.title), "size": "Medium", "weight": "Bolder", "wrap": True,
             "spacing": "Small"},
            {"type": "TextBlock", "text": plain(entry.summary), "wrap": True, "spacing": "Small"},
            {"type": "TextBlock", "text": texts["source"].format(source=plain(entry.source)), "size": "Small",
             "isSubtle": True, "wrap": True, "spacing": "Small"},
            {"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": texts["share"], "url": entry.url}]},
        ]
        body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": items})
    if selection.more:
        body.append({"type": "TextBlock", "text": texts["more"].format(count=selection.more), "wrap": True,
                     "separator": True, "spacing": "Medium"})
    return {
        "type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "lang": language.code,
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": texts["open_wall"], "url": language.wall}],
        "msteams": {"width": "Full"},
    }
