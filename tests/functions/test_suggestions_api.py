"""The suggestions function against the moto server over HTTP, with the local git publisher.

Employees suggest (validated like a post's fields, idempotent, at most 10 a day), see their own; comms
list the queue and decide: accept writes the draft post (the `sharewall new` writer) into a branch of a
real git repository, decline keeps a reason the suggester reads. Nothing in the table names a person.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest

from site_builder.content import load_content
from site_builder.local.aws import REGION, table_items
from site_builder.settings import load_settings
from tests.functions.invoke import invoke

ROOT = Path(__file__).resolve().parents[2]
EMPLOYEE = {"sub": "anna-subject-7f3e", "groups": ["employee"], "name": "Anna Muster"}
OTHER = {"sub": "ben-subject-91ac", "groups": ["employee"], "name": "Ben Beispiel"}
COMMS = {"sub": "chris-subject-0b2d", "groups": ["comms"], "name": "Chris Comms"}
GOOD = {"link": "https://blog.example.com/anna/arm-migration", "title": "Wie wir auf ARM umgezogen sind",
        "why": "Zeigt ehrlich, was beim Umzug schiefging und was wir gelernt haben.",
        "text": "Unser Umzug auf ARM: was schiefging und was wir gelernt haben.", "topics": ["engineering", "cloud"],
        "language": "de", "rights": True, "name_me": True}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A real git repository with a commit on main: where `sharewall serve` writes accepted suggestions."""
    directory = tmp_path / "repo"
    (directory / "content").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "sources.yml", directory / "content" / "sources.yml")
    git = ["git", "-C", str(directory)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "content"], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "start"],
                   check=True)
    monkeypatch.setenv("SUGGESTIONS_GIT_DIR", str(directory))
    return directory


def call(method, path, body=None, *, claims=EMPLOYEE, key=None, query=""):
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["idempotency-key"] = key
    reply = invoke("SuggestionsFunction", method, path, body, headers=headers, claims=claims, query=query)
    return reply.status, json.loads(reply.text) if reply.text else None


def suggest(body=None, *, claims=EMPLOYEE, key=None):
    return call("POST", "/suggestions", GOOD if body is None else body, claims=claims,
                key=key or uuid.uuid4().hex)


def decide(suggestion_id, action, reason=None, claims=COMMS):
    body = {"action": action, **({"reason": reason} if reason is not None else {})}
    return call("POST", f"/suggestions/{suggestion_id}/decision", body, claims=claims)


def items(resources) -> list[dict]:
    return table_items(resources)[resources.tables["AppTable"]]


def git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("change, field", [
    ({"link": "http://blog.example.com/x"}, "link"),
    ({"link": "javascript:alert(1)"}, "link"),
    ({"link": "https://" + "a" * 2000}, "link"),
    ({"title": ""}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"title": "two\nlines"}, "title"),
    ({"why": "y" * 301}, "why"),
    ({"why": ""}, "why"),
    ({"text": "<script>alert(1)</script>"}, "text"),
    ({"text": "t" * 201}, "text"),
    ({"topics": ["Not A Slug"]}, "topics"),
    ({"topics": ["a"] * 11}, "topics"),
    ({"topics": ["a", "a"]}, "topics"),
    ({"language": "pl"}, "language"),
    ({"rights": False}, "rights"),
    ({"rights": "true"}, "rights"),
    ({"rights": 1}, "rights"),
    ({"name_me": "yes"}, "name_me"),
    ({"titel": "typo"}, "titel"),
    ({"title": "nul\x00byte"}, "title"),
    ({"title": "tab\tin a title"}, "title"),
    ({"why": "escape \x1b[31m red"}, "why"),
    ({"why": "a\u2028b"}, "why"),
    ({"text": "bell\x07"}, "text"),
    ({"text": "next line\x85x"}, "text"),
])
def test_a_refused_field_is_named_and_nothing_is_stored(fresh_tables, change, field):
    before = items(fresh_tables)
    status, body = suggest({**GOOD, **change})
    assert status == 400, body
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["message"].startswith(f"{field}"), body["error"]["message"]
    assert items(fresh_tables) == before


def test_control_characters_are_named_with_their_code_and_line_breaks_stay_where_text_has_paragraphs(fresh_tables):
    status, body = suggest({**GOOD, "title": "a\x00b", "why": "a\x1bb"})
    assert status == 400, body
    assert body["error"]["fields"] == [{"field": "title", "code": "control_character", "character": "U+0000"},
                                       {"field": "why", "code": "control_character", "character": "U+001B"}]
    status, made = suggest({**GOOD, "why": "first line\nsecond\r\nthird\tend", "text": "one\ntwo"})
    assert status == 201 and made["why"] == "first line\nsecond\r\nthird\tend", made
    _, made = suggest()
    status, body = decide(made["id"], "decline", "nope\x00")
    assert status == 400 and body["error"]["fields"][0]["code"] == "control_character", body
    assert decide(made["id"], "decline", "Danke!\nLeider passt es nicht.")[0] == 200


def test_missing_fields_and_key_are_named(fresh_tables):
    status, body = call("POST", "/suggestions", {"link": GOOD["link"]}, key="k" * 10)
    assert status == 400 and all(f"{name}: required" in body["error"]["message"]
                                 for name in ("title", "why", "language", "rights")), body
    status, body = call("POST", "/suggestions", GOOD)
    assert status == 400 and "idempotency-key" in body["error"]["message"], body


def test_the_field_rules_are_the_content_models():
    """One implementation: the post model's limits and link rule are the ones the API applies."""
    from sharewall_common import postfields
    from site_builder.content import FrontMatter
    from suggestions.models import SuggestionIn

    def limit(model, name, kind):
        return next(getattr(item, kind) for item in model.model_fields[name].metadata if hasattr(item, kind))

    assert limit(FrontMatter, "title", "max_length") == limit(SuggestionIn, "title", "max_length") == postfields.TITLE_MAX
    assert limit(FrontMatter, "summary", "max_length") == limit(SuggestionIn, "why", "max_length") == postfields.SUMMARY_MAX
    for bad in ("http://x.org", "javascript:alert(1)", "https://", "https://a b"):
        with pytest.raises(ValueError):
            postfields.https(bad)
    # the function's languages (template.yaml's LANGUAGES) are the site's (mkdocs.yml's `languages`)
    from site_builder.local.template import load_template

    variables = load_template(ROOT / "template.yaml")["Resources"]["SuggestionsFunction"]["Properties"]["Environment"]
    assert variables["Variables"]["LANGUAGES"].split(",") == list(load_settings(ROOT / "mkdocs.yml").languages)


def test_a_suggestion_is_stored_once_per_key(fresh_tables):
    key = uuid.uuid4().hex
    status, first = suggest(key=key)
    assert status == 201 and first["status"] == "open" and first["title"] == GOOD["title"]
    before = items(fresh_tables)
    status, again = suggest(key=key)
    assert status == 200 and again == first
    assert items(fresh_tables) == before  # the replay changed nothing, no counter either
    status, body = suggest({**GOOD, "title": "Something else"}, key=key)
    assert status == 409 and body["error"]["code"] == "conflict"
    status, other = suggest(claims=OTHER, key=key)  # someone else's key of the same text: their own suggestion
    assert status == 201 and other["id"] != first["id"]


def test_at_most_ten_a_day_per_person(fresh_tables):
    for number in range(10):
        assert suggest({**GOOD, "title": f"Post {number}"})[0] == 201
    before = items(fresh_tables)
    status, body = suggest({**GOOD, "title": "Eleventh"})
    assert status == 429 and body["error"]["code"] == "daily_limit", body
    assert items(fresh_tables) == before
    assert suggest(claims=OTHER)[0] == 201  # the limit is per person


def test_nothing_in_the_table_names_the_suggester(fresh_tables):
    suggest()
    suggest({**GOOD, "name_me": False}, claims=OTHER)
    dump = json.dumps(items(fresh_tables))
    for claims in (EMPLOYEE, OTHER):
        assert claims["sub"] not in dump
    assert "Anna Muster" in dump  # she asked to be named
    assert "Ben Beispiel" not in dump  # he did not


def test_mine_shows_only_my_suggestions_and_comms_sees_the_name_only_when_given(fresh_tables):
    _, anna = suggest()
    _, ben = suggest({**GOOD, "title": "Bens Beitrag", "name_me": False}, claims=OTHER)
    status, mine = call("GET", "/suggestions/mine")
    assert status == 200 and [item["id"] for item in mine["items"]] == [anna["id"]]
    assert mine["roles"] == ["employee"] and "name" not in mine["items"][0]
    status, queue = call("GET", "/suggestions", claims=COMMS)
    assert status == 200 and [item["id"] for item in queue["items"]] == [anna["id"], ben["id"]]  # oldest first
    names = {item["id"]: item["name"] for item in queue["items"]}
    assert names == {anna["id"]: "Anna Muster", ben["id"]: None}
    assert call("GET", "/suggestions", claims=EMPLOYEE)[0] == 403
    assert decide(anna["id"], "decline", "no", claims=EMPLOYEE)[0] == 403


def test_the_queue_filters_and_pages_with_signed_cursors(fresh_tables):
    made = [suggest({**GOOD, "title": f"Post {n}", "language": "de" if n % 2 else "en",
                     "topics": ["cloud"] if n < 3 else []})[1]["id"] for n in range(6)]
    assert [item["id"] for item in call("GET", "/suggestions", claims=COMMS, query="language=en")[1]["items"]] == made[0::2]
    assert [item["id"] for item in call("GET", "/suggestions", claims=COMMS, query="topic=cloud")[1]["items"]] == made[:3]
    seen, cursor = [], None
    while True:
        status, page = call("GET", "/suggestions", claims=COMMS, query="limit=4" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, page
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == made
    status, body = call("GET", "/suggestions", claims=COMMS, query="cursor=" + cursor_of_another_list())
    assert status == 400 and body["error"]["code"] == "bad_cursor"
    assert call("GET", "/suggestions", claims=COMMS, query="status=maybe")[0] == 400
    assert call("GET", "/suggestions", claims=COMMS, query="language=pl")[0] == 400


def cursor_of_another_list() -> str:
    from sharewall_common import cursors

    return cursors.encode({"pk": {"S": "SUGGESTION#x"}}, "gsi1|SUGGESTIONS#declined||")


def test_decline_needs_a_reason_the_suggester_then_reads(fresh_tables):
    _, made = suggest()
    status, body = decide(made["id"], "decline")
    assert status == 400 and body["error"]["message"].startswith("reason"), body
    status, declined = decide(made["id"], "decline", "Passt nicht zu unseren Themen in diesem Quartal.")
    assert status == 200 and declined["status"] == "declined"
    _, mine = call("GET", "/suggestions/mine")
    assert mine["items"][0]["status"] == "declined"
    assert mine["items"][0]["reason"] == "Passt nicht zu unseren Themen in diesem Quartal."
    assert decide(made["id"], "decline", "again")[1]["error"]["code"] == "already_decided"
    assert decide(made["id"], "accept")[0] == 409
    assert decide("a" * 26, "accept")[0] == 404
    assert decide("ABC%2Fetc", "accept")[0] == 404


def test_decided_suggestions_expire_after_the_retention_period(fresh_tables, repo):
    _, first = suggest()
    _, second = suggest({**GOOD, "title": "Zweiter Beitrag"})
    assert "ttl" not in stored(fresh_tables, first["id"])  # open: kept until decided
    decide(first["id"], "decline", "nein")
    decide(second["id"], "accept")
    for made in (first, second):
        expires = int(stored(fresh_tables, made["id"])["ttl"]["N"])
        assert abs(expires - (time.time() + 90 * 86400)) < 120
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    ttl = dynamodb.describe_time_to_live(TableName=fresh_tables.tables["AppTable"])["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "ttl" and ttl["TimeToLiveStatus"] == "ENABLED"


def stored(resources, suggestion_id) -> dict:
    return next(item for item in items(resources) if item["pk"]["S"] == f"SUGGESTION#{suggestion_id}")


def test_accept_writes_a_draft_post_into_a_branch_that_passes_check_without_the_flag(fresh_tables, repo, tmp_path):
    head, status_before = git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain")
    _, made = suggest()
    status, accepted = decide(made["id"], "accept")
    assert status == 200, accepted
    branch = accepted["pull_request"]["branch"]
    files = git(repo, "ls-tree", "-r", "--name-only", branch).split()
    post = next(name for name in files if name.startswith("content/posts/"))
    assert re.fullmatch(r"content/posts/\d{4}/wie-wir-auf-arm-umgezogen-sind-[a-z2-7]{6}\.md", post), post
    # the editor's branch of that file (cms/<collection>/<slug>, the slug with its year folder) and its status
    assert accepted["status"] == "accepted" and branch == "cms/posts/" + post.removeprefix("content/posts/")[:-3]
    assert git(repo, "config", f"branch.{branch}.description").strip() == "decap-cms/draft"
    text = git(repo, "show", f"{branch}:{post}")
    assert "draft: true" in text and "Anna Muster" in text
    # the developer's checkout is untouched: same HEAD, clean tree, main unchanged
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == status_before
    assert git(repo, "rev-parse", f"{branch}^") == head
    # `sharewall check` on the written file, once comms remove the draft flag
    content = tmp_path / "content"
    (content / Path(post).parent.relative_to("content")).mkdir(parents=True)
    shutil.copy(ROOT / "content" / "sources.yml", content / "sources.yml")
    (content / Path(post).relative_to("content")).write_text(text.replace("draft: true\n", ""), encoding="utf-8")
    checked = load_content(content, load_settings(ROOT / "mkdocs.yml"), datetime.now(timezone.utc))
    assert checked.issues == [] and len(checked.posts) == 1, [str(issue) for issue in checked.issues]
    assert checked.posts[0].suggestions == (GOOD["text"],) and checked.posts[0].summary == GOOD["why"]


@pytest.mark.skipif(not shutil.which("node") or not (ROOT / "node_modules" / "decap-server").is_dir(),
                    reason="needs Node.js and decap-server (npm ci)")
def test_the_local_editor_lists_an_accepted_suggestion_as_its_draft(fresh_tables, repo):
    """decap-server (the editor's local backend) on the repository: the accepted suggestion is an unpublished
    entry of the posts collection, in the Drafts column, holding the post file."""
    from site_builder.local.editor_backend import start_editor_backend

    _, made = suggest()
    branch = decide(made["id"], "accept")[1]["pull_request"]["branch"]
    key = branch.removeprefix("cms/")
    backend = start_editor_backend(ROOT, "http://127.0.0.1:9", shutil.which("node"), repository=repo)
    try:
        def ask(action, **params):
            request = urllib.request.Request(backend.api_url, method="POST", headers={"content-type": "application/json"},
                                             data=json.dumps({"action": action, "params": {"branch": "main", **params}}).encode())
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())

        assert ask("unpublishedEntries") == [key]
        entry = ask("unpublishedEntry", id=key, cmsLabelPrefix="decap-cms/")
        post = "content/" + key + ".md"
        assert (entry["collection"], entry["slug"], entry["status"]) == ("posts", key.removeprefix("posts/"), "draft")
        assert [diff["path"] for diff in entry["diffs"]] == [post]
        data = ask("unpublishedEntryDataFile", collection="posts", slug=entry["slug"], id=post, path=post)["data"]
        assert data == git(repo, "show", f"{branch}:{post}")
    finally:
        backend.close()


def test_the_suggester_is_named_only_when_they_chose_so(fresh_tables, repo):
    _, made = suggest({**GOOD, "name_me": False})
    _, accepted = decide(made["id"], "accept")
    branch = accepted["pull_request"]["branch"]
    post = next(name for name in git(repo, "ls-tree", "-r", "--name-only", branch).split() if "posts/" in name)
    text = git(repo, "show", f"{branch}:{post}")
    assert "Anna" not in text and "a colleague" in text
    assert "Anna" not in git(repo, "log", "-1", "--format=%B", branch)


def test_accepting_twice_makes_one_branch_and_a_half_done_accept_is_finished(fresh_tables, repo, monkeypatch):
    _, made = suggest()
    from suggestions import localgit

    real = localgit.LocalGit.publish
    monkeypatch.setattr(localgit.LocalGit, "publish", lambda self, draft: (_ for _ in ()).throw(
        localgit.PublishFailed("git is unwell")))
    status, body = decide(made["id"], "accept")
    assert status == 502 and body["error"]["code"] == "publisher_failed"
    _, queue = call("GET", "/suggestions", claims=COMMS)
    assert queue["items"][0]["status"] == "accepting"  # still in the queue, to be accepted again
    assert call("GET", "/suggestions/mine")[1]["items"][0]["status"] == "open"
    monkeypatch.setattr(localgit.LocalGit, "publish", real)
    first = decide(made["id"], "accept")[1]
    again = decide(made["id"], "accept")[1]
    assert first["status"] == again["status"] == "accepted" and first["pull_request"] == again["pull_request"]
    assert git(repo, "branch", "--list", "cms/*").split() == [first["pull_request"]["branch"]]
    assert git(repo, "rev-list", "--count", first["pull_request"]["branch"]).strip() == "2"  # start + the post
    # comms moved it on in the editor; the publisher run again on its own leaves their status
    branch = first["pull_request"]["branch"]
    git(repo, "config", f"branch.{branch}.description", "decap-cms/pending_review")
    from suggestions import store
    from suggestions.draft import draft_of

    stored = store.get(made["id"])
    localgit.LocalGit(str(repo)).publish(draft_of(stored, datetime.fromisoformat(stored["accepting_at"].replace("Z", "+00:00"))))
    assert git(repo, "config", f"branch.{branch}.description").strip() == "decap-cms/pending_review"
    assert decide(made["id"], "decline", "too late")[1]["error"]["code"] == "already_decided"


def test_a_half_done_accept_can_be_declined_and_then_stays_declined(fresh_tables, repo, monkeypatch):
    _, made = suggest()
    from suggestions import localgit

    monkeypatch.setattr(localgit.LocalGit, "publish", lambda self, draft: (_ for _ in ()).throw(
        localgit.PublishFailed("git is unwell")))
    assert decide(made["id"], "accept")[0] == 502
    status, declined = decide(made["id"], "decline", "Passt doch nicht.")
    assert status == 200 and declined["status"] == "declined" and declined["reason"] == "Passt doch nicht.", declined
    monkeypatch.undo()
    status, body = decide(made["id"], "accept")
    assert status == 409 and body["error"]["code"] == "already_decided", body
    assert git(repo, "branch", "--list", "cms/*").strip() == ""
    mine = call("GET", "/suggestions/mine")[1]["items"][0]
    assert mine["status"] == "declined" and mine["reason"] == "Passt doch nicht."


def test_a_suggestion_stored_with_a_control_character_is_still_accepted(fresh_tables, repo):
    """Stored before control characters were refused: the accept finishes (no 500, never stuck in `accepting`)."""
    _, made = suggest()
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=fresh_tables.tables["AppTable"], Key={"pk": {"S": f"SUGGESTION#{made['id']}"}, "sk": {"S": "SUGGESTION"}},
        UpdateExpression="SET title = :t, why = :w",
        ExpressionAttributeValues={":t": {"S": "Null\x00Byte @octocat"}, ":w": {"S": "why\x00\x1b[2J"}})
    status, accepted = decide(made["id"], "accept")
    assert status == 200 and accepted["status"] == "accepted", accepted
    message = git(repo, "log", "-1", "--format=%B", accepted["pull_request"]["branch"])
    assert message.startswith("Suggestion: Null Byte \\@\u200boctocat\n") and "\x00" not in message and "\x1b" not in message


def test_statistics_are_aggregates_withheld_for_small_groups(fresh_tables, repo, monkeypatch):
    monkeypatch.setenv("STATS_MIN_PEOPLE", "2")
    _, made = suggest()
    suggest({**GOOD, "title": "Zweiter"})
    status, stats = call("GET", "/suggestions/stats", query="granularity=day")
    assert status == 200 and stats["periods"][-1] == {"period": stats["periods"][-1]["period"], "received": None,
                                                      "accepted": None, "withheld": True}
    assert stats["total"] == {"received": 0, "accepted": 0}
    suggest(claims=OTHER)
    decide(made["id"], "accept")
    for granularity in ("day", "week", "month"):
        stats = call("GET", "/suggestions/stats", query=f"granularity={granularity}")[1]
        assert stats["periods"][-1]["received"] == 3 and stats["periods"][-1]["accepted"] == 1, stats
        assert stats["total"] == {"received": 3, "accepted": 1}
    assert call("GET", "/suggestions/stats", query="from=2026-02-01&to=2026-01-01")[0] == 400


def test_the_whole_flow_offline_through_sharewall_serve(tmp_path, monkeypatch):
    """`sharewall serve`: suggest, accept as comms, and the branch is in the local repository; decline is read back."""
    from tests.local_serve import ServeProcess, request

    repo_dir = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo_dir)], check=True)
    monkeypatch.setenv("SUGGESTIONS_GIT_DIR", str(repo_dir))
    server = ServeProcess(tmp_path / "site")
    try:
        employee = {"X-Sharewall-Dev-User": "erika", "X-Sharewall-Dev-Roles": "employee"}
        comms = {"X-Sharewall-Dev-User": "chris", "X-Sharewall-Dev-Roles": "comms"}
        made = []
        for title in ("Offline suggestion", "Declined one"):
            status, _, body = request(server.url + "api/suggestions", "POST", {**GOOD, "title": title},
                                      {**employee, "Idempotency-Key": uuid.uuid4().hex})
            assert status == 201, body
            made.append(json.loads(body)["id"])
        status, _, body = request(server.url + f"api/suggestions/{made[0]}/decision", "POST", {"action": "accept"}, comms)
        assert status == 200, body
        pull = json.loads(body)["pull_request"]
        assert re.fullmatch(r"cms/posts/\d{4}/offline-suggestion-\w{6}", pull["branch"]) and pull["number"] is None, pull
        assert git(repo_dir, "branch", "--list", "cms/*").split() == [pull["branch"]]
        assert git(repo_dir, "config", f"branch.{pull['branch']}.description").strip() == "decap-cms/draft"
        status, _, body = request(server.url + f"api/suggestions/{made[1]}/decision", "POST",
                                  {"action": "decline", "reason": "Schon gepostet"}, comms)
        assert status == 200, body
        status, _, body = request(server.url + "api/suggestions/mine", "GET", None, employee)
        mine = {item["id"]: item for item in json.loads(body)["items"]}
        assert mine[made[0]]["status"] == "accepted" and mine[made[1]]["reason"] == "Schon gepostet"
    finally:
        server.stop()


def test_a_folder_that_is_no_git_repository_is_a_clear_502(fresh_tables, tmp_path, monkeypatch):
    monkeypatch.setenv("SUGGESTIONS_GIT_DIR", str(tmp_path))  # no repository here
    _, made = suggest()
    status, body = decide(made["id"], "accept")
    assert status == 502 and body["error"]["code"] == "publisher_failed"
    assert "git hash-object failed in the local repository" in body["error"]["message"], body
    assert stored(fresh_tables, made["id"])["status"]["S"] == "accepting"
