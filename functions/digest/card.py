"""The digest as a Microsoft Teams message: an Adaptive Card 1.5 in the envelope a channel Workflow
("When a Teams webhook request is received") posts to the channel."""

from __future__ import annotations

from digest.selection import Selection
from digest.site import Language

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


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
            items.append({"type": "TextBlock", "text": entry.label, "size": "Small", "weight": "Bolder",
                          "color": "Attention", "wrap": True})
        items += [
            {"type": "TextBlock", "text": entry.title, "size": "Medium", "weight": "Bolder", "wrap": True,
             "spacing": "Small"},
            {"type": "TextBlock", "text": entry.summary, "wrap": True, "spacing": "Small"},
            {"type": "TextBlock", "text": texts["source"].format(source=entry.source), "size": "Small",
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
