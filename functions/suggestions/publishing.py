"""What every publisher takes and gives: the Draft, the PullRequest made of it, the failure, the Protocol.

A Draft is what Decap CMS's editorial workflow would have made of the post (sharewall_common.decap): its branch
and status label, so comms find it on the editor's workflow board and finish it there.

Below both adapters (`github`, `localgit`) and the factory that picks one (`publisher`), so the adapters
import their types from here and never the factory that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Draft:
    branch: str  # the editor's branch, cms/posts/2026/my-talk-abc123: the same for every attempt at one suggestion
    path: str  # the post file in the repository, e.g. content/posts/2026/my-talk-abc123.md
    text: str  # the post file
    title: str  # the pull request's title and the commit message
    description: str  # the pull request's description
    label: str  # the editor's workflow status: a label of the pull request, locally the branch's description


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
