"""The `sharewall` MkDocs plugin: the one thin adapter between MkDocs and the content core.

It validates the content with the same code as `sharewall check`, replaces the post files by
generated pages for the posts active as of the build (never in the nav), adds the static wall
pages, renders every card once and writes the filter index, `posts.json` and the feed.
What a card shows, how links are built and what gets written is decided MkDocs-free in `wall.py`.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from markdown import Extension, Markdown
from markdown.serializers import to_html_string
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from site_builder import catalogue, reserved, rules, sanitise
from site_builder.content import Content, Issue, Post, is_post_file, load_content, load_page, read_page
from site_builder.networks import NETWORKS
from site_builder.settings import (DEFAULT_DISCLOSURES, Disclosure, Settings, SettingsError, interface_options,
                                   validate_settings)
from site_builder.wall import Card, Site, Wall, browser_config, build_card

log = logging.getLogger("mkdocs.plugins.sharewall")

WALL_FILE = "index.md"  # the wall's first page; its text is the wall's introduction
SIGN_IN_FILE = "signin.md"  # where the identity provider sends employees back to (generated)
ASSETS = "assets/sharewall"  # templates/assets/sharewall: the wall's own scripts and styles
COMPOSER_START = '<details class="sw-share">'  # where partials/sharewall/composer.html begins in a card
# Sharewall's own templates (templates/): compiled with autoescape, so every value they print is text
ESCAPED_TEMPLATES = frozenset({"post.html", "wall.html", "claims.html", "stats.html", "signin.html"})
ESCAPED_PARTIALS = "partials/sharewall/"

# -----------------------------------------------------------------------------
# Configuration
# -----------------------------------------------------------------------------


# The defaults of `Settings`, so the plugin's options and `sharewall check` cannot drift apart
def _default(name: str):
    return Settings.model_fields[name].default


# The locked disclosure texts of one language
class DisclosureConfig(Config):
    sponsored = opt.Type(str)
    employee = opt.Type(str)
    label = opt.Type(str, default=Disclosure.model_fields["label"].default)


# One more interface language, built into `<site>/<code>/`: the nav's titles in it (content pages
# have twins `<name>.<code>.md`; posts are the same in every interface language)
class AlternateConfig(Config):
    nav = opt.Type(dict, default={})


# The plugin's options: the same fields as `Settings`, typed for MkDocs
class SharewallConfig(Config):
    enabled = opt.Type(bool, default=True)
    timezone = opt.Type(str, default=_default("timezone"))
    languages = opt.ListOfItems(opt.Type(str), default=list(_default("languages")))
    networks = opt.ListOfItems(opt.Choice(tuple(NETWORKS)), default=list(_default("networks")))
    disclosures = opt.DictOfItems(
        opt.SubConfig(DisclosureConfig),
        default={language: value.model_dump() for language, value in DEFAULT_DISCLOSURES.items()},
    )
    utm_medium = opt.Type(str, default=_default("utm_medium"))
    api = opt.Type(str, default=_default("api"))
    page_size = opt.Type(int, default=_default("page_size"))
    sign_in = opt.Type(dict, default={})  # the identity provider; settings.SignIn checks its fields
    alternates = opt.DictOfItems(opt.SubConfig(AlternateConfig), default={})  # interface languages beyond the theme's
    locales = opt.Type(str, default="")  # a folder of the site's own catalogues (<code>.yml), next to mkdocs.yml


# -----------------------------------------------------------------------------
# Plugin
# -----------------------------------------------------------------------------


class SharewallPlugin(BasePlugin[SharewallConfig]):

    # Start with no state: every build (also each rebuild of `serve`) sets it anew
    def __init__(self) -> None:
        super().__init__()
        self.dev_sign_in = False  # set by build_site for `sharewall serve`
        self.identity: dict[str, str] = {}  # sign_in's groups_claim/role_groups from the deploy (build --production)
        self.main: SharewallPlugin | None = None  # in an alternate language's build: the main build's plugin
        self._reset()

    # Build the settings the content core understands from the typed options
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        config.mdx_configs.update(rules.markdown_configs(config.mdx_configs))  # headings never get a site id
        options = {
            **{key: self.config[key] for key in ("timezone", "utm_medium", "api", "page_size")},
            "languages": tuple(self.config.languages),
            "networks": tuple(self.config.networks),
            "disclosures": {lang: dict(value) for lang, value in self.config.disclosures.items()},
            # the local server signs people in itself, whatever provider production uses
            "sign_in": {**self.config.sign_in, **(self.main or self).identity}
            if self.config.sign_in and not self.dev_sign_in else None,
            "markdown_extensions": tuple(name for name in config.markdown_extensions if isinstance(name, str)),
            "markdown_configs": dict(config.mdx_configs),
            **interface_options({"theme": {"language": self.main.language if self.main else config.theme["language"],
                                           "custom_dir": config.theme.custom_dir}},
                                {"alternates": dict(self.config.alternates), "locales": self.config.locales},
                                config.config_file_path),
        }
        try:
            self.settings = validate_settings(options, config.config_file_path)
        except SettingsError as error:
            raise PluginError(f"sharewall: {error}") from None
        self.language = (config.theme["language"] or "en").split("-")[0].lower()
        try:  # every interface language has its catalogue, or nothing is built
            self.strings = catalogue.strings_for(self.language, self.settings.locales)
            for code in self.settings.interface:
                catalogue.load(code, self.settings.locales)
        except catalogue.CatalogueError as error:
            raise PluginError(f"sharewall: {error}") from None
        self.wall_title = self.strings["wall"]
        self._configure_languages(config)
        config.markdown_extensions.append(_HtmlOutput())
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
        self.content = self._load(config)
        self.active = self.content.active(self.now)

    # Replace the post files by generated pages of the active posts, add the wall's pages (run
    # early, so other plugins see the site as it will be built)
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        self._walked_by_check(files, config)
        uris = self._take_post_files(files)
        self._choose_language_twins(files, config)
        self._drop_unused_images(files)
        self.wall = self._build_wall(files, config)
        for card in self.wall.cards:
            self._add_post_page(files, config, card, uris[card.post.slug])
        self._add_wall_pages(files, config)
        self._add_sign_in_page(files, config)
        left_out = len(self.content.posts) - len(self.active)
        if not self.main:
            log.info(f"sharewall: {len(self.active)} posts on the wall, {left_out} scheduled, expired or drafts left out")
        return files

    # Give the nav's titles in this build's interface language
    @event_priority(50)
    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        if not self.config.enabled or not self.main:
            return None
        titles = self.config.alternates[self.language].nav
        items = list(nav.items)
        while items:
            item = items.pop()
            item.title = titles.get(item.title, item.title)
            items += getattr(item, "children", None) or []
        return nav

    # Hand MkDocs every content page without front matter: the body after the front matter `check` read (a
    # blank first line, so no `---` block or `key: value` line of a body becomes metadata); the metadata is
    # the validated front matter (on_page_markdown)
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        uri = page.file.src_uri
        if uri in self.post_pages:
            return "\n" + self.post_pages[uri].post.body
        if page.file.abs_src_path:
            document = read_page(Path(page.file.abs_src_path))
            self.page_meta[uri] = document.meta
            return "\n" + document.body
        return None

    # Give post and wall pages their template, title and description (run early, so other
    # plugins see the final metadata)
    @event_priority(50)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        uri = page.file.src_uri
        page.meta = dict(self.page_meta.get(uri, {}))  # a content page's checked front matter, nothing else
        if uri in self.post_pages:
            post = self.post_pages[uri].post
            page.meta.update(title=post.title, description=post.summary, template="post.html", hide=["toc"])
        elif uri == SIGN_IN_FILE:
            page.meta.update(title=self.strings["sign_in"], template="signin.html", hide=["toc", "navigation"],
                             search={"exclude": True})
        elif uri in self.wall_pages:
            number = self.wall_pages[uri]
            page.meta.setdefault("template", "wall.html")
            page.meta.setdefault("hide", ["toc"])
            if number > 1:
                title = page.meta.get("title") or self.wall_title
                page.meta.update(title=f"{title} – {self.strings['page']} {number}", search={"exclude": True})
        page.meta = sanitise.escape_meta(page.meta)  # front matter reaches Material's templates as text
        return markdown

    # Sanitise every page's HTML last (nothing after it adds to the content); make its title and table of
    # contents text, whichever heading or file name they came from
    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        _escape_titles(page)
        cleaned = sanitise.clean(html)
        if cleaned != html and sanitise.removals(html):  # Markdown's own HTML comes back unchanged
            self.unsafe += self._unsafe_markup(page, html, config)
        return cleaned

    # Render every card once with the theme; give all templates the browser configuration
    @event_priority(-50)
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if not self.config.enabled:
            return None
        if self.unsafe:  # every page is rendered, none written yet: publish nothing
            listing = "\n".join(f"  {issue}" for issue in sorted(set(self.unsafe)))
            raise PluginError(f"sharewall: {len(set(self.unsafe))} content errors, nothing was built:\n{listing}")
        base = self.site.base
        env.autoescape = _autoescape(env.autoescape)
        env.globals["sharewall"] = {
            "config": browser_config(self.settings, sign_in_page=self.sign_in_href,
                                     ui={"lang": self.language, "homes": self.homes}),
            "t": self.strings, "home": base, "homes": self.homes, "language": self.language,
            "href": {"css": f"{base}{ASSETS}/sharewall.css", "site": f"{base}{ASSETS}/site.js",
                     "locale": f"{base}{ASSETS}/locales/{self.language}.js",
                     "format": f"{base}{ASSETS}/format.js",
                     "composer": f"{base}{ASSETS}/composer.js",
                     "wall": f"{base}{ASSETS}/wall.js", "feed": f"{base}feed.xml"},
        }
        template = env.get_template("partials/sharewall/card.html")
        self.rendered = [template.render(card=card, t=self.strings) for card in self.wall.cards]
        self.positions = {card.post.slug: position for position, card in enumerate(self.wall.cards)}
        return env

    # Hand the wall pages their slice of rendered cards, post pages their card
    @event_priority(-50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        uri = page.file.src_uri
        # a page the wall gate opens without a session (reserved.GATE_PUBLIC): main.html leaves out what it refuses
        context["sharewall_public"] = reserved.opened_by_gate("/" + self.site.prefix + page.url)
        if uri == SIGN_IN_FILE:  # the one sign-in page speaks the language of the page it leads back to: all of them
            context["sharewall_locales"] = [f"{self.site.base}{ASSETS}/locales/{code}.js" for code in self.homes]
        if uri in self.post_pages:
            card = context["sharewall_post"] = self.post_pages[uri]
            context["sharewall_og_image"] = card.image and self.site.full(card.image)
            context["sharewall_composer"] = _composer(self.rendered[self.positions[card.post.slug]])
        elif uri in self.wall_pages:
            context["sharewall_wall"] = self._wall_context(self.wall_pages[uri])
        return context

    # Write the filter index, posts.json and feed.xml next to the HTML
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        for path, data in {**self.wall.outputs(), **_published_policy(config.docs_dir),
                           **_published_campaigns(self.content, self.settings)}.items():
            target = Path(config.site_dir, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for language in self.homes if not self.main else [self.language]:  # the sign-in page speaks every one
            target = Path(config.site_dir, ASSETS, "locales", f"{language}.js")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(catalogue.script(language, self.settings.locales))
        if not self.main:
            self._build_alternates(config)

    # -------------------------------------------------------------------------

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

    # Load and validate the content like `sharewall check`; every error at once, or nothing
    def _load(self, config: MkDocsConfig) -> Content:
        content = load_content(config.docs_dir, self.settings, self.now, markup=False)  # see on_page_content
        content.issues += rules.catalogues(self.settings)  # the interface's strings, as `sharewall check` reads them
        for issue in content.warnings:
            log.info(str(issue))
        if content.errors:
            listing = "\n".join(f"  {issue}" for issue in content.errors)
            raise PluginError(
                f"sharewall: {len(content.errors)} content errors, nothing was built:\n{listing}"
            )
        return content

    # -------------------------------------------------------------------------

    # Where each interface language lives (the theme's at the site's root, each alternate below it) and
    # what Material's language selector lists
    def _configure_languages(self, config: MkDocsConfig) -> None:
        main_language = self.main.language if self.main else self.language
        prefix = f"{self.language}/" if self.main else ""
        self.site = Site(url=self.main.site.url if self.main else config.site_url or None,
                         directory_urls=config.use_directory_urls, prefix=prefix)
        languages = [main_language, *self.config.alternates]
        self.homes = {code: self.site.root + ("" if code == main_language else f"{code}/") for code in languages}
        if self.config.alternates:  # partials/alternate.html links each to the same page in that language
            config.extra["alternate"] = [{"name": catalogue.endonym(code), "link": home, "lang": code}
                                         for code, home in self.homes.items()]

    # Build the site once more for each alternate interface language, into `<site_dir>/<code>/`, from the same
    # content as of the same moment (the main build's plugin hands it over)
    def _build_alternates(self, config: MkDocsConfig) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        for language in self.config.alternates:
            nested = load_config(config.config_file_path, site_dir=str(Path(config.site_dir, language)),
                                 site_url=config.site_url and self.site.full(self.site.root + f"{language}/"))
            nested.theme["language"] = language
            plugin = nested.plugins.get("sharewall")
            plugin.main, plugin.dev_sign_in = self, self.dev_sign_in
            log.info(f"sharewall: building the {catalogue.endonym(language)} interface into {language}/")
            build(nested)

    # Keep the content pages of this build's interface language: a twin `<name>.<code>.md` stands in for
    # `<name>.md` at its path in the build of <code>; the other builds leave it out
    def _choose_language_twins(self, files: Files, config: MkDocsConfig) -> None:
        codes = set(self.config.alternates)
        for file in [file for file in files if file.src_uri.endswith(".md")]:
            stem, dot, code = file.src_uri[: -len(".md")].rpartition(".")
            if not dot or code not in codes:
                continue
            files.remove(file)
            if not self.main:  # checked before the main build writes anything: a failed build publishes nothing
                self.unsafe += load_page(Path(file.abs_src_path), Path(config.docs_dir), self.settings)
            if code == self.language:
                original = files.get_file_from_path(f"{stem}.md")
                if original:
                    files.remove(original)
                files.append(File.generated(config, f"{stem}.md", abs_src_path=file.abs_src_path,
                                            inclusion=original.inclusion if original else file.inclusion))

    # MkDocs walks the content folder itself (following links): every file it would publish from there must be
    # one `check` walked and read, or nothing is built
    def _walked_by_check(self, files: Files, config: MkDocsConfig) -> None:
        walked = set(self.content.files)
        docs = Path(config.docs_dir).resolve()
        unread = [Issue(f"{Path(config.docs_dir).name}/{file.src_uri}", 1,
                        "MkDocs would publish a file sharewall check did not read; remove it")
                  for file in files
                  if file.src_dir and Path(file.src_dir).resolve() == docs and not file.inclusion.is_excluded()
                  and file.src_uri not in walked]
        if unread:
            listing = "\n".join(f"  {issue}" for issue in unread)
            raise PluginError(f"sharewall: {len(unread)} content errors, nothing was built:\n{listing}")

    # Remove every post file from the build (inactive ones must appear nowhere); keep their URIs
    def _take_post_files(self, files: Files) -> dict[str, str]:
        taken = {}
        for file in [file for file in files if is_post_file(file.src_uri)]:
            files.remove(file)
            taken[Path(file.src_uri).stem] = file.src_uri
        return taken

    # Remove images that only scheduled or expired posts use: an announcement is confidential
    def _drop_unused_images(self, files: Files) -> None:
        used = {post.image for post in self.active if post.image}
        for post in self.content.posts:
            if post.image and post.image not in used and (file := files.get_file_from_path(post.image)):
                files.remove(file)

    # Add the generated page of one active post at its original source URI (so relative links in
    # its body resolve as the author wrote them), served at posts/<slug>/, outside the nav
    def _add_post_page(self, files: Files, config: MkDocsConfig, card: Card, src_uri: str) -> None:
        file = File.generated(config, src_uri, content=card.post.body, inclusion=InclusionLevel.NOT_IN_NAV)
        file.dest_uri = self.site.post_dest(card.post.slug)
        files.append(file)
        self.post_pages[src_uri] = card

    # Build the cards of the active posts, newest first
    def _build_wall(self, files: Files, config: MkDocsConfig) -> Wall:
        sources = {key: source.named(self.language) for key, source in self.content.sources.items()}
        topics = self.content.topic_labels(self.language)  # topics.yml's labels in this build's interface language
        cards = [
            build_card(post, self.settings, sources, self.site, self.strings, self._image_url(files, post), topics)
            for post in self.active
        ]
        return Wall(cards, self.settings.page_size, self.site, sources, self.strings, self.now, title=config.site_name,
                    topics=topics)

    # Make sure the wall page exists and add its further pages, outside the nav
    def _add_wall_pages(self, files: Files, config: MkDocsConfig) -> None:
        if files.get_file_from_path(WALL_FILE) is None:
            files.append(File.generated(config, WALL_FILE, content=f"# {self.wall_title}\n"))
        self.wall_pages[WALL_FILE] = 1
        for number in range(2, self.wall.page_count + 1):
            uri = f"page/{number}.md"
            file = File.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            file.dest_uri = self.site.page_dest(number)
            files.append(file)
            self.wall_pages[uri] = number

    # The page the identity provider redirects to; it finishes the sign-in (assets/sharewall/signin.js).
    # The main build's only: the provider knows one redirect URI, whatever language people read
    def _add_sign_in_page(self, files: Files, config: MkDocsConfig) -> None:
        if self.main:
            self.sign_in_href = self.main.sign_in_href
            return
        file = files.get_file_from_path(SIGN_IN_FILE)
        if file is None:
            file = File.generated(config, SIGN_IN_FILE, content=f"# {self.strings['sign_in']}\n",
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(file)
        self.sign_in_href = self.site.base + file.url  # signin/ or signin.html

    # The check's errors for a page the sanitiser changed (the build renders each body once, and checks that)
    def _unsafe_markup(self, page: Page, html: str, config: MkDocsConfig) -> list[Issue]:
        uri = page.file.src_uri
        if uri in self.post_pages:
            post = self.post_pages[uri].post
            found = [Issue(post.path, line, message)
                     for line, message in rules.unsafe_markup(post.body, post.body_line, self.settings)]
        elif page.file.abs_src_path:
            found = load_page(Path(page.file.abs_src_path), Path(config.docs_dir), self.settings)
        else:
            found = []
        return found or [Issue(uri, 1, f"{removal} is removed from the page") for removal in sanitise.removals(html)]

    # Where a post's image is served: its https URL, or the site path of the file under docs_dir
    def _image_url(self, files: Files, post: Post) -> str | None:
        if not post.image:
            return None
        if post.image_is_url:
            return post.image
        file = files.get_file_from_path(post.image)
        return self.site.href(file.dest_uri) if file else None

    # The wall page's context: its cards, pager, filter facets and the wall script's state
    def _wall_context(self, number: int) -> dict:
        return {
            "cards": self.rendered[self.wall.page(number)],
            "pager": self.wall.pager(number),
            "facets": self.wall.facets,
            "state": self.wall.script_state(number),
        }


# The expense policy the claims function enforces, published next to the catalogue (validated in on_pre_build)
def _published_policy(docs_dir: str) -> dict[str, bytes]:
    from sharewall_common.expenses import PUBLISHED_NAME, published_policy
    from sharewall_common.published import PREFIX

    source = Path(docs_dir, "expenses.yml")
    return {PREFIX + PUBLISHED_NAME: published_policy(source.read_text(encoding="utf-8"))} if source.is_file() else {}


# The campaigns invites may name, published next to the catalogue (validated with the content in on_pre_build)
def _published_campaigns(content: Content, settings: Settings) -> dict[str, bytes]:
    from sharewall_common.campaigns import PUBLISHED_NAME, published_campaigns
    from sharewall_common.published import PREFIX

    return {PREFIX + PUBLISHED_NAME: published_campaigns(content.campaigns, settings.zone)}


# Markdown writes HTML (<hr>, <img …>) instead of XHTML (<hr />), as the sanitiser does: a page with nothing
# to remove comes out of it byte for byte. MkDocs offers no `output_format`; the format's writer is swapped
class _HtmlOutput(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.output_formats = {**md.output_formats, "xhtml": to_html_string}


# Autoescape for Sharewall's templates; Material's own keep the theme's setting (they print HTML they trust)
def _autoescape(theme_setting):
    def autoescape(name: str | None) -> bool:
        if name and (name in ESCAPED_TEMPLATES or name.startswith(ESCAPED_PARTIALS)):
            return True
        return theme_setting(name) if callable(theme_setting) else bool(theme_setting)
    return autoescape


# A page's title and table of contents as escaped text: Material prints them unescaped (and the <title>
# through `striptags`, which decodes entities), from front matter, the first heading or the file name
def _escape_titles(page: Page) -> None:
    if "title" not in page.meta:
        title = sanitise.escape_meta(sanitise.text(page.title or ""))
        if page.is_homepage:
            page._title_from_render = title  # Material's <title> of the homepage is the site name: keep it
        else:
            page.meta["title"] = title
    links = list(page.toc or ())
    while links:
        link = links.pop()
        link.title = sanitise.escape_meta(sanitise.text(link.title))
        link.id = sanitise.safe_id(link.id)  # Material writes href="{{ toc_item.url }}" and selects by it
        links += link.children


# The composer part of a rendered card, opened: the post page shows the same HTML
def _composer(html: str) -> str:
    start = html.index(COMPOSER_START)
    end = html.index("</details>", start) + len("</details>")
    return html[start:end].replace(COMPOSER_START, '<details class="sw-share" open>', 1)


# -----------------------------------------------------------------------------
# Building from the command line
# -----------------------------------------------------------------------------


# Build the site like `mkdocs build` would: what `sharewall build` and `sharewall serve` call
def build_site(config_file: str | os.PathLike = "mkdocs.yml", site_dir: str | os.PathLike | None = None,
               *, dev_sign_in: bool = False, identity: dict[str, str] | None = None) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    options = {"site_dir": str(Path(site_dir).resolve())} if site_dir else {}
    config = load_config(str(config_file), **options)
    plugin = config.plugins.get("sharewall")
    if dev_sign_in and isinstance(plugin, SharewallPlugin):
        plugin.dev_sign_in = True  # `sharewall serve`: sign in on the local dev page, not at the provider
    if identity and isinstance(plugin, SharewallPlugin):
        plugin.identity = dict(identity)  # `build --production`: roles read as the functions read them
    build(config)
    return Path(config.site_dir)
