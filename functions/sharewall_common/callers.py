"""Who may call a route: declared on the route with `@allow(...)`, checked before any of its input is read.

The resolver (sharewall_common.api) runs the route's check before Powertools parses and validates
the body, query or headers, so an unauthenticated or wrong-role caller gets 401/403 and learns
nothing about what the route would accept. A route without a declaration cannot be registered.

    @router.post("/claims/<claim_id>/decision")
    @allow(roles("finance"))
    def decide(claim_id: str, decision: DecisionIn):
        caller = current_caller(router)   # what the check returned
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sharewall_common.identity import identity_of

CHECK = "__sharewall_callers__"  # the attribute `allow` sets on a route's function
CONTEXT_KEY = "caller"  # where the resolver keeps the check's answer for the route

Check = Callable[[dict], Any]  # raw HTTP API v2 event -> the caller; raises Unauthorized or Forbidden


def allow(check: Check) -> Callable:
    """Declare who may call the decorated route (put it below `@router.get(...)` and friends)."""

    def declare(func: Callable) -> Callable:
        setattr(func, CHECK, check)
        return func

    return declare


def roles(*names: str) -> Check:
    """Signed-in staff holding at least one of `names`: their Identity."""

    def staff(event: dict):
        return identity_of(event).require(*names)

    staff.__doc__ = f"signed in with one of the roles {', '.join(names)}"
    return by_token(staff)


# The marks name the OpenAPI security scheme of the routes a check guards (site_builder/openapi.py)
def by_token(check: Check) -> Check:
    """Mark a check that admits signed-in staff by their identity provider's token."""
    check.security = "staff"
    return check


def by_invite(check: Check) -> Check:
    """Mark a check that admits influencers by their invite token."""
    check.security = "invite"
    return check


def anyone(_event: dict) -> None:
    """No identity needed (e.g. signing out)."""
    return None


def check_of(func: Callable) -> Check | None:
    return getattr(func, CHECK, None)


def current_caller(router) -> Any:
    """What the route's check returned for this request (its Identity, invite, ...)."""
    return router.context.get(CONTEXT_KEY)
