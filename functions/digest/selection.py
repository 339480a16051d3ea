"""Which posts a digest shows: those that became active since the last digest of its channel and language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from digest.site import Entry

FIRST_RUN = timedelta(hours=24)  # with no digest sent before: the posts that became active in the last day


@dataclass(frozen=True)
class Selection:
    """The posts one digest shows, newest first, and how many more are new on the wall."""

    shown: tuple[Entry, ...]
    more: int
    active: frozenset[str]  # every post active now: what the next digest compares against

    # Something to send
    def __bool__(self) -> bool:
        return bool(self.shown)


# The new posts at `now`: active ones the last digest (which saw `seen`) had not seen; on the first run those
# published in the last 24 hours (`first_run`). Future and expired posts are never new; drafts are never in posts.json.
def select(entries: Iterable[Entry], now: datetime, seen: frozenset[str] | None, max_posts: int,
           first_run: timedelta = FIRST_RUN) -> Selection:
    active = [entry for entry in entries if entry.active(now)]
    if seen is None:
        new = [entry for entry in active if entry.publish > now - first_run]
    else:
        new = [entry for entry in active if entry.slug not in seen]
    new.sort(key=lambda entry: (entry.publish, entry.slug), reverse=True)
    return Selection(tuple(new[:max_posts]), max(0, len(new) - max_posts), frozenset(e.slug for e in active))
