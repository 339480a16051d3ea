"""The GitHub publisher: the editor's branch, the post file and a pull request labelled as the editor's
draft (sharewall_common.decap), through GitHub's REST API.

Authenticated as a GitHub App installation (githubkit): the App's id, private key and installation id
come from the Secrets Manager secret in GITHUB_APP_SECRET_ARN as JSON
`{"app_id": "...", "installation_id": 123, "private_key": "-----BEGIN RSA PRIVATE KEY-----..."}`; the
repository is SUGGESTIONS_REPOSITORY (owner/name). GITHUB_API_URL points elsewhere only in tests.

Every step can be repeated: an existing branch (422), an existing file with the same content, an
existing pull request of the branch, a status label it has are taken as done (adding a label GitHub has
is a no-op), so a retry after a half-done accept finishes it and accepting twice opens one pull request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from githubkit import AppInstallationAuthStrategy, GitHub
from githubkit.exception import GitHubException, RequestFailed

from sharewall_common.secret_values import secret_text
from sharewall_common import decap
from suggestions.publishing import Draft, PublishFailed, PullRequest

TIMEOUT = 5  # seconds per request: the function's own timeout bounds the whole accept


def blob_sha(text: str) -> str:
    """The git blob id of `text`, as GitHub reports a file's `sha`."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _status(error: Exception) -> int | None:
    return error.response.status_code if isinstance(error, RequestFailed) else None


class GitHubPublisher:
    def __init__(self, github: GitHub, repository: str, base: str):
        self.github = github
        self.owner, _, self.repo = repository.partition("/")
        self.base = base

    @classmethod
    def from_environment(cls, base: str) -> GitHubPublisher:
        repository = os.environ.get("SUGGESTIONS_REPOSITORY", "")
        if "/" not in repository:
            raise PublishFailed("SUGGESTIONS_REPOSITORY is not set to owner/name (template parameter SuggestionsRepository)")
        try:
            text = secret_text("GITHUB_APP_SECRET_ARN", max_age=3600)
        except Exception as error:  # botocore's errors: not reachable, not allowed, no such secret
            raise PublishFailed(f"the GitHub App secret cannot be read ({type(error).__name__})") from None
        try:
            app = json.loads(text)
            auth = AppInstallationAuthStrategy(str(app["app_id"]), app["private_key"], int(app["installation_id"]))
        except (ValueError, KeyError, TypeError):
            raise PublishFailed("the GitHub App secret is not JSON with app_id, installation_id and private_key") from None
        github = GitHub(auth, base_url=os.environ.get("GITHUB_API_URL") or None, timeout=TIMEOUT,
                        http_cache=False, auto_retry=False, user_agent="sharewall-suggestions")
        return cls(github, repository, base)

    def publish(self, draft: Draft) -> PullRequest:
        try:
            self._branch(draft.branch)
            self._file(draft)
            return self._pull_request(draft)
        except RequestFailed as error:
            raise PublishFailed(f"GitHub answered {_status(error)} to {error.response.raw_request.method} "
                                f"{error.response.raw_request.url.path}") from None
        except (KeyError, TypeError, ValueError):  # an answer without the fields GitHub documents
            raise PublishFailed("GitHub answered with an unexpected body") from None
        except GitHubException as error:
            inner = getattr(error, "exc", None)  # a failed installation token request arrives wrapped
            if isinstance(inner, RequestFailed):
                raise PublishFailed(f"GitHub answered {_status(inner)} to the App's installation token request") from None
            raise PublishFailed(f"GitHub could not be reached: {type(inner or error).__name__}") from None

    def _branch(self, branch: str) -> None:
        rest = self.github.rest.git
        try:
            rest.get_ref(self.owner, self.repo, f"heads/{branch}")
            return  # made by an earlier attempt
        except RequestFailed as error:
            if _status(error) != 404:
                raise
        base = rest.get_ref(self.owner, self.repo, f"heads/{self.base}").json()["object"]["sha"]
        try:
            rest.create_ref(self.owner, self.repo, ref=f"refs/heads/{branch}", sha=base)
        except RequestFailed as error:
            if _status(error) != 422:  # 422: it exists now (a concurrent accept)
                raise

    def _file(self, draft: Draft) -> None:
        repos = self.github.rest.repos
        try:
            present = repos.get_content(self.owner, self.repo, draft.path, ref=draft.branch).json()
        except RequestFailed as error:
            if _status(error) != 404:
                raise
            present = None
        if present is not None:
            if isinstance(present, dict) and present.get("sha") == blob_sha(draft.text):
                return
            raise PublishFailed(f"branch {draft.branch} holds another {draft.path}; delete the branch and accept again")
        content = base64.b64encode(draft.text.encode("utf-8")).decode()
        try:
            repos.create_or_update_file_contents(self.owner, self.repo, draft.path, message=draft.title,
                                                 content=content, branch=draft.branch)
        except RequestFailed as error:
            if _status(error) not in (409, 422):  # written meanwhile by a concurrent accept: checked next time
                raise

    def _pull_request(self, draft: Draft) -> PullRequest:
        pulls = self.github.rest.pulls
        pull = self._existing(draft.branch)
        if pull is None:
            try:  # open, not a GitHub draft: as Decap opens it (its status is the label; `draft: true` keeps it off main)
                pull = pulls.create(self.owner, self.repo, title=draft.title, head=draft.branch, base=self.base,
                                    body=draft.description).json()
            except RequestFailed as error:
                if _status(error) != 422:
                    raise
                pull = self._existing(draft.branch)  # "a pull request already exists": a concurrent accept's
                if pull is None:
                    raise
        self._label(pull, draft.label)
        return PullRequest(draft.branch, int(pull["number"]), str(pull["html_url"]))

    def _existing(self, branch: str) -> dict | None:
        listed = self.github.rest.pulls.list(self.owner, self.repo, head=f"{self.owner}:{branch}", state="all").json()
        for pull in listed if isinstance(listed, list) else []:
            return pull
        return None

    # the editor lists only pull requests with a status label; one it has already (comms moved it) stays
    def _label(self, pull: dict, label: str) -> None:
        names = [str(item.get("name", "")) for item in pull.get("labels") or [] if isinstance(item, dict)]
        if not any(decap.is_status_label(name) for name in names):
            self.github.rest.issues.add_labels(self.owner, self.repo, int(pull["number"]), labels=[label])
