"""The daily digest on the builder's side: what the build publishes for the DigestFunction, and the preview.

`sharewall/digest.json` (at the site's root, written by the main build) holds the catalogues' `digest`
section in every interface language, where each language's wall lives and the sources' names in it, and the
sponsored labels: the function cannot read the catalogues or sources.yml, and reads this next to each language's
posts.json. `sharewall digest --preview` renders, from a built site, the card and the mail the function's
next run would send (its own code, functions/digest/, run on the built files).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from site_builder import catalogue
from site_builder.content import Content
from site_builder.settings import Settings
from site_builder.wall import Site

PUBLISHED = "sharewall/digest.json"
FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"  # Sharewall's functions, next to this package
# The digest section's keys the function needs (functions/digest/site.py KEYS; a test keeps them equal)
KEYS = ("heading", "intro", "source", "share", "more", "open_wall", "subject", "subject_more", "footer")


# sharewall/digest.json of a build whose interface languages live at `homes` (code -> site-absolute path)
def published(homes: dict[str, str], site: Site, content: Content, settings: Settings) -> dict[str, bytes]:
    def strings(section: str, code: str) -> dict:
        return catalogue.load(code, settings.locales).sections.get(section, {})

    languages = {code: {"home": home, "prefix": home[len(site.root):],
                        "texts": {key: strings("digest", code)[key] for key in KEYS},
                        "sources": {key: source.named(code).name for key, source in content.sources.items()}}
                 for code, home in homes.items()}
    data = {"languages": languages,
            "sponsored": {code: disclosure.label for code, disclosure in settings.disclosures.items()}}
    return {PUBLISHED: json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")}


class PreviewError(ValueError):
    """The site folder holds no built site with the digest's files; the message says what to do."""


@dataclass(frozen=True)
class Preview:
    """What the next run would send in one language: the Teams message and the mail (None: nothing new)."""

    language: str
    message: dict | None
    subject: str = ""
    text: str = ""


# The digests of a built site at `now`, as the first run would pick them (the posts that became active in the
# last 24 hours, or since `since`); `languages` empty: every interface language the site publishes
def preview(site_dir: Path, site_url: str, languages: tuple[str, ...] = (),
            now: datetime | None = None, address: str = "<DigestEmailTo>", max_posts: int = 5,
            since: datetime | None = None) -> list[Preview]:
    if str(FUNCTIONS) not in sys.path:  # the function's own code, as the local stack imports it
        sys.path.insert(0, str(FUNCTIONS))
    from digest import card, mail, site
    from digest.selection import FIRST_RUN, select

    def read(path: str) -> bytes:
        try:
            return (site_dir / path).read_bytes()
        except OSError:
            raise PreviewError(f"{site_dir / path} is missing: build the site first (sharewall build)") from None

    now = now or datetime.now(timezone.utc)
    window = now - since if since else FIRST_RUN
    try:
        found = site.published(site_url, read)
        unknown = [code for code in languages if code not in found.languages]
        if unknown:
            raise PreviewError(f"--language {', '.join(unknown)}: the site's interface languages are "
                               f"{', '.join(found.languages)}")
        previews = []
        for code in languages or tuple(found.languages):
            language = found.languages[code]
            selection = select(site.posts(language, found, site_url, read), now, None, max_posts, window)
            if not selection:
                previews.append(Preview(code, None))
                continue
            message = mail.mail(selection, language, address)
            previews.append(Preview(code, card.message(card.card(selection, language)), message.subject,
                                    message.text))
        return previews
    except site.SiteError as error:
        raise PreviewError(str(error)) from None



# The previews as `sharewall digest --preview` prints them: per language the Teams message (JSON), then the mail
def printed(previews: list[Preview]) -> str:
    blocks = []
    for one in previews:
        if one.message is None:
            blocks.append(f"== {one.language}: nothing new: the run would send nothing")
            continue
        blocks.append(f"== {one.language}: Teams (the Workflow's request body)\n"
                      + json.dumps(one.message, ensure_ascii=False, indent=2))
        blocks.append(f"== {one.language}: e-mail (its HTML part has the same content)\nSubject: {one.subject}\n\n"
                      + one.text.rstrip("\n"))
    return "\n\n".join(blocks)
