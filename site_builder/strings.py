"""The wall's user interface strings in German and English, chosen by the site's `theme.language`.

One table for the templates and, as JSON, for the composer and wall scripts in the browser.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "wall": "Wall",
        "page": "Seite",
        "sign_in": "Anmelden",
        "share": "Teilen",
        "back": "Zurück zur Wall",
        "briefing": "Briefing",
        "suggestions": "Textvorschläge",
        "pick_suggestion": "Vorschlag wählen",
        "your_text": "Dein Text – sag es mit deinen Worten",
        "locked": "Fester Hinweis, wird immer mitgeteilt",
        "counter_for": "Zeichen für",
        "characters": "Zeichen",
        "too_long": "zu lang",
        "share_on": "Teilen auf",
        "copied": "Text kopiert – füge ihn bei {network} ein (Strg+V).",
        "copy_failed": "Kopieren nicht möglich – markiere den Text und kopiere ihn selbst.",
        "copied_paste": "Text kopiert – füge ihn bei {network} ein ({keys}).",
        "paste_keys": "Strg+V",
        "paste_keys_apple": "⌘V",
        "over_limit": "Zu lang für {network}: {count} von {limit} Zeichen",
        "share_sheet": "Teilen …",
        "not_counted": "Du bist nicht angemeldet: Dein Teilen zählt nicht in der Statistik.",
        "no_script_page": "Diese Seite braucht JavaScript.",
        "no_script_stats": "Die Statistik braucht JavaScript.",
        "no_script_sign_in": "Die Anmeldung braucht JavaScript.",
        "filters": "Filter",
        "topic": "Thema",
        "source": "Quelle",
        "language": "Sprache",
        "all": "Alle",
        "reset": "Zurücksetzen",
        "load_more": "Weitere Beiträge laden",
        "older": "Ältere Beiträge",
        "newer": "Neuere Beiträge",
        "count": "{count} Beiträge",
        "count_one": "1 Beitrag",
        "none": "Keine Beiträge für diese Auswahl.",
        "loading": "Lädt …",
        "topics": "Themen",
        "link": "Zum Artikel",
        "date_format": "%d.%m.%Y",
        "lang_de": "Deutsch",
        "lang_en": "Englisch",
    },
    "en": {
        "wall": "Wall",
        "page": "Page",
        "sign_in": "Sign in",
        "share": "Share",
        "back": "Back to the wall",
        "briefing": "Briefing",
        "suggestions": "Suggested texts",
        "pick_suggestion": "Pick a suggestion",
        "your_text": "Your text – say it in your own words",
        "locked": "Fixed disclosure, always shared",
        "counter_for": "Characters for",
        "characters": "characters",
        "too_long": "too long",
        "share_on": "Share on",
        "copied": "Text copied – paste it into {network} (Ctrl+V).",
        "copy_failed": "Could not copy – select the text and copy it yourself.",
        "copied_paste": "Text copied – paste it into {network} ({keys}).",
        "paste_keys": "Ctrl+V",
        "paste_keys_apple": "⌘V",
        "over_limit": "Too long for {network}: {count} of {limit} characters",
        "share_sheet": "Share …",
        "not_counted": "You are not signed in: your share will not count in the statistics.",
        "no_script_page": "This page needs JavaScript.",
        "no_script_stats": "The statistics need JavaScript.",
        "no_script_sign_in": "Signing in needs JavaScript.",
        "filters": "Filters",
        "topic": "Topic",
        "source": "Source",
        "language": "Language",
        "all": "All",
        "reset": "Reset",
        "load_more": "Load more posts",
        "older": "Older posts",
        "newer": "Newer posts",
        "count": "{count} posts",
        "count_one": "1 post",
        "none": "No posts match this selection.",
        "loading": "Loading …",
        "topics": "Topics",
        "link": "Read the article",
        "date_format": "%d %b %Y",
        "lang_de": "German",
        "lang_en": "English",
    },
}


# What composer.js and wall.js show; the rest is for the templates only
SCRIPT_STRINGS = ("pick_suggestion", "your_text", "locked", "counter_for", "characters", "too_long", "copied",
                  "copy_failed", "load_more", "loading", "count", "count_one", "none", "not_counted", "sign_in",
                  "copied_paste", "paste_keys", "paste_keys_apple", "over_limit", "share_sheet")


# Each interface language by its own name, as the language selector lists them
ENDONYMS = {"de": "Deutsch", "en": "English"}


def strings_for(language: str) -> dict[str, str]:
    """The strings of the site language; English for any language we have no table for."""
    return STRINGS.get(language.split("-")[0].lower(), STRINGS["en"])


def language_name(strings: dict[str, str], code: str) -> str:
    """A post language's display name in the UI language, or its code when unnamed."""
    return strings.get(f"lang_{code}", code)
