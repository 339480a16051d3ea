"""Where an accepted suggestion goes: a draft pull request on GitHub, or locally a branch of the working copy.

Both take the same Draft (the branch, the post file, the pull request's title and description) and make
it idempotently, so accepting twice, or again after a half-done accept, ends with one branch, one file
and one pull request. `SUGGESTIONS_GIT_DIR` set (only `sharewall serve` sets it) selects the local git
repository; otherwise GitHub with the App credentials of the secret in `GITHUB_APP_SECRET_ARN`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Draft:
    branch: str  # suggestions/<id>: the same for every attempt at one suggestion
    path: str  # the post file in the repository, e.g. content/posts/2026/my-talk-abc123.md
    text: str  # the post file
    title: str  # the pull request's title and the commit message
    description: str  # the pull request's description


@dataclass(frozen=True)
class PullRequest:
    branch: str
    number: int | None = None  # None: a local branch, no pull request
    url: str | None = None

    def as_dict(self) -> dict:
        return {"branch": self.branch, "number": self.number, "url": self.url}


class PublishFailed(Exception):
    """The branch, file or pull request could not be made; the message says which step (nothing personal)."""


class Publisher(Protocol):
    def publish(self, draft: Draft) -> PullRequest: ...


def publisher() -> Publisher:
    """The local git repository when `sharewall serve` named one, else GitHub (imported only when needed)."""
    base = os.environ.get("SUGGESTIONS_BASE_BRANCH", "main")
    local = os.environ.get("SUGGESTIONS_GIT_DIR", "")
    if local:
        from suggestions.localgit import LocalGit

        return LocalGit(local, base)
    from suggestions.github import GitHubPublisher

    return GitHubPublisher.from_environment(base)
