"""The editor at /admin/ against `sharewall serve`'s stack with Decap's local backend (decap-server on a repository of
the test's own): a post written with every widget is saved as a branch whose file passes `sharewall check` (its
upload in content/images/), optional fields emptied again are left out of the file, a date alone as expiry stays
the end of that day (and a post without image gets no alt text), the GitHub sign-in stays at the page's origin
without a site address, and a post the gate would refuse cannot be saved, with the reason at its field (also the
rules across fields: an image without alt text, an expiry not after the publication).

The widgets and the preview are site_builder/editor/static/editor.js; the config the build generates
(site_builder/editor/config.py). Fields are found by Decap's ids (`<field>-field-<n>`), not by their labels, which
are the catalogue's; the refusals' messages are compared with the catalogue's texts and with sharing.py's count.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from site_builder import catalogue, sharing
from site_builder.networks import NETWORKS
from site_builder.model import Post
from site_builder.settings import load_settings
from tests.browser.support import dev_sign_in
from tests.local_serve import ServeProcess

ROOT = Path(__file__).resolve().parents[2]
SHAREWALL = Path(sys.executable).parent / "sharewall"
IMAGE = ROOT / "docs" / "images" / "wall.png"  # a real picture to upload
LONG_FOR_X = "Ein langer Text über das Open-Source-Projekt, " * 6  # ~280 characters: too long for X with tag and link
# a post of the tests' own in the clone, its expiry a date alone as authors write it by hand (check: the end of that day)
DAY_POST = Path("content", "posts", "2026", "editor-day-expiry.md")
DAY_POST_TEXT = """---
title: Ablauf am Ende des Tages
link: https://news.example.com/editor-day-expiry
summary: Ein Beitrag, dessen Ablauf nur den Tag nennt.
source: corporate-communications
language: de
publish: 2026-01-05 09:00
expires: 2026-12-31
suggestions:
  - Ein Text zum Teilen.
---
Hintergrund für Kolleginnen und Kollegen.
"""

pytestmark = pytest.mark.skipif(
    not (ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file()
    or not (ROOT / "node_modules" / "decap-server").is_dir() or shutil.which("node") is None,
    reason="the editor needs node and `npm ci` (decap-cms, decap-server)")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """`sharewall serve` with the editor's backend on a clone of this project (never this checkout): (URL, clone)."""
    repo = tmp_path_factory.mktemp("editor-repo") / "project"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(repo)], check=True, timeout=120)
    git(repo, "remote", "remove", "origin")  # nothing the editor does can reach this checkout
    git(repo, "config", "user.name", "Editor Test")
    git(repo, "config", "user.email", "editor-test@example.com")
    (repo / DAY_POST).write_text(DAY_POST_TEXT, encoding="utf-8")
    git(repo, "add", str(DAY_POST))
    git(repo, "commit", "-q", "-m", "A post whose expiry is a date alone")
    server = ServeProcess(tmp_path_factory.mktemp("editor-site"), editor_repo=repo)
    yield server.url, repo
    server.stop()


@pytest.fixture
def editor(browser, stack):
    """A signed-in comms person on the editor (English interface), logged in to the local backend: the page and the
    page errors. Like support.offline_context (nothing leaves the machine, a CSP violation fails the test), but page
    errors are the test's to judge: Decap refuses a save with an unhandled `Promise.reject()` (actions/entries.ts)."""
    base, _ = stack
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>offline</title>"))
    errors: list[str] = []
    violations: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    context.on("console", lambda message: violations.append(message.text)
               if "Content Security Policy" in message.text else None)
    page = context.new_page()
    try:
        dev_sign_in(page, base, "carla-comms", ["employee", "comms"], next_path="/admin/?lang=en")
        page.get_by_role("button", name="Login").click()
        page.wait_for_url("**#/collections/**")
        yield page, errors
    finally:
        context.close()
    assert not violations, violations


# What Decap's refused save leaves as a page error (its unhandled Promise.reject() without a reason)
REFUSED = "undefined"


def branch_of(repo: Path, slug: str) -> str:
    """The editorial workflow's branch of one entry (cms/posts/<year>/<slug>): the other tests' entries have theirs."""
    branches = [line.strip().lstrip("*+ ") for line in git(repo, "branch", "--list", f"cms/posts/*/{slug}").splitlines()]
    assert len(branches) == 1, branches
    return branches[0]


def checkout_of(repo: Path, branch: str, folder: Path) -> Path:
    """The branch's project as files (an archive: a checkout would hold the branch decap-server switches to)."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(repo), "archive", branch], check=True, capture_output=True, timeout=60)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True, timeout=60)
    return folder


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def check(checkout: Path) -> None:
    """`sharewall check` passes on the branch's content."""
    checked = subprocess.run([str(SHAREWALL), "check", "content"], cwd=checkout, capture_output=True, text=True,
                             timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def wait_saved(page) -> None:
    page.wait_for_function("() => !document.body.innerText.includes('Saving')", timeout=20000)


def refs(repo: Path) -> str:
    """Every branch and commit of the repository: unchanged when nothing was saved."""
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)")


@contextmanager
def nothing_saved(repo: Path, errors: list[str]):
    """The block leaves every branch and commit as it was, and no page error but Decap's refused save."""
    before = refs(repo)
    yield
    assert refs(repo) == before
    assert set(errors) <= {REFUSED}, errors


# --- using the widgets --------------------------------------------------------------------------------


def field(page, name: str):
    """The input of a field by Decap's id (`title-field-3`)."""
    return page.locator(f'[id^="{name}-field-"]').first


def control(page, name: str):
    """The whole control of a field: its label, widget and the errors Decap lists at it."""
    return page.locator('[class*="ControlContainer"]').filter(has=page.locator(f'label[for^="{name}-field-"]')).first


def choose(page, name: str, *values: str) -> None:
    """Pick options of a select by value (react-select filters by label and value; the values here are unique)."""
    for value in values:
        field(page, name).fill(value)
        page.keyboard.press("Enter")


def choose_networks(page, *names: str) -> None:
    """Pick networks by their label (the value `x` is also part of `xing`)."""
    for name in names:
        field(page, "networks").fill(NETWORKS[name].label)
        page.get_by_role("option", name=NETWORKS[name].label, exact=True).click()


def new_post(page, base: str) -> None:
    page.goto(f"{base}admin/?lang=en#/collections/posts/new")
    field(page, "title").wait_for()


def fill_valid(page, title: str, suggestions: list[str], campaign: str | None = None, networks=("x", "linkedin"),
               link: str | None = None, source: str = "corporate-communications") -> None:
    """The fields every post needs, valid but for what the refusal tests pass (each field is filled once: Decap's
    inputs append to what a second fill finds)."""
    field(page, "title").fill(title)
    field(page, "link").fill(link or f"https://news.example.com/{title.lower().replace(' ', '-')}")
    field(page, "summary").fill("What the post is about, in two lines.")
    choose(page, "source", source)
    choose(page, "language", "de")
    field(page, "publish").fill("2026-12-01T09:30")
    if campaign:
        choose(page, "campaign", campaign)
    choose_networks(page, *networks)
    area = field(page, "suggestions")
    area.fill(suggestions[0])
    for index, text in enumerate(suggestions[1:], start=1):
        control(page, "suggestions").locator(".sw-ed-button--add").click()
        control(page, "suggestions").locator("textarea").nth(index).fill(text)
    body = control(page, "body").locator("[contenteditable=true]").first
    body.click()
    page.keyboard.type("Background for colleagues: what to say and what not to claim.")


def save(page) -> None:
    page.locator("button", has_text="Save").first.click()


def errors_at(page, name: str):
    """The errors Decap lists at a field."""
    return control(page, name).locator('[class*="ControlErrorsList"] li')


def refused_at(page, name: str, expected: str, *, alone: bool = False) -> None:
    """Save, and the reason stands at the field `name` (`alone`: as its only error, word for word)."""
    save(page)
    shown = expect(errors_at(page, name))
    shown.to_have_text([expected]) if alone else shown.to_contain_text(expected)


# --- the tests --------------------------------------------------------------------------------------


def test_a_post_with_every_widget_is_saved_as_a_branch_that_passes_check(editor, stack, tmp_path):
    base, repo = stack
    page, errors = editor
    new_post(page, base)
    fill_valid(page, "Editor walkthrough", ["Erster Vorschlag aus dem Editor.", "Zweiter Vorschlag, etwas anders."],
               networks=("x", "linkedin", "bluesky"))
    field(page, "expires").fill("2027-01-31T18:00")
    choose(page, "topics", "sustainability")
    control(page, "image").get_by_role("button").first.click()  # "Choose an image": the media library
    page.locator('input[type="file"]').set_input_files(str(IMAGE))
    page.locator("button", has_text="Choose selected").click()
    field(page, "image_alt").fill("The wall with its post cards")
    field(page, "disclosure").select_option("employee")
    hashtags = control(page, "hashtags")
    hashtags.get_by_role("button", name=re.compile("^Add")).click()  # a list of strings, one field per hashtag
    hashtags.locator("input").last.fill("opensource")
    field(page, "track").click()  # tracked by default: this post shares its plain UTM link
    save(page)
    wait_saved(page)
    # what the widget counts for each text and network once every field is set (and the entry saved)
    shown = [control(page, "suggestions").locator(".sw-ed-counts").nth(index).inner_text() for index in (0, 1)]

    branch = branch_of(repo, "editor-walkthrough")
    assert not errors, errors
    checkout = checkout_of(repo, branch, tmp_path / "checkout")
    files = [path for path in (checkout / "content" / "posts").rglob("*.md") if "editor-walkthrough" in path.name]
    assert len(files) == 1, files
    meta = front_matter(files[0])
    assert meta["suggestions"] == ["Erster Vorschlag aus dem Editor.", "Zweiter Vorschlag, etwas anders."]
    assert meta["networks"] == ["x", "linkedin", "bluesky"] and meta["topics"] == ["sustainability"]
    assert meta["track"] is False and meta.get("draft", False) is False  # the draft switch left untouched
    assert meta["expires"] == "2027-01-31 18:00"
    # the widget counted each text for each network as `check` counts the saved post (sharing.py)
    settings = load_settings(checkout / "mkdocs.yml")
    post = Post.model_validate({**meta, "slug": files[0].stem, "path": files[0].name}, context={"settings": settings})
    prepared = sharing.prepare(post, settings)
    template = catalogue.load("en").sections["editor_preview"]["count"]
    for index, counts in enumerate(shown):
        message = prepared.lock.wrap(prepared.suggestions[index])
        for name in ("x", "linkedin", "bluesky"):
            count = sharing.length(NETWORKS[name], message, prepared.link(name))
            assert template.format(network=NETWORKS[name].label, count=count, limit=NETWORKS[name].limit) in counts
    # the upload is in the media folder, and the post names it relative to content/ as check reads it
    assert meta["image"] == f"images/{IMAGE.name}"
    assert (checkout / "content" / "images" / IMAGE.name).read_bytes() == IMAGE.read_bytes()
    check(checkout)


def test_optional_fields_filled_then_cleared_are_left_out_of_the_file(editor, stack, tmp_path):
    base, repo = stack
    page, errors = editor
    picture = tmp_path / "cleared-picture.png"  # a name of its own: the other test's upload may be in the library
    shutil.copyfile(IMAGE, picture)
    new_post(page, base)
    fill_valid(page, "Cleared fields", ["Ein Text."], campaign="employer-branding-2027")
    field(page, "expires").fill("2027-01-31T18:00")
    control(page, "image").get_by_role("button").first.click()
    page.locator('input[type="file"]').set_input_files(str(picture))
    page.locator("button", has_text="Choose selected").click()
    expect(control(page, "image").locator("img")).to_be_visible()
    # and emptied again: Decap then holds "" (image, date) and null (select)
    control(page, "image").get_by_role("button", name="Remove image").click()
    control(page, "expires").get_by_role("button", name="Clear", exact=True).click()
    field(page, "campaign").focus()
    page.keyboard.press("Backspace")
    expect(field(page, "expires")).to_have_value("")
    expect(control(page, "campaign")).not_to_contain_text("Employer branding 2027")
    save(page)
    wait_saved(page)

    branch = branch_of(repo, "cleared-fields")
    assert not errors, errors
    checkout = checkout_of(repo, branch, tmp_path / "checkout")
    files = [path for path in (checkout / "content" / "posts").rglob("*.md") if path.stem == "cleared-fields"]
    assert len(files) == 1, files
    meta = front_matter(files[0])
    assert not {"image", "image_alt", "expires", "campaign", "topics", "hashtags"} & set(meta), meta
    assert meta["suggestions"] == ["Ein Text."]
    check(checkout)


def test_a_date_only_expiry_is_kept_when_another_field_changes(editor, stack, tmp_path):
    base, repo = stack
    page, errors = editor
    page.goto(f"{base}admin/?lang=en#/collections/posts/entries/2026/editor-day-expiry")
    title = field(page, "title")
    expect(title).to_have_value("Ablauf am Ende des Tages")
    # shown as the moment check reads (the end of 2026-12-31 is 2027-01-01 00:00), said so at the field
    expect(field(page, "expires")).to_have_value("2027-01-01T00:00")
    note = catalogue.load("en").sections["editor_preview"]["expires_day"].format(day="2026-12-31", shown="2027-01-01 00:00")
    expect(control(page, "expires")).to_contain_text(note)
    title.fill("Ablauf am Ende des Tages, neu betitelt")
    expect(title).to_have_value("Ablauf am Ende des Tages, neu betitelt")
    save(page)
    wait_saved(page)

    branch = branch_of(repo, "editor-day-expiry")
    assert not errors, errors
    written = git(repo, "show", f"{branch}:{DAY_POST.as_posix()}")
    assert "\nexpires: 2026-12-31\n" in written  # untouched: as the author wrote it, not 2026-12-31 00:00
    meta = yaml.safe_load(written.split("---")[1])
    assert meta["title"] == "Ablauf am Ende des Tages, neu betitelt"
    assert not {"image", "image_alt"} & set(meta), meta  # a post without image needs no alt text, and gets none
    check(checkout_of(repo, branch, tmp_path / "checkout"))


def test_the_github_sign_in_goes_to_the_page_origin_without_a_site_address(browser, stack):
    """A build without mkdocs.yml's site_url writes no backend.base_url (tests/test_editor_config.py) and no site_url
    in editor.<lang>.json; Decap's GitHub sign-in would then open Netlify's API: editor.js gives it the page's origin.
    The served files are made so (the local backend left out too, as in production)."""
    base, _ = stack
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>offline</title>"))

    def without_site_url(route):
        response = route.fetch()
        if route.request.url.endswith(".yml"):
            config = yaml.safe_load(response.text())
            config.pop("local_backend", None)
            config.pop("site_url", None)
            config["backend"].pop("base_url", None)
            config["backend"]["repo"] = "acme/wall"
            route.fulfill(response=response, body=yaml.safe_dump(config, allow_unicode=True, width=1 << 20))
        else:
            route.fulfill(response=response, json={**response.json(), "site_url": None})

    context.route(re.compile(r"/admin/(config|editor)\.en\.(yml|json)$"), without_site_url)
    try:
        page = context.new_page()
        dev_sign_in(page, base, "carla-comms", ["employee", "comms"], next_path="/admin/?lang=en")
        with context.expect_page() as popup:
            page.get_by_role("button", name="Login with GitHub").click()
        popup.value.wait_for_load_state()
        origin = base.rstrip("/")
        auth = [url for url in requests if "provider=github" in url]
        assert auth and all(url.startswith(f"{origin}/api/cms/auth?provider=github") for url in auth), requests
        assert not [url for url in requests if "netlify" in url], requests
    finally:
        context.close()


def test_an_http_link_is_refused_at_its_field(editor, stack):
    base, repo = stack
    page, errors = editor
    with nothing_saved(repo, errors):
        new_post(page, base)
        fill_valid(page, "Plain http link", ["Ein Text."], link="http://news.example.com/insecure")
        refused_at(page, "link", "https://")


def test_a_suggestion_too_long_for_x_is_refused_at_its_field(editor, stack):
    base, repo = stack
    page, errors = editor
    # the count `check` makes (sharing.py): the text with the employee tag of the post's language and the /go/ link
    settings = load_settings(ROOT / "mkdocs.yml")
    message = sharing.locked("employee", "", settings.disclosures["de"].employee).wrap(LONG_FOR_X)
    count = sharing.length(NETWORKS["x"], message, "https://wall.example/go/too-long-for-x/x")
    assert count > 280
    expected = catalogue.load("en").sections["editor_preview"]["too_long"].format(
        number=1, network="X", count=count, limit=280)
    with nothing_saved(repo, errors):
        new_post(page, base)
        fill_valid(page, "Too long for X", [LONG_FOR_X], networks=("x",))
        refused_at(page, "suggestions", expected)


def test_a_reimbursed_campaign_without_sponsored_is_refused_at_the_disclosure(editor, stack):
    base, repo = stack
    page, errors = editor
    expected = catalogue.load("en").sections["editor_preview"]["campaign_reimbursed"].format(campaign="re:publica 2026")
    with nothing_saved(repo, errors):
        new_post(page, base)
        fill_valid(page, "Sponsored unlabelled", ["Ein Text."], campaign="republica-2026")
        field(page, "disclosure").select_option("employee")
        refused_at(page, "disclosure", expected)


def test_on_a_phone_the_form_takes_the_screen_and_the_preview_follows(editor, stack):
    base, _ = stack
    page, _ = editor
    page.set_viewport_size({"width": 390, "height": 850})
    new_post(page, base)
    field(page, "title").fill("Offener Tag")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing cut off at the left or right
    title = field(page, "title").bounding_box()
    assert title["x"] >= 0 and title["x"] + title["width"] <= 390
    preview = page.locator("iframe").bounding_box()
    assert preview["y"] > title["y"] and preview["width"] >= 350  # under the form, the screen's width


def test_the_suggestions_are_added_and_removed_by_keyboard(editor, stack):
    base, _ = stack
    page, errors = editor
    new_post(page, base)
    texts = control(page, "suggestions").locator("textarea")
    texts.first.fill("Erster Text")
    page.keyboard.press("Tab")  # to "Add a text" (one text has no remove button)
    page.keyboard.press("Enter")
    expect(texts).to_have_count(2)
    expect(texts.nth(1)).to_be_focused()  # the new, empty text, labelled "Text 2"
    expect(page.get_by_label("Text 2", exact=True)).to_be_focused()
    page.keyboard.type("Zweiter Text")
    page.keyboard.press("Tab")  # to "Remove text 2"
    expect(page.locator(":focus")).to_have_text("Remove text 2")
    page.keyboard.press("Enter")
    expect(texts).to_have_count(1)
    expect(texts.first).to_be_focused()
    expect(texts.first).to_have_value("Erster Text")
    assert not errors, errors


# ?lang=xx when it is built, else the browser's first built language, else the main one (the wall's first)
@pytest.mark.parametrize(("locale", "query", "expected"), [("fr-FR", "", "fr"), ("fr-FR", "?lang=en", "en"),
                                                           ("it-IT", "?lang=zz", "de")])
def test_the_interface_language(browser, stack, locale, query, expected):
    base, _ = stack
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        dev_sign_in(page, base, "carla-comms", ["employee", "comms"], next_path=f"/admin/{query}")
        expect(page.locator('link[rel="cms-config-url"]')).to_have_attribute("href", f"config.{expected}.yml")
        expect(page.locator("html")).to_have_attribute("lang", expected)
    finally:
        context.close()


# The other two rules of the disclosure (rules.disclosure, rules.for_post), at the same field
@pytest.mark.parametrize(("source", "disclosure", "key", "values"), [
    ("lena-lettering", "none", "source_influencer", {"source": "Lena Hoff – Lettering Artist"}),
    ("corporate-communications", "sponsored", "campaign_needed", {}),
])
def test_the_other_disclosure_rules_are_refused_at_the_disclosure(editor, stack, source, disclosure, key, values):
    base, repo = stack
    page, errors = editor
    with nothing_saved(repo, errors):
        new_post(page, base)
        fill_valid(page, f"Disclosure {key}", ["Ein Text."], source=source)
        field(page, "disclosure").select_option(disclosure)
        refused_at(page, "disclosure", catalogue.load("en").sections["editor_preview"][key].format(**values))


# rules._image_rules across two fields: an image needs its alt text, said at the alt text
def test_an_image_without_alt_text_is_refused_at_the_alt_text(editor, stack, tmp_path):
    base, repo = stack
    page, errors = editor
    picture = tmp_path / "alt-missing-picture.png"  # a name of its own: other tests' uploads may be in the library
    shutil.copyfile(IMAGE, picture)
    with nothing_saved(repo, errors):
        new_post(page, base)
        fill_valid(page, "Image without alt", ["Ein Text."])
        control(page, "image").get_by_role("button").first.click()
        page.locator('input[type="file"]').set_input_files(str(picture))
        page.locator("button", has_text="Choose selected").click()
        expect(control(page, "image").locator("img")).to_be_visible()
        refused_at(page, "image_alt", catalogue.load("en").sections["editor_preview"]["image_alt_needed"], alone=True)


# rules.for_post: the expiry after the publication (fill_valid publishes 2026-12-01 09:30), both moments said there
@pytest.mark.parametrize("expires", ["2026-12-01T09:00", "2026-12-01T09:30"])
def test_an_expiry_not_after_the_publication_is_refused_at_the_expiry(editor, stack, expires):
    base, repo = stack
    page, errors = editor
    expected = catalogue.load("en").sections["editor_preview"]["expires_after"].format(
        expires=expires.replace("T", " "), publish="2026-12-01 09:30")
    with nothing_saved(repo, errors):
        new_post(page, base)
        fill_valid(page, f"Expires {expires[-5:].replace(':', '')}", ["Ein Text."])
        field(page, "expires").fill(expires)
        refused_at(page, "expires", expected, alone=True)


# A date alone as expiry (the tests' own post: expires 2026-12-31) is compared as check reads it, the end of that day
def test_a_date_only_expiry_is_compared_as_the_end_of_that_day(editor, stack):
    base, repo = stack
    page, errors = editor
    expected = catalogue.load("en").sections["editor_preview"]["expires_after"].format(
        expires="2027-01-01 00:00", publish="2027-01-01 00:00")
    with nothing_saved(repo, errors):
        page.goto(f"{base}admin/?lang=en#/collections/posts/entries/2026/editor-day-expiry")
        expect(field(page, "expires")).to_have_value("2027-01-01T00:00")
        field(page, "publish").fill("2027-01-01T00:00")
        refused_at(page, "expires", expected, alone=True)
