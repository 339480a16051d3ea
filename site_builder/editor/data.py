"""What the editor's script (site/admin/editor.js) reads as `editor.<lang>.json`: the strings of its preview and
widgets, the network table, the disclosure texts, the rules of `check` its widgets repeat, the wall's stylesheets.

Pure: built from the settings, the loaded content and one language's catalogue; the build writes it once per
interface language next to Decap's `config.<lang>.yml`. The counting itself is not here: editor.js takes the
composer's rules (templates/assets/sharewall/composer.js), which tests/test_composer_js.py pins to sharing.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sharewall_common.postfields import SUGGESTIONS_MAX, SUMMARY_MAX, TITLE_MAX
from site_builder import catalogue
from site_builder.catalogue import Catalogue, language_name
from site_builder.model import Content, FrontMatter
from site_builder.networks import NETWORKS
from site_builder.settings import Settings

SECTION = "editor_preview"  # the catalogue section of the preview's and the widgets' own strings
# the wall's strings the preview shows as the wall does (templates/partials/sharewall/*.html, post.html)
WALL_KEYS = ("share", "back", "briefing", "suggestions", "link", "topics", "share_on", "new_window", "locked_note",
             "your_text", "over_limit", "characters", "too_long")
ASSETS = "assets/sharewall"  # as site_builder/adapter/outputs.py: the wall's own styles and scripts
MATERIAL_STYLES = ("main", "palette")  # Material's stylesheets every wall page links (assets/stylesheets/<name>.<hash>.min.css)


# The editor's data for the interface `language`; `strings` is that language's catalogue (or its sections, or None:
# read from the site's catalogues), whose `editor_preview` and `wall` sections the preview and widgets speak
def editor_data(language: str, settings: Settings, content: Content, strings: Any) -> dict:
    sections = _sections(language, settings, strings)
    wall = sections.get("wall", {})
    root = _root(settings.site_url)
    names = catalogue.Strings({}, language)
    return {
        "language": language,
        "interface": list(settings.interface or (language,)),  # the built interface languages, the main one first
        "strings": {SECTION: dict(sections.get(SECTION, {})),
                    "wall": {key: wall[key] for key in WALL_KEYS if key in wall}},
        "networks": {name: NETWORKS[name].as_json() for name in settings.networks},
        "languages": {code: language_name(names, code) for code in settings.languages},
        "disclosures": {code: settings.disclosures[code].model_dump() for code in settings.languages},
        "utm_medium": settings.utm_medium,
        "timezone": settings.timezone,  # an expiry or publication without offset is in it (model._parse_time)
        "site_url": settings.site_url,
        "root": root,
        # rules.disclosure: these campaigns and sources make a post `sponsored`
        "reimbursed": sorted(name for name, campaign in content.campaigns.items() if campaign.reimbursed),
        "influencers": sorted(name for name, source in content.sources.items() if source.kind == "influencer"),
        "sources": {name: source.named(language).name for name, source in content.sources.items()},
        "campaigns": {name: campaign.name_in(language) for name, campaign in content.campaigns.items()},
        "topics": content.topic_labels(language),
        "limits": {"title": TITLE_MAX, "summary": SUMMARY_MAX, "suggestions": SUGGESTIONS_MAX,
                   "image_alt": FrontMatter.model_fields["image_alt"].metadata[-1].max_length},
        "styles": styles(root),
    }


# The stylesheets every wall page links, site-absolute: Material's (their hashed names as the theme ships them) and
# the wall's own; the preview loads them so a card looks as on the wall
def styles(root: str) -> list[str]:
    import material  # the theme the build renders with

    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    found = [f"{root}assets/stylesheets/{path.name}" for name in MATERIAL_STYLES
             for path in sorted(folder.glob(f"{name}.*.min.css"))]
    return [*found, f"{root}{ASSETS}/sharewall.css"]


# The site's own path (site_url's, "/" without one): where its assets are below the origin
def _root(site_url: str | None) -> str:
    path = urlsplit(site_url).path if site_url else "/"
    return path if path.endswith("/") else f"{path}/"


# A catalogue's sections from what the build handed over
def _sections(language: str, settings: Settings, strings: Any) -> dict[str, dict]:
    if isinstance(strings, Catalogue):
        return strings.sections
    if isinstance(strings, dict) and isinstance(strings.get(SECTION), dict):
        return strings
    return catalogue.load(language, settings.locales).sections
