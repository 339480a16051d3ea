"""Where an accepted suggestion goes: a draft pull request on GitHub, or locally a branch of the working copy.

Both take the same Draft (the branch, the post file, the pull request's title and description) and make
it idempotently, so accepting twice, or again after a half-done accept, ends with one branch, one file
and one pull request. `SUGGESTIONS_GIT_DIR` set (only `sharewall serve` sets it) selects the local git
repository; otherwise GitHub with the App credentials of the secret in `GITHUB_APP_SECRET_ARN`.
"""

from __future__ import annotations

import os

from suggestions.publishing import Publisher


def publisher() -> Publisher:
    """The local git repository when `sharewall serve` named one, else GitHub (imported only when needed)."""
    base = os.environ.get("SUGGESTIONS_BASE_BRANCH", "main")
    local = os.environ.get("SUGGESTIONS_GIT_DIR", "")
    if local:
        from suggestions.localgit import LocalGit

        return LocalGit(local, base)
    from suggestions.github import GitHubPublisher

    return GitHubPublisher.from_environment(base)
