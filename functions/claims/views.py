"""What the API returns about claims and invites: money as decimal strings, IBANs masked in lists."""

from __future__ import annotations

from collections import Counter

from sharewall_common.expenses import money_text

from claims import audit as chain
from claims.rules import mask_iban


# What priced lines carry besides the usual fields (mileage, per-diem, another currency), as stored
PRICED = ("kind", "distance", "km_rate", "route", "until", "hours", "country", "full_days", "partial_days",
          "full_rate", "partial_rate", "original_currency", "rate")


def _lines(claim: dict) -> list[dict]:
    return [{"date": line["date"], "category": line["category"], "description": line["description"],
             "gross": money_text(line["gross"]), "vat": money_text(line["vat"]), "currency": line["currency"],
             "receipt": bool(line.get("receipt_key")), **_priced(line)} for line in claim["lines"]]


def _priced(line: dict) -> dict:
    """How the server priced the line: its inputs and rates (the original amount as a decimal string)."""
    found = {key: line[key] for key in PRICED if line.get(key) is not None}
    if line.get("original_amount") is not None:
        found["original_amount"] = money_text(line["original_amount"])
    return found


def summary(claim: dict) -> dict:
    """A row of finance's list: who is paid (IBAN masked), how much, whether something is flagged."""
    return {"id": claim["id"], "status": claim["status"], "submitted_at": claim["submitted_at"],
            "campaign": claim.get("campaign"), "payee": claim["payee"]["holder"],
            "iban": mask_iban(claim["payee"]["iban"]), "total": money_text(claim["total"]),
            "currency": "EUR", "lines": len(claim["lines"]), "flags": len(claim.get("flags") or []),
            "decided_by": claim.get("decided_by_name")}  # the name of who decided last (decisions since names were kept)


def own(claim: dict) -> dict:
    """What an influencer sees of their own claim: status, lines, a rejection reason."""
    return {"id": claim["id"], "status": claim["status"], "submitted_at": claim["submitted_at"],
            "total": money_text(claim["total"]), "currency": "EUR", "iban": mask_iban(claim["payee"]["iban"]),
            "lines": _lines(claim), "reason": claim.get("reason")}


def detail(claim: dict, audit: list[dict], links: dict[int, str], flags: list[dict]) -> dict:
    """Everything finance needs to decide: payee in full, lines with receipt links, flags, audit trail.

    The trail's entries come whole with their hashes, and the claim's chain head with them, so that
    `sharewall audit verify` can check the chain from what the API returns.
    """
    lines = _lines(claim)
    for index, line in enumerate(lines):
        line["receipt_url"] = links.get(index)
    return {**summary(claim), "iban": claim["payee"]["iban"], "payee": claim["payee"], "lines": lines,
            "note": claim.get("note"), "reason": claim.get("reason"), "flags": flags,
            "audit": [chain.public(entry) for entry in audit],
            "audit_head": dict(zip(("seq", "hash"), chain.head(claim), strict=True))}


def history(audit: list[dict]) -> list[dict]:
    """What an influencer sees of their claim's steps: each status with its time, and why it was rejected;
    never who in finance decided (their name stays with finance's audit trail)."""
    return [{"status": entry["to"], "at": entry["at"], **({"reason": entry.get("reason")} if entry["to"] == "rejected" else {})}
            for entry in audit if entry.get("to")]


def invite(item: dict, now_iso: str) -> dict:
    """An invite as comms see it: never an e-mail address (older invites stored one; it is not shown)."""
    state = "revoked" if item.get("revoked_at") else "expired" if item["expires_at"] <= now_iso else "active"
    return {"id": item["id"], "name": item["name"], "campaign": item["campaign"],
            "language": item.get("language") or "de",  # invites from before the choice were German
            "created_at": item["created_at"], "expires_at": item["expires_at"], "state": state,
            "revoked_at": item.get("revoked_at"), "created_by_name": item.get("creator_name")}


def invite_claims(statuses: list[str]) -> dict:
    """Whether claims came in with an invite: how many, how many per status; never an amount."""
    return {"count": len(statuses), "statuses": dict(Counter(statuses))}
