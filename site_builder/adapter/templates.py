"""What the theme's templates get from the plugin: the `sharewall` globals (browser configuration, strings, links),
the escaping of Sharewall's own templates, and each page's part of the wall."""

from __future__ import annotations

from site_builder.adapter.outputs import ASSETS
from site_builder.adapter.pages import SIGN_IN_FILE, composer
from site_builder.fragments import Fragments
from site_builder.settings import Settings
from site_builder.wall import Card, Site, Wall, browser_config

# Sharewall's own templates (templates/): compiled with autoescape, so every value they print is text
ESCAPED_TEMPLATES = frozenset({"post.html", "wall.html", "claims.html", "stats.html", "signin.html"})
ESCAPED_PARTIALS = "partials/sharewall/"


# The `sharewall` global of every template: the browser configuration, the interface's strings (`t`), the homes
# of the languages, the site-absolute links of the wall's own assets and the build's fragments (HTML many pages share)
def globals_for(settings: Settings, site: Site, language: str, homes: dict[str, str], strings, sign_in_href: str) -> dict:
    base = site.base
    return {
        "config": browser_config(settings, sign_in_page=sign_in_href, ui={"lang": language, "homes": homes}),
        "t": strings, "home": base, "homes": homes, "language": language,
        "href": {"css": f"{base}{ASSETS}/sharewall.css", "site": f"{base}{ASSETS}/site.js",
                 "locale": f"{base}{ASSETS}/locales/{language}.js", "format": f"{base}{ASSETS}/format.js",
                 "composer": f"{base}{ASSETS}/composer.js", "wall": f"{base}{ASSETS}/wall.js", "feed": f"{base}feed.xml",
                 "goals": f"{base}{ASSETS}/goals.js"},
        "fragments": Fragments(),  # rendered once a build: templates/partials/sharewall/cached.html
    }


# Autoescape for Sharewall's templates; Material's own keep the theme's setting (they print HTML they trust)
def autoescape(theme_setting):
    def escaped(name: str | None) -> bool:
        if name and (name in ESCAPED_TEMPLATES or name.startswith(ESCAPED_PARTIALS)):
            return True
        return theme_setting(name) if callable(theme_setting) else bool(theme_setting)
    return escaped


# What a page's template gets beyond MkDocs' context: whether the wall gate opens it without a session
# (`public`), the strings of every language on the sign-in page, a post page's card and composer, a wall page's
# cards, pager, facets and script state (`rendered`: every card's HTML in wall order)
def page_context(uri: str, public: bool, site: Site, homes: dict[str, str], post_pages: dict[str, Card],
                 wall_pages: dict[str, int], wall: Wall, rendered: list[str], positions: dict[str, int]) -> dict:
    context = {"sharewall_public": public}
    if uri == SIGN_IN_FILE:  # the one sign-in page speaks the language of the page it leads back to: all of them
        context["sharewall_locales"] = [f"{site.base}{ASSETS}/locales/{code}.js" for code in homes]
    if uri in post_pages:
        card = context["sharewall_post"] = post_pages[uri]
        context["sharewall_og_image"] = card.image and site.full(card.image)
        context["sharewall_composer"] = composer(rendered[positions[card.post.slug]])
    elif uri in wall_pages:
        number = wall_pages[uri]
        context["sharewall_wall"] = {"cards": rendered[wall.page(number)], "pager": wall.pager(number),
                                     "facets": wall.facets, "state": wall.script_state(number)}
    return context
