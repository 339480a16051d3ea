"""The pages the plugin adds, replaces or cleans: generated post and wall pages, the sign-in page, language
twins, and every page's title and HTML made safe (the sanitiser's findings worded as `sharewall check` does)."""

from __future__ import annotations

from pathlib import Path

from markdown import Extension, Markdown
from markdown.serializers import to_html_string
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from site_builder import rules, sanitise
from site_builder.content import Content, Issue, Post, is_post_file, load_page, read_page
from site_builder.settings import Settings
from site_builder.wall import Card, Site, Wall

WALL_FILE = "index.md"  # the wall's first page; its text is the wall's introduction
SIGN_IN_FILE = "signin.md"  # where the identity provider sends employees back to (generated)
COMPOSER_START = '<details class="sw-share">'  # where partials/sharewall/composer.html begins in a card


# Content errors as the build refuses them: all at once, nothing built
def refuse(issues: list[Issue]) -> PluginError:
    listing = "\n".join(f"  {issue}" for issue in issues)
    return PluginError(f"sharewall: {len(issues)} content errors, nothing was built:\n{listing}")


# MkDocs walks the content folder itself (following links): every file it would publish from there must be
# one `check` walked and read, or nothing is built
def walked_by_check(files: Files, config: MkDocsConfig, content: Content) -> None:
    walked = set(content.files)
    docs = Path(config.docs_dir).resolve()
    unread = [Issue(f"{Path(config.docs_dir).name}/{file.src_uri}", 1,
                    "MkDocs would publish a file sharewall check did not read; remove it")
              for file in files
              if file.src_dir and Path(file.src_dir).resolve() == docs and not file.inclusion.is_excluded()
              and file.src_uri not in walked]
    if unread:
        raise refuse(unread)


# Remove every post file from the build (inactive ones must appear nowhere); their URIs by slug
def take_post_files(files: Files) -> dict[str, str]:
    taken = {}
    for file in [file for file in files if is_post_file(file.src_uri)]:
        files.remove(file)
        taken[Path(file.src_uri).stem] = file.src_uri
    return taken


# Keep the content pages of this build's interface language: a twin `<name>.<code>.md` stands in for
# `<name>.md` at its path in the build of <code>; the other builds leave it out. The main build (`check`)
# returns the twins' errors, checked before it writes anything: a failed build publishes nothing
def choose_language_twins(files: Files, config: MkDocsConfig, codes: set[str], language: str, check: bool,
                          settings: Settings) -> list[Issue]:
    found: list[Issue] = []
    for file in [file for file in files if file.src_uri.endswith(".md")]:
        stem, dot, code = file.src_uri[: -len(".md")].rpartition(".")
        if not dot or code not in codes:
            continue
        files.remove(file)
        if check:
            found += load_page(Path(file.abs_src_path), Path(config.docs_dir), settings)
        if code == language:
            original = files.get_file_from_path(f"{stem}.md")
            if original:
                files.remove(original)
            files.append(File.generated(config, f"{stem}.md", abs_src_path=file.abs_src_path,
                                        inclusion=original.inclusion if original else file.inclusion))
    return found


# Remove images that only scheduled or expired posts use: an announcement is confidential
def drop_unused_images(files: Files, content: Content, active: list[Post]) -> None:
    used = {post.image for post in active if post.image}
    for post in content.posts:
        if post.image and post.image not in used and (file := files.get_file_from_path(post.image)):
            files.remove(file)


# Where a post's image is served: its https URL, or the site path of the file under docs_dir
def image_url(files: Files, post: Post, site: Site) -> str | None:
    if not post.image:
        return None
    if post.image_is_url:
        return post.image
    file = files.get_file_from_path(post.image)
    return site.href(file.dest_uri) if file else None


# Add the generated page of each card's post at its original source URI (so relative links in its body resolve
# as the author wrote them), served at posts/<slug>/, outside the nav; src_uri -> card
def add_post_pages(files: Files, config: MkDocsConfig, wall: Wall, uris: dict[str, str], site: Site) -> dict[str, Card]:
    pages = {}
    for card in wall.cards:
        src_uri = uris[card.post.slug]
        file = File.generated(config, src_uri, content=card.post.body, inclusion=InclusionLevel.NOT_IN_NAV)
        file.dest_uri = site.post_dest(card.post.slug)
        files.append(file)
        pages[src_uri] = card
    return pages


# Make sure the wall page exists and add its further pages, outside the nav; src_uri -> page number
def add_wall_pages(files: Files, config: MkDocsConfig, wall: Wall, site: Site, title: str) -> dict[str, int]:
    if files.get_file_from_path(WALL_FILE) is None:
        files.append(File.generated(config, WALL_FILE, content=f"# {title}\n"))
    pages = {WALL_FILE: 1}
    for number in range(2, wall.page_count + 1):
        uri = f"page/{number}.md"
        file = File.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        file.dest_uri = site.page_dest(number)
        files.append(file)
        pages[uri] = number
    return pages


# The page the identity provider redirects to (assets/sharewall/signin.js finishes the sign-in), added when
# content/ has none; its site path
def add_sign_in_page(files: Files, config: MkDocsConfig, site: Site, title: str) -> str:
    file = files.get_file_from_path(SIGN_IN_FILE)
    if file is None:
        file = File.generated(config, SIGN_IN_FILE, content=f"# {title}\n", inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(file)
    return site.base + file.url  # signin/ or signin.html


# The check's errors for a page the sanitiser changed (the build renders each body once, and checks that)
def unsafe_markup(page: Page, html: str, config: MkDocsConfig, post_pages: dict[str, Card],
                  settings: Settings) -> list[Issue]:
    uri = page.file.src_uri
    if uri in post_pages:
        post = post_pages[uri].post
        found = [Issue(post.path, line, message)
                 for line, message in rules.unsafe_markup(post.body, post.body_line, settings)]
    elif page.file.abs_src_path:
        found = load_page(Path(page.file.abs_src_path), Path(config.docs_dir), settings)
    else:
        found = []
    return found or [Issue(uri, 1, f"{removal} is removed from the page") for removal in sanitise.removals(html)]


# Markdown writes HTML (<hr>, <img …>) instead of XHTML (<hr />), as the sanitiser does: a page with nothing
# to remove comes out of it byte for byte. MkDocs offers no `output_format`; the format's writer is swapped
class HtmlOutput(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.output_formats = {**md.output_formats, "xhtml": to_html_string}


# A page's title and table of contents as escaped text: Material prints them unescaped (and the <title>
# through `striptags`, which decodes entities), from front matter, the first heading or the file name
def escape_titles(page: Page) -> None:
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
def composer(html: str) -> str:
    start = html.index(COMPOSER_START)
    end = html.index("</details>", start) + len("</details>")
    return html[start:end].replace(COMPOSER_START, '<details class="sw-share" open>', 1)


# A page's metadata: a content page's checked front matter, with template, title and description for post,
# sign-in and wall pages (`strings`: the interface's), made text for Material's templates
def metadata(uri: str, front_matter: dict, post_pages: dict[str, Card], wall_pages: dict[str, int], strings) -> dict:
    meta = dict(front_matter)
    if uri in post_pages:
        post = post_pages[uri].post
        meta.update(title=post.title, description=post.summary, template="post.html", hide=["toc"])
    elif uri == SIGN_IN_FILE:
        meta.update(title=strings["sign_in"], template="signin.html", hide=["toc", "navigation"], search={"exclude": True})
    elif uri in wall_pages:
        number = wall_pages[uri]
        meta.setdefault("template", "wall.html")
        meta.setdefault("hide", ["toc"])
        if number > 1:
            meta.update(title=f"{meta.get('title') or strings['wall']} – {strings['page']} {number}",
                        search={"exclude": True})
    return sanitise.escape_meta(meta)  # front matter reaches Material's templates as text


# A page's Markdown without front matter: a post's body, or the body after the front matter `check` read (a blank
# first line, so no `---` block or `key: value` line of a body becomes metadata), its front matter kept in `meta`
def source(page: Page, post_pages: dict[str, Card], meta: dict[str, dict]) -> str | None:
    uri = page.file.src_uri
    if uri in post_pages:
        return "\n" + post_pages[uri].post.body
    if page.file.abs_src_path:
        document = read_page(Path(page.file.abs_src_path))
        meta[uri] = document.meta
        return "\n" + document.body
    return None
