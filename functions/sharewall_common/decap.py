"""How Decap CMS's editorial workflow recognises an entry: one source for the editor's configuration
(site_builder/editor/config.py) and the suggestions function, whose accepted suggestion is one of its drafts.

Decap (decap-cms-lib-util, decap-cms-backend-github, decap-server) keys an unpublished entry by its branch
`cms/<collection>/<slug>`, where a folder collection's slug is the file's path below the folder without the
extension: with `path: "{{year}}/{{slug}}"` the post content/posts/2026/my-post.md is the entry
`posts/2026/my-post` on the branch `cms/posts/2026/my-post`. Its status is a label `decap-cms/<status>`
(draft, pending_review, pending_publish): on GitHub a label of an open pull request whose head is that
branch and whose base is the editor's branch; in decap-server's local git mode the branch's description
(`git config branch.<branch>.description`).
"""

from __future__ import annotations

COLLECTION = "posts"  # the editor's folder collection of posts, below content/ (site_builder/editor/config.py)
BRANCH_PREFIX = "cms"  # decap-cms-lib-util CMS_BRANCH_PREFIX
LABEL_PREFIX = "decap-cms/"  # the config's cms_label_prefix (Decap's default)
DRAFT = "draft"  # the first column of the editor's workflow board


def entry_branch(post_path: str, content_dir: str) -> str:
    """The editor's branch of the post file `post_path` (under `content_dir`): cms/posts/<year>/<slug>."""
    folder = f"{content_dir.strip('/')}/{COLLECTION}/"
    if not post_path.startswith(folder) or not post_path.endswith(".md"):
        raise ValueError(f"{post_path} is not a post of the folder {folder}")
    return f"{BRANCH_PREFIX}/{COLLECTION}/{post_path[len(folder):-len('.md')]}"


def status_label(status: str) -> str:
    """The label (GitHub) or branch description (local git) that gives an entry its workflow column."""
    return f"{LABEL_PREFIX}{status}"


def is_status_label(name: str) -> bool:
    """Whether a pull request's label is one of the editor's status labels (then a retry leaves it alone)."""
    return name.startswith(LABEL_PREFIX)
