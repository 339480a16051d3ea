"""The content as the build reads it: loaded and checked like `sharewall check` (the interface catalogues too),
and the wall of the active posts in one interface language."""

from __future__ import annotations

import logging
from datetime import datetime

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from site_builder import rules
from site_builder.adapter.pages import image_url, refuse
from site_builder.content import Content, Post, load_content
from site_builder.settings import Settings
from site_builder.wall import Site, Wall, build_card

log = logging.getLogger("mkdocs.plugins.sharewall")


# Load and validate the content and the catalogues like `sharewall check`; every error at once, or nothing
def load(docs_dir: str, settings: Settings, now: datetime) -> Content:
    content = load_content(docs_dir, settings, now, markup=False)  # the pages' markup: as each is rendered
    content.issues += rules.catalogues(settings)
    for issue in content.warnings:
        log.info(str(issue))
    if content.errors:
        raise refuse(content.errors)
    return content


# The cards of the active posts, newest first, in the interface language of `strings`
def wall_of(content: Content, active: list[Post], files: Files, config: MkDocsConfig, settings: Settings, site: Site,
            strings, now: datetime) -> Wall:
    sources = {key: source.named(strings.code) for key, source in content.sources.items()}
    topics = content.topic_labels(strings.code)
    cards = [build_card(post, settings, sources, site, strings, image_url(files, post, site), topics) for post in active]
    return Wall(cards, settings.page_size, site, sources, strings, now, title=config.site_name, topics=topics)
