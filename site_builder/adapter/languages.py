"""The interface's languages in MkDocs: where each lives (the theme's at the site's root, each alternate in its own
folder with the same paths), what Material's selector lists, the nav's titles, and the builds of the alternates."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from site_builder import catalogue
from site_builder.wall import Site

log = logging.getLogger("mkdocs.plugins.sharewall")


# Each interface language's home (site path), the main language's first; Material's selector lists them
# (partials/alternate.html links each to the same page in that language)
def homes(config: MkDocsConfig, site: Site, main_language: str, alternates) -> dict[str, str]:
    found = {code: site.root + ("" if code == main_language else f"{code}/") for code in [main_language, *alternates]}
    if alternates:
        config.extra["alternate"] = [{"name": catalogue.endonym(code), "link": home, "lang": code}
                                     for code, home in found.items()]
    return found


# The nav's titles in this build's interface language (mkdocs.yml's titles -> translated)
def translate_nav(nav, titles: dict[str, str]):
    items = list(nav.items)
    while items:
        item = items.pop()
        item.title = titles.get(item.title, item.title)
        items += getattr(item, "children", None) or []
    return nav


# Build the site once more for each alternate interface language, into `<site_dir>/<code>/`, from the same
# content as of the same moment (the main build's plugin, `main`, hands it over)
def build_alternates(config: MkDocsConfig, main, alternates) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for language in alternates:
        nested = load_config(config.config_file_path, site_dir=str(Path(config.site_dir, language)),
                             site_url=config.site_url and main.site.full(main.site.root + f"{language}/"))
        nested.theme["language"] = language
        plugin = nested.plugins.get("sharewall")
        plugin.main, plugin.dev_sign_in = main, main.dev_sign_in
        log.info(f"sharewall: building the {catalogue.endonym(language)} interface into {language}/")
        build(nested)


# The strings of this build's language, once every interface language is known to have its catalogue
def strings_of(language: str, settings) -> catalogue.Strings:
    try:
        for code in settings.interface:
            catalogue.load(code, settings.locales)
        return catalogue.strings_for(language, settings.locales)
    except catalogue.CatalogueError as error:
        raise PluginError(f"sharewall: {error}") from None
