"""The GitHub publisher against the loopback GitHub stand-in (tests/github_api.py), backed by git.

The stand-in checks what GitHub would: the App's JWT (RS256, signed with the App's private key, `iss` the
App id) for the installation token, that token on every repository call, a branch made once (422 when it
exists), a file put once, one open pull request per head, no pull request without commits. Failures can
be injected per route to leave an accept half done. The accept opens what the editor (Decap CMS) would:
the branch cms/posts/<year>/<slug>, an open pull request on main labelled decap-cms/draft.
"""

from __future__ import annotations

import json
import re
import uuid

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from site_builder.local.aws import REGION
from sharewall_common.secret_values import forget_secrets
from tests.functions.test_suggestions_api import GOOD, call, decide, suggest
from tests.github_api import GitHubStandIn, Repository

APP_ID, INSTALLATION = "424242", 99
OWNER, REPO = "acme", "wall"
LABELS = ("POST", "issues/{}/labels")
TOKEN = "ghs_" + uuid.uuid4().hex  # one installation token for the module: githubkit keeps it until it expires


@pytest.fixture(scope="module")
def app_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def github(app_key, aws_resources, monkeypatch, tmp_path):
    """The stand-in with a repository whose main has one commit, and the function configured for it: App
    secret in (moto's) Secrets Manager, repository set."""
    repository = Repository(tmp_path / "wall.git")
    repository.commit_files({"README.md": "# wall\n"}, "start")
    server = GitHubStandIn(repository, owner=OWNER, name=REPO, app=(APP_ID, app_key.public_key(), TOKEN)).start()
    pem = app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=aws_resources.secrets["GitHubAppSecret"],
        SecretString=json.dumps({"app_id": APP_ID, "installation_id": INSTALLATION, "private_key": pem}))
    forget_secrets()
    monkeypatch.delenv("SUGGESTIONS_GIT_DIR", raising=False)
    monkeypatch.setenv("SUGGESTIONS_REPOSITORY", f"{OWNER}/{REPO}")
    monkeypatch.setenv("GITHUB_API_URL", server.url + "/")
    yield server
    server.stop()
    forget_secrets()
    assert server.unknown == [], server.unknown


def branch_files(github, pull: dict) -> dict[str, str]:
    """The files the pull request's branch (as GitHub shows it) adds to main: path -> text."""
    repository, branch = github.repository, pull["head"]["ref"]
    added = set(repository.files(branch)) - set(repository.files("main"))
    return {path: repository.read(branch, path) for path in added}


@pytest.fixture
def fresh_app_token(monkeypatch):
    """A new container: githubkit keeps the App's JWT (8 minutes) and installation token in memory, per process."""
    import githubkit.cache

    monkeypatch.setattr(githubkit.cache.DEFAULT_CACHE_STRATEGY, "_cache", None)


def test_accept_opens_the_editors_draft_pull_request_as_the_app(fresh_tables, github, fresh_app_token):
    _, made = suggest()
    status, accepted = decide(made["id"], "accept")
    assert status == 200, accepted
    pull = github.pull(1)
    branch = pull["head"]["ref"]
    assert accepted["pull_request"] == {"branch": branch, "number": 1, "url": f"https://github.com/{OWNER}/{REPO}/pull/1"}
    # the editor's branch of the post: cms/posts/<year>/<slug>, branched off main with one commit
    ((path, text),) = branch_files(github, pull).items()
    assert re.fullmatch(r"content/posts/\d{4}/wie-wir-auf-arm-umgezogen-sind-\w{6}\.md", path), path
    assert branch == "cms/posts/" + path.removeprefix("content/posts/")[:-3]
    assert github.repository.run("rev-parse", f"refs/heads/{branch}^") == github.repository.ref("refs/heads/main")
    assert "draft: true" in text and f"title: {GOOD['title']}" in text and "Anna Muster" in text
    # an open pull request on main (not a GitHub draft), labelled as the editor's draft, made by the App
    assert pull["state"] == "open" and pull["draft"] is False and pull["base"]["ref"] == "main"
    assert [label["name"] for label in pull["labels"]] == ["decap-cms/draft"]
    assert pull["user"]["login"] == "sharewall-suggestions[bot]"
    assert "Anna Muster" in pull["body"] and GOOD["link"] in pull["body"] and "/admin/" in pull["body"]
    assert ("POST", f"/app/installations/{INSTALLATION}/access_tokens") in github.calls


def test_accepting_twice_opens_one_pull_request(fresh_tables, github):
    _, made = suggest({**GOOD, "name_me": False})
    first = decide(made["id"], "accept")[1]
    again = decide(made["id"], "accept")[1]
    assert first["pull_request"] == again["pull_request"] and len(github.pulls) == 1
    assert "Anna" not in github.pulls[0]["body"] and "did not ask to be named" in github.pulls[0]["body"]
    # comms moved it on in the editor; the publisher run again on its own finds the branch, the file and the
    # pull request made, and leaves their status label
    github.labels[1] = ["decap-cms/pending_review"]
    from datetime import datetime

    from suggestions import store
    from suggestions.draft import draft_of
    from suggestions.publisher import publisher

    stored = store.get(made["id"])
    draft = draft_of(stored, datetime.fromisoformat(stored["accepting_at"].replace("Z", "+00:00")))
    assert publisher().publish(draft).number == 1
    assert len(github.pulls) == 1 and len(branch_files(github, github.pull(1))) == 1
    assert [label["name"] for label in github.pull(1)["labels"]] == ["decap-cms/pending_review"]


@pytest.mark.parametrize("step", [("POST", "git/refs"), ("PUT", "contents/{}"), ("POST", "pulls"), LABELS])
def test_a_retry_after_a_half_done_accept_finishes_it(fresh_tables, github, step):
    _, made = suggest()
    github.fail[step] = 1
    status, body = decide(made["id"], "accept")
    assert status == 502 and body["error"]["code"] == "publisher_failed", body
    assert "GitHub answered 500" in body["error"]["message"]
    status, accepted = decide(made["id"], "accept")
    assert status == 200 and accepted["status"] == "accepted", accepted
    assert len(github.pulls) == 1 and len(branch_files(github, github.pull(1))) == 1
    assert [label["name"] for label in github.pull(1)["labels"]] == ["decap-cms/draft"]
    assert sum(1 for call_ in github.calls if call_ == ("POST", f"/repos/{OWNER}/{REPO}/git/refs")) <= 2
    assert call("GET", "/suggestions/mine")[1]["items"][0]["status"] == "accepted"


def test_a_missing_or_broken_app_secret_is_a_clear_502(fresh_tables, github, aws_resources):
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=aws_resources.secrets["GitHubAppSecret"], SecretString="not json")
    forget_secrets()
    _, made = suggest()
    status, body = decide(made["id"], "accept")
    assert status == 502 and "app_id, installation_id and private_key" in body["error"]["message"]
    assert github.calls == []


def test_a_wrong_app_key_gets_no_token_and_no_pull_request(fresh_tables, github, aws_resources, fresh_app_token):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()).decode()
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=aws_resources.secrets["GitHubAppSecret"],
        SecretString=json.dumps({"app_id": APP_ID, "installation_id": INSTALLATION, "private_key": pem}))
    forget_secrets()
    _, made = suggest()
    status, body = decide(made["id"], "accept")
    assert status == 502 and "401" in body["error"]["message"], body
    assert github.pulls == [] and github.repository.refs("refs/heads/cms/") == []


def _accept_in_container(suggestion_id: str) -> tuple[int, dict | None]:
    import suggestions.app  # noqa: F401 (a warm container has its handler loaded)

    status, body = decide(suggestion_id, "accept")
    return status, (body or {}).get("pull_request")


def test_two_comms_accepting_at_once_open_one_pull_request(fresh_tables, github):
    from tests.functions.invoke import in_containers

    _, made = suggest()
    results = in_containers(_accept_in_container, [(made["id"],), (made["id"],), (made["id"],)])
    pulls = [pull for status, pull in results if status == 200]
    assert pulls and all(pull == pulls[0] for pull in pulls), results
    assert [status for status, _ in results] == [200, 200, 200], results
    assert len(github.pulls) == 1 and len(branch_files(github, github.pull(1))) == 1
    assert [label["name"] for label in github.pull(1)["labels"]] == ["decap-cms/draft"]
    final = decide(made["id"], "accept")[1]  # whatever raced, accepting once more ends accepted with that one
    assert final["status"] == "accepted" and final["pull_request"] == github_pull(github)


def github_pull(github) -> dict:
    pull = github.pull(1)
    return {"branch": pull["head"]["ref"], "number": pull["number"], "url": pull["html_url"]}
