"""The editor at /admin/ with Decap's GitHub backend, as in production, against the loopback GitHub stand-in
(tests/github_api.py, a real git repository behind GitHub's REST endpoints): every save is a branch and a pull
request, the workflow's columns are the pull request's labels, and publishing is merging, which GitHub refuses
until a reviewer approved.

`sharewall serve --no-editor-backend` builds /admin/ for the GitHub backend; the project's mkdocs.yml, copied
into a project folder of the test's own, points the editor's api_root at the stand-in and its repo at acme/wall
(the stand-in's repository starts as this checkout's HEAD), and `EditorApiOrigin` lets the admin page's CSP
reach it. The comms person is signed in as Decap remembers a GitHub sign-in (its stored user: the token and
the backend's name); the OAuth handshake that gets the token has its own tests (tests/functions/test_editor_auth.py).

What comms see, in order: Save makes the branch cms/posts/<year>/<slug> and an open pull request on main
labelled decap-cms/draft (the Drafts column); saving again commits to that branch, one pull request still;
Status: Ready relabels it decap-cms/pending_publish; Publish asks GitHub to merge: without an approving
review GitHub answers 405 (branch protection), Decap then tries to write main directly, which the protection
refuses too, and the editor says "Failed to publish" with GitHub's reason; main is unchanged. Once a reviewer
approved on GitHub, the same Publish merges and the entry leaves the workflow. An accepted employee
suggestion (the suggestions' GitHub publisher) waits in the Drafts column like any other draft.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from tests.browser.support import offline_context, wait_until
from tests.browser.test_editor_local import control, field, fill_valid, new_post, save
from tests.github_api import GitHubStandIn, Repository
from tests.local_serve import ROOT, ServeProcess

OWNER, NAME = "acme", "wall"
TOKEN = "gho_editor_test_token"  # what GitHub's OAuth gave the comms person (the stand-in knows it)
BOT_TOKEN = "ghs_suggestions_app"  # the suggestions App's installation token
# Decap's remembered sign-in (decap-cms-core LocalStorageAuthStore): restored with GET /user and the repository
SIGNED_IN = ("try { window.localStorage.setItem('decap-cms-user', JSON.stringify({token: '%s', backendName: 'github'})) }"
             " catch (error) {}  // a frame without storage (about:blank)" % TOKEN)
SAVE_SECONDS = 30

pytestmark = pytest.mark.skipif(not (ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file(),
                                reason="the editor needs `npm ci` (decap-cms)")


def project_for(folder: Path, api_root: str) -> Path:
    """A project folder whose mkdocs.yml sends the editor to `api_root` and acme/wall: this checkout's files
    linked, its content copied (the build names content paths below the project), mkdocs.yml rewritten."""
    for entry in ROOT.iterdir():
        if entry.name in ("mkdocs.yml", "site", ".sharewall", ".git", ".pytest_cache"):
            continue
        if entry.name == "content":
            shutil.copytree(entry, folder / entry.name)
        else:
            (folder / entry.name).symlink_to(entry)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    plugin = next(item["sharewall"] for item in config["plugins"] if isinstance(item, dict) and "sharewall" in item)
    plugin["editor"] = {"repo": f"{OWNER}/{NAME}", "branch": "main", "api_root": api_root}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / "mkdocs.yml"


@pytest.fixture(scope="module")
def github(tmp_path_factory):
    """The GitHub stand-in; its repository's main is this checkout's HEAD."""
    repository = Repository(tmp_path_factory.mktemp("github") / "wall.git")
    repository.seed(ROOT)
    with GitHubStandIn(repository, owner=OWNER, name=NAME, token=TOKEN) as server:
        server.users[BOT_TOKEN] = {"login": "sharewall-suggestions[bot]", "id": 3001, "name": None, "email": None}
        yield server
    assert server.unknown == [], f"Decap called routes the stand-in lacks: {server.unknown}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, github):
    """`sharewall serve` without the local editor backend, its editor pointed at the stand-in: its URL."""
    config = project_for(tmp_path_factory.mktemp("project"), github.url)
    server = ServeProcess(tmp_path_factory.mktemp("editor-github-site"), config=config,
                          parameters=(f"EditorApiOrigin={github.url}",))
    yield server.url
    server.stop()


@pytest.fixture
def editor(browser, stack):
    """A page of the English editor, signed in at GitHub (Decap's stored user); Publish's confirm() accepted."""
    with offline_context(browser) as context:
        context.add_init_script(SIGNED_IN)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "Are you sure you want to publish this entry?"
        yield page


def pull_of(github, title: str) -> dict | None:
    """The pull request (as GitHub shows it) whose branch holds the post titled `title`, or None."""
    for pull in reversed(github.pulls):
        shown = github.pull(pull["number"])
        if any(f"title: {title}" in text for text in added_files(github, shown).values()):
            return shown
    return None


def added_files(github, pull: dict) -> dict[str, str]:
    """The files a pull request's head adds to main or changes there: path -> text."""
    repository, head = github.repository, pull["head"]["sha"]
    changed = repository.run("diff", "--name-only", f"{pull['base']['sha']}...{head}").splitlines()
    return {path: repository.read(pull["head"]["ref"], path) or "" for path in changed}


def labels(pull: dict) -> list[str]:
    return [label["name"] for label in pull["labels"]]


def set_status(page, current: str, wanted: str) -> None:
    """The editor's status menu (Draft / In review / Ready)."""
    page.get_by_role("button", name=f"Status: {current}").click()
    page.get_by_role("menuitem", name=wanted).click()


def publish_now(page) -> None:
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("menuitem", name="Publish now").click()


def test_saves_are_one_pull_request_and_publishing_waits_for_an_approving_review(editor, stack, github):
    page = editor
    title = "Stand-in walkthrough"
    new_post(page, stack)
    fill_valid(page, title, ["Ein Vorschlag aus dem Editor."], networks=("x", "linkedin"))
    save(page)

    # the first save: a branch cms/posts/<year>/<slug> off main holding the post, an open pull request labelled draft
    # (the pull request is labelled in a call of its own, after it is opened)
    wait_until(lambda: (pull_of(github, title) or {}).get("labels"), page, SAVE_SECONDS * 1000)
    pull = pull_of(github, title)
    ((path, text),) = added_files(github, pull).items()
    assert re.fullmatch(r"content/posts/\d{4}/stand-in-walkthrough\.md", path), path
    assert pull["head"]["ref"] == "cms/posts/" + path.removeprefix("content/posts/").removesuffix(".md")
    assert pull["state"] == "open" and pull["base"]["ref"] == "main" and labels(pull) == ["decap-cms/draft"]
    assert "link: https://news.example.com/stand-in-walkthrough" in text and "Ein Vorschlag aus dem Editor." in text
    assert github.repository.read("main", path) is None
    main = github.repository.ref("refs/heads/main")

    # saving again: a commit on the same branch, the same pull request (once the editor shows the saved entry)
    page.wait_for_url(re.compile(r"#/collections/posts/entries/\d{4}/stand-in-walkthrough$"))
    wait_until(lambda: field(page, "title").input_value() == title, page, SAVE_SECONDS * 1000)
    page.get_by_text("Changes saved").wait_for()
    field(page, "summary").fill("A summary changed in the second save.")
    save(page)
    wait_until(lambda: "second save" in (github.repository.read(pull["head"]["ref"], path) or ""), page,
               SAVE_SECONDS * 1000)
    again = github.pull(pull["number"])
    assert again["head"]["sha"] != pull["head"]["sha"] and labels(again) == ["decap-cms/draft"]
    assert [item["number"] for item in github.open_pulls() if item["head"]["ref"] == pull["head"]["ref"]] == [pull["number"]]

    # Ready: the status label replaced
    page.get_by_text("Changes saved").wait_for()
    set_status(page, "Draft", "Ready")
    wait_until(lambda: labels(github.pull(pull["number"])) == ["decap-cms/pending_publish"], page, SAVE_SECONDS * 1000)

    # Publish = merge: GitHub refuses it without an approving review, and Decap's direct write to main too
    publish_now(page)
    failed = page.get_by_text(re.compile("Failed to publish"))
    failed.first.wait_for(timeout=SAVE_SECONDS * 1000)
    assert "Protected branch update failed for refs/heads/main." in failed.first.inner_text()
    merge = ("PUT", f"/repos/{OWNER}/{NAME}/pulls/{pull['number']}/merge")
    assert merge in github.calls
    assert github.repository.ref("refs/heads/main") == main and github.pull(pull["number"])["state"] == "open"

    # a reviewer approves on GitHub: the same Publish merges, main holds the post, the branch is gone
    github.approve(pull["number"])
    page.reload()
    control(page, "title").wait_for()
    publish_now(page)
    wait_until(lambda: github.pull(pull["number"])["merged"], page, SAVE_SECONDS * 1000)
    assert "second save" in github.repository.read("main", path)
    wait_until(lambda: github.repository.ref(f"refs/heads/{pull['head']['ref']}") is None, page, SAVE_SECONDS * 1000)


def test_an_accepted_suggestion_waits_in_the_drafts_column(editor, stack, github):
    from githubkit import GitHub, TokenAuthStrategy

    from suggestions.draft import draft_of
    from suggestions.github import GitHubPublisher

    suggestion = {"id": "sugg3stion7ab", "title": "Ein Vorschlag aus der Belegschaft", "link": "https://blog.example.com/x",
                  "why": "Weil es Kolleginnen und Kollegen interessiert.", "language": "de", "topics": [],
                  "text": "Lest das!", "name_me": False}
    app = GitHub(TokenAuthStrategy(BOT_TOKEN), base_url=github.url + "/", http_cache=False, auto_retry=False)
    made = GitHubPublisher(app, f"{OWNER}/{NAME}", "main").publish(draft_of(suggestion, datetime.now(timezone.utc)))
    assert labels(github.pull(made.number)) == ["decap-cms/draft"]

    page = editor
    page.goto(f"{stack}admin/?lang=en#/workflow")
    drafts = page.locator('div:has(> h2[name="draft"])')
    card = drafts.get_by_role("link", name=re.compile(suggestion["title"]))
    card.wait_for(timeout=SAVE_SECONDS * 1000)
    assert card.get_attribute("href").startswith("#/collections/posts/entries/" + made.branch.removeprefix("cms/posts/"))
    # opened: Decap reads the post from the branch, a draft
    card.click()
    field(page, "title").wait_for()
    wait_until(lambda: field(page, "title").input_value() == suggestion["title"], page)
    assert page.get_by_role("button", name="Status: Draft").is_visible()
