"""What each side sees of a suggestion: the suggester their own, comms also the name (if given) and the pull request."""

from __future__ import annotations

from datetime import datetime, timezone

FIELDS = ("link", "title", "why", "text", "topics", "language", "name_me")


def _expires(suggestion: dict) -> str | None:
    ttl = suggestion.get("ttl")
    return datetime.fromtimestamp(ttl, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if ttl else None


def own(suggestion: dict) -> dict:
    """The suggester's view: fields, status (an accept under way is still open to them) and a decline's reason."""
    status = suggestion["status"]
    return {"id": suggestion["id"], "status": "open" if status == "accepting" else status,
            "created": suggestion["created"], "decided": suggestion.get("decided"), "reason": suggestion.get("reason"),
            **{name: suggestion.get(name, [] if name == "topics" else None) for name in FIELDS},
            "expires": _expires(suggestion)}


def for_comms(suggestion: dict) -> dict:
    """Comms' view: also the status `accepting` (accept again to finish), the name only if the suggester
    asked to be named, and the pull request."""
    pull = suggestion.get("pull_request")
    return {**own(suggestion), "status": suggestion["status"],
            "name": suggestion.get("name") if suggestion.get("name_me") else None,
            "pull_request": {"branch": pull["branch"], "number": pull.get("number"), "url": pull.get("url")}
            if pull else None}
