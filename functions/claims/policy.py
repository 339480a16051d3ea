"""The expense policy the function enforces: the `content/expenses.yml` that was merged, as the build
published it (`sharewall/expenses.json`, read like the wall's catalogue by `sharewall_common.published`).

There is no second copy: without a readable policy (and no earlier copy at hand) claims are refused
with 503 and nothing is written.
"""

from __future__ import annotations

from sharewall_common.errors import ServiceUnavailable
from sharewall_common.expenses import PUBLISHED_NAME, ExpensePolicy, policy_from_published
from sharewall_common.published import Published, Unavailable

published = Published(PUBLISHED_NAME, policy_from_published, service="claims")


def current() -> ExpensePolicy:
    """The published policy (kept a few minutes); 503 when it cannot be read and no copy is at hand."""
    try:
        return published.get()
    except Unavailable:
        raise ServiceUnavailable("the expense policy cannot be read right now; try again in a minute",
                                 code="policy_unavailable") from None
