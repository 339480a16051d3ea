"""A function's cold start: its imports and module-level set-up, which every new container runs once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cold_start() -> Iterator[None]:
    """Run the module's set-up with the garbage collector paused, then freeze what it made.

    Setting up allocates a few hundred thousand objects (modules, classes, pydantic schemas, the
    DynamoDB service model) and frees almost none, so every collection during it walks them all for
    nothing: about a tenth of the cold start (`bench/api.py`). Frozen afterwards, they live as long as
    the container does and stay out of every later collection, so warm requests don't walk them either.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
