"""The local publisher: the draft's branch and commit in the working copy's git repository, offline.

The branch is the editor's (cms/posts/<year>/<slug>) and its description the editor's status label
(decap-cms/draft), as decap-server's git mode keeps them, so the local editor lists it as a draft.
Plumbing only (hash-object, a temporary index, write-tree, commit-tree, update-ref, git config): the
developer's checkout, index and current branch are never touched. The branch is created only if absent,
in one update-ref, so a second accept finds it and changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time

from suggestions.publishing import Draft, PublishFailed, PullRequest

AUTHOR = {"GIT_AUTHOR_NAME": "Sharewall", "GIT_AUTHOR_EMAIL": "sharewall@localhost",
          "GIT_COMMITTER_NAME": "Sharewall", "GIT_COMMITTER_EMAIL": "sharewall@localhost"}


class LocalGit:
    def __init__(self, directory: str, base: str = "main"):
        self.directory = directory
        self.base = base

    def _git(self, *args: str, text: str | None = None, env: dict | None = None, check: bool = True) -> str:
        clean = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        try:
            result = subprocess.run(["git", "-C", self.directory, *args], input=text, capture_output=True, text=True,
                                    env={**clean, **AUTHOR, **(env or {})}, timeout=30)
        except (OSError, ValueError, subprocess.TimeoutExpired) as error:  # no git, a NUL in an argument, or it hung
            raise PublishFailed(f"git {args[0]} could not run: {type(error).__name__}") from None
        if check and result.returncode != 0:
            raise PublishFailed(f"git {args[0]} failed in the local repository: {result.stderr.strip()[:200]}")
        return result.stdout.strip()

    def _commit_of(self, ref: str) -> str | None:
        found = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return found or None

    # the status decap-server reads (`git config branch.<b>.description`), set before the branch exists so
    # the editor never lists the branch without it, and only once: a status comms gave it stays
    def _describe(self, branch: str, label: str) -> None:
        key = f"branch.{branch}.description"
        for _ in range(20):  # git config refuses while another writer (decap-server) holds config.lock
            if self._git("config", "--get", key, check=False):
                return
            self._git("config", key, label, check=False)
            time.sleep(0.05)
        self._git("config", key, label)  # still refused: the error says why

    def publish(self, draft: Draft) -> PullRequest:
        ref = f"refs/heads/{draft.branch}"
        blob = self._git("hash-object", "-w", "--stdin", text=draft.text)
        if self._commit_of(ref):
            if self._git("rev-parse", "--verify", "--quiet", f"{ref}:{draft.path}", check=False) != blob:
                raise PublishFailed(f"branch {draft.branch} exists without this post; delete the branch and accept again")
            self._describe(draft.branch, draft.label)
            return PullRequest(draft.branch)
        self._describe(draft.branch, draft.label)
        parent = self._commit_of(f"refs/heads/{self.base}") or self._commit_of("HEAD")
        with tempfile.TemporaryDirectory() as scratch:
            index = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
            if parent:
                self._git("read-tree", parent, env=index)
            self._git("update-index", "--add", "--cacheinfo", f"100644,{blob},{draft.path}", env=index)
            tree = self._git("write-tree", env=index)
        # the message on stdin, never as an argument: it holds text a person typed (escaped: suggestions.markdown)
        commit = self._git("commit-tree", tree, *(["-p", parent] if parent else []), "-F", "-",
                           text=f"{draft.title}\n\n{draft.description}\n")
        # the empty old value: create only; a concurrent accept that got there first wins, with the same post
        if self._git("update-ref", ref, commit, "", check=False) == "" and self._commit_of(ref) != commit:
            if self._git("rev-parse", "--verify", "--quiet", f"{ref}:{draft.path}", check=False) != blob:
                raise PublishFailed(f"branch {draft.branch} could not be created")
        return PullRequest(draft.branch)
