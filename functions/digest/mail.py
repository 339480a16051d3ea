"""The digest as an e-mail: plain text and HTML of the same content, no remote image, no tracking link
(every link is the post's own page on the wall), and one line saying why the reader gets it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from digest.selection import Selection
from digest.site import Entry, Language


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


# The mail to the list `address` in the language's words
def mail(selection: Selection, language: Language, address: str) -> Mail:
    texts = language.texts
    first = selection.shown[0].title
    others = len(selection.shown) - 1 + selection.more
    subject = texts["subject_more"].format(title=first, count=others) if others else texts["subject"].format(title=first)
    footer = texts["footer"].format(address=address)
    return Mail(_single_line(subject), _text(selection, language, footer), _html(selection, language, footer))


# The plain-text part: the same content as the HTML, links written out
def _text(selection: Selection, language: Language, footer: str) -> str:
    texts = language.texts
    lines = [texts["heading"], "", texts["intro"], ""]
    for entry in selection.shown:
        lines += [_title(entry), entry.summary, texts["source"].format(source=entry.source),
                  f"{texts['share']}: {entry.url}", ""]
    if selection.more:
        lines += [texts["more"].format(count=selection.more), ""]
    lines += [f"{texts['open_wall']}: {language.wall}", "", "-- ", footer]
    return "\n".join(lines) + "\n"


# A title with the sponsored label in front, as the wall's disclosure puts it first
def _title(entry: Entry) -> str:
    return f"{entry.label} | {entry.title}" if entry.label else entry.title


# Inline styles only (mail clients drop style sheets), every text escaped, no image
def _html(selection: Selection, language: Language, footer: str) -> str:
    texts = language.texts
    parts = [
        f'<!DOCTYPE html><html lang="{escape(language.code)}"><head><meta charset="utf-8">'
        f"<title>{escape(texts['heading'])}</title></head>",
        '<body style="margin:0;padding:24px;background:#f5f5f5;font-family:Segoe UI,Helvetica,Arial,sans-serif;'
        'color:#1f1f1f;line-height:1.45">',
        '<div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px;border-radius:8px">',
        f'<h1 style="font-size:22px;margin:0 0 4px">{escape(texts["heading"])}</h1>',
        f'<p style="margin:0 0 16px;color:#616161">{escape(texts["intro"])}</p>',
    ]
    for entry in selection.shown:
        label = (f'<p style="margin:0;font-size:12px;font-weight:bold;color:#a4262c">{escape(entry.label)}</p>'
                 if entry.label else "")
        parts.append(
            '<div style="border-top:1px solid #e0e0e0;padding:16px 0">' + label
            + f'<h2 style="font-size:17px;margin:2px 0 6px">{escape(entry.title)}</h2>'
            + f'<p style="margin:0 0 6px">{escape(entry.summary)}</p>'
            + f'<p style="margin:0 0 10px;font-size:13px;color:#616161">'
              f'{escape(texts["source"].format(source=entry.source))}</p>'
            + f'<a href="{escape(entry.url)}" style="display:inline-block;padding:6px 14px;background:#0f6cbd;'
              f'color:#ffffff;text-decoration:none;border-radius:4px">{escape(texts["share"])}</a></div>')
    if selection.more:
        parts.append(f'<p style="border-top:1px solid #e0e0e0;padding-top:16px;margin:0">'
                     f'{escape(texts["more"].format(count=selection.more))}</p>')
    parts += [
        f'<p style="margin:16px 0 0"><a href="{escape(language.wall)}" style="color:#0f6cbd">'
        f'{escape(texts["open_wall"])}</a></p>',
        "</div>",
        f'<p style="max-width:600px;margin:12px auto 0;font-size:12px;color:#616161">{escape(footer)}</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# A subject is one line: a title with a line break would end the header
def _single_line(text: str) -> str:
    return " ".join(text.split())
