"""The `sharewall` MkDocs plugin: the one thin adapter between MkDocs and the content core.

It validates the content with the same code as `sharewall check`, replaces the post files by generated pages
for the posts active as of the build (never in the nav), adds the static wall pages, renders every card once
and writes the filter index, `posts.json` and the feed. What a card shows, how links are built and what gets
written is decided MkDocs-free in `wall.py`; the options, pages, languages and outputs live in `adapter/`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder import digest, reserved, sanitise
from site_builder.adapter import languages, outputs, pages, templates
from site_builder.adapter.content import load, wall_of
from site_builder.adapter.build import build_site  # noqa: F401  (what `sharewall build` and `serve` call)
from site_builder.adapter.config import SharewallConfig, editor_backend, settings_of
from site_builder.content import Content, Issue, Post
from site_builder.editor import build as editor_build
from site_builder.wall import Card, Site

log = logging.getLogger("mkdocs.plugins.sharewall")


class SharewallPlugin(BasePlugin[SharewallConfig]):

    # Start with no state: every build (also each rebuild of `serve`) sets it anew
    def __init__(self) -> None:
        super().__init__()
        self.dev_sign_in = False  # set by build_site for `sharewall serve`
        self.editor_local_backend: str | None = None  # decap-server's API, set by build_site for `sharewall serve`
        self.editor_origin: str | None = None  # the origin `sharewall serve` serves at (the editor's base_url)
        self.editor_repo: str | None = None  # the stack's SuggestionsRepository (build --production), if no editor.repo
        self.identity: dict[str, str] = {}  # sign_in's groups_claim/role_groups from the deploy (build --production)
        self.main: SharewallPlugin | None = None  # in an alternate language's build: the main build's plugin
        self._reset()

    # Build the settings the content core understands; the interface's language, strings and homes
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        sign_in = {**self.config.sign_in, **(self.main or self).identity}  # the local server signs people in itself
        self.language = (config.theme["language"] or "en").split("-")[0].lower()
        main_language = self.main.language if self.main else self.language
        self.settings = settings_of(self.config, config, main_language,
                                    sign_in if self.config.sign_in and not self.dev_sign_in else None,
                                    site_url=self.main.site.url if self.main else config.site_url or None)
        self.strings = languages.strings_of(self.language, self.settings)  # every language has its catalogue
        self.site = Site(url=self.main.site.url if self.main else config.site_url or None,
                         directory_urls=config.use_directory_urls, prefix=f"{self.language}/" if self.main else "")
        self.homes = languages.homes(config, self.site, main_language, list(self.config.alternates))
        if not self.main:  # the editor's options, checked before anything is built
            self.editor = editor_backend(self.config, self.editor_local_backend, self.editor_repo)
        config.markdown_extensions.append(pages.HtmlOutput())
        return config

    # Validate all content before MkDocs cleans or writes anything: on any error, publish nothing
    @event_priority(100)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self._reset()
        if self.main:  # the same content as of the same moment as the main build: loaded and checked once
            self.now, self.content, self.active = self.main.now, self.main.content, self.main.active
            return
        self.now = datetime.now(self.settings.zone)
        self.content = load(config.docs_dir, self.settings, self.now)
        self.active = self.content.active(self.now)

    # Replace the post files by generated pages of the active posts, add the wall's pages (run
    # early, so other plugins see the site as it will be built)
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        pages.walked_by_check(files, config, self.content)
        uris = pages.take_post_files(files)
        self.unsafe += pages.choose_language_twins(files, config, set(self.config.alternates), self.language,
                                                   not self.main, self.settings)
        pages.drop_unused_images(files, self.content, self.active)
        self.wall = wall_of(self.content, self.active, files, config, self.settings, self.site, self.strings,
                             self.now)
        self.post_pages = pages.add_post_pages(files, config, self.wall, uris, self.site)
        self.wall_pages = pages.add_wall_pages(files, config, self.wall, self.site, self.strings["wall"])
        # one sign-in page, the main build's: the provider knows one redirect URI, whatever language people read
        self.sign_in_href = self.main.sign_in_href if self.main else pages.add_sign_in_page(
            files, config, self.site, self.strings["sign_in"])
        if not self.main:
            left_out = len(self.content.posts) - len(self.active)
            log.info(f"sharewall: {len(self.active)} posts on the wall, {left_out} scheduled, expired or drafts left out")
        return files

    # Give the nav's titles in this build's interface language
    @event_priority(50)
    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        if not self.config.enabled or not self.main:
            return None
        return languages.translate_nav(nav, self.config.alternates[self.language].nav)

    # Hand MkDocs every content page without front matter; the metadata is the validated front matter (on_page_markdown)
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return pages.source(page, self.post_pages, self.page_meta) if self.config.enabled else None

    # Give post and wall pages their template, title and description (run early, so other
    # plugins see the final metadata)
    @event_priority(50)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        uri = page.file.src_uri  # a content page's checked front matter, nothing else, and what the plugin adds
        page.meta = pages.metadata(uri, self.page_meta.get(uri, {}), self.post_pages, self.wall_pages, self.strings)
        return markdown

    # Sanitise every page's HTML last (nothing after it adds to the content); make its title and table of
    # contents text, whichever heading or file name they came from
    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        pages.escape_titles(page)
        cleaned = sanitise.clean(html)
        if cleaned != html and sanitise.removals(html):  # Markdown's own HTML comes back unchanged
            self.unsafe += pages.unsafe_markup(page, html, config, self.post_pages, self.settings)
        return cleaned

    # Render every card once with the theme; give all templates the browser configuration and the strings
    @event_priority(-50)
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if not self.config.enabled:
            return None
        if self.unsafe:  # every page is rendered, none written yet: publish nothing
            raise pages.refuse(sorted(set(self.unsafe)))
        env.autoescape = templates.autoescape(env.autoescape)
        env.globals["sharewall"] = templates.globals_for(self.settings, self.site, self.language, self.homes,
                                                         self.strings, self.sign_in_href)
        template = env.get_template("partials/sharewall/card.html")
        self.rendered = [template.render(card=card, t=self.strings) for card in self.wall.cards]
        self.positions = {card.post.slug: position for position, card in enumerate(self.wall.cards)}
        return env

    # Hand the wall pages their slice of rendered cards, post pages their card
    @event_priority(-50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        # public: a page the wall gate opens without a session (reserved.GATE_PUBLIC); main.html leaves out what it refuses
        context.update(templates.page_context(
            page.file.src_uri, reserved.opened_by_gate("/" + self.site.prefix + page.url), self.site, self.homes,
            self.post_pages, self.wall_pages, self.wall, self.rendered, self.positions))
        return context

    # Write the filter index, posts.json, feed.xml and the languages' strings next to the HTML; then the alternates
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        outputs.write(config.site_dir, {
            **self.wall.outputs(), **outputs.published_policy(config.docs_dir),
            **outputs.published_campaigns(self.content, self.settings),
            **(digest.published(self.homes, self.site, self.content, self.settings) if not self.main else {}),  # the root's
            **(outputs.published_invite_mail(self.homes, self.settings.locales) if not self.main else {}),  # the root build, read by the function
            **(outputs.published_claims_csv(self.homes, self.settings.locales) if not self.main else {}),  # likewise the CSV's words
            # the main build's sign-in page speaks every language
            **outputs.locale_scripts([self.language] if self.main else self.homes, self.settings)})
        if not self.main:  # the editor at /admin/ in every interface language, then the alternates
            editor_build.write(config.site_dir, Path(config.config_file_path).parent, config.docs_dir, list(self.homes),
                               self.settings, self.content, self.editor, origin=self.editor_origin)
            languages.build_alternates(config, self, self.config.alternates)

    # Forget the previous build
    def _reset(self) -> None:
        self.content: Content | None = None
        self.active: list[Post] = []
        self.post_pages: dict[str, Card] = {}  # src_uri -> card of a generated post page
        self.wall_pages: dict[str, int] = {}  # src_uri -> wall page number
        self.sign_in_href = ""  # the sign-in page's path, for the browser configuration
        self.rendered: list[str] = []  # card HTML in wall order
        self.positions: dict[str, int] = {}  # slug -> position on the wall, to find its rendered card
        self.unsafe: list[Issue] = []  # what the sanitiser removed from pages, as `sharewall check` words it
        self.page_meta: dict[str, dict] = {}  # src_uri -> front matter of a content page, as `check` read it
