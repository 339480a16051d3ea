"""HTML that many pages of one build share, rendered once: the header's search box, the navigation and the
parts of Material's page frame that are the same on every post page (`templates/partials/sharewall/cached.html`).

A build renders thousands of post pages whose frame differs only in their title, content and links to
themselves; each fragment named here is rendered for the first page that asks and reused after that.
"""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup


class Fragments:
    """The fragments of one build's interface language (a new one for every build: `on_env`)."""

    def __init__(self) -> None:
        self._html: dict[str, Markup] = {}

    # The fragment called `key`: the call block's body (`caller`) rendered the first time, the same HTML after
    def once(self, key: str, caller: Callable[[], str]) -> Markup:
        html = self._html.get(key)
        if html is None:
            html = self._html[key] = Markup(caller())  # the template's own output, already escaped where it must be
        return html
