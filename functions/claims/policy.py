"""The expense policy the function enforces: `content/expenses.yml`, bundled next to the code.

`EXPENSES_FILE` overrides the path (the local server and tests point it at `content/expenses.yml`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sharewall_common.expenses import ExpensePolicy, load_policy

BUNDLED = Path(__file__).with_name("expenses.yml")


@lru_cache(maxsize=1)
def current() -> ExpensePolicy:
    path = Path(os.environ.get("EXPENSES_FILE") or BUNDLED)
    return load_policy(path.read_text(encoding="utf-8"))
