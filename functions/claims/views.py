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
    """A row of finance's list: who is paid (IBAN masked), how much, how many flags (as its detail shows them),
    and who decided it, per decision."""
    flags = claim.get("flag_count", len(claim.get("flags") or []))  # claims filed before the count was kept
    return {"id": claim["id"], "status": claim["status"], "submitted_at": claim["submitted_at"],
            "campaign": claim.get("campaign"), "payee": claim["payee"]["holder"],
            "iban": mask_iban(claim["payee"]["iban"]), "total": money_text(claim["total"]),
            "currency": "EUR", "lines": len(claim["lines"]), "flags": flags, "flag_count": flags,
            "decided_by": claim.get("decided_by_name"),  # the name of who decided last (decisions since names were kept)
            **deciders(claim)}


def deciders(claim: dict) -> dict:
    """`approved_by_name`, `rejected_by_name`, `paid_by_name`: who took each decision the claim had (absent when
    it had none or no name was kept). Claims decided before #20 kept only the last decider's name."""
    last, status = claim.get("decided_by_name"), claim["status"]
    legacy = {"approved_by_name": last if status in ("approved", "in_payment") else None,
              "rejected_by_name": last if status == "rejected" else None,
              "paid_by_name": last if status == "paid" and not claim.get("run") else None}  # a run's payer is on the run
    names = {name: claim.get(name) or (legacy[name] if "approved_by_name" not in claim else None) for name in legacy}
    return {name: value for name, value in names.items() if value}


def own(claim: dict) -> dict:
    """What an influencer sees of their own claim: status, lines (with the upload ids of their receipts, to keep
    them in a correction), a rejection reason, finance's open question."""
    lines = [{**line, **({"receipt_id": stored["receipt_upload"]} if stored.get("receipt_upload") else {})}
             for line, stored in zip(_lines(claim), claim["lines"], strict=True)]
    return {"id": claim["id"], "status": claim["status"], "submitted_at": claim["submitted_at"],
            "total": money_text(claim["total"]), "currency": "EUR", "iban": mask_iban(claim["payee"]["iban"]),
            "lines": lines, "reason": claim.get("reason"),
            **({"question": claim.get("question")} if claim["status"] == "needs_info" else {})}


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
    """What an influencer sees of their claim's steps: each status (`to`, and as `status`) with its time, why it
    was rejected, finance's question and their answer; never who in finance decided (their name stays with
    finance's audit trail)."""
    return [{"status": entry["to"], "to": entry["to"], "at": entry["at"],
             **{key: entry[key] for key in ("question", "answer") if entry.get(key)},
             **({"reason": entry.get("reason")} if entry["to"] == "rejected" else {})}
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
