"""The claim rules: policy violations per line, duplicate keys, the status machine, masking.

Pure: no boto3, no clock (callers pass `today`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field as dataclass_field
from datetime import date, timedelta

from claims import pricing
from claims.model import ClaimIn
from sharewall_common.expenses import ExpensePolicy, money_text

# action -> (the statuses it starts from, the status it leads to): finance's decisions (ask: finance asks the
# influencer a question instead of rejecting) and the influencer's (resubmit: the corrected claim goes back to
# finance; withdraw: the influencer takes it back before a decision)
TRANSITIONS = {
    "approve": (("submitted",), "approved"),
    "reject": (("submitted",), "rejected"),
    "ask": (("submitted",), "needs_info"),
    "pay": (("approved",), "paid"),
    "resubmit": (("needs_info",), "submitted"),
    "withdraw": (("submitted", "needs_info"), "withdrawn"),
}
# in_payment: in a payment run (claims.runs); needs_info: finance asked a question; withdrawn: taken back
STATUSES = ("submitted", "needs_info", "approved", "in_payment", "rejected", "paid", "withdrawn")
RELEASED = ("rejected", "withdrawn")  # claims in these no longer count towards the invite's limits or per-diem days


@dataclass(frozen=True)
class Violation:
    """A rule a claim breaks: `line` is the 0-based line index (None for the whole claim); `code` and `params`
    say it for pages (the API's `fields[]`), `message` for people reading the API or logs."""

    line: int | None
    field: str
    message: str
    code: str = "invalid"
    params: dict[str, str] = dataclass_field(default_factory=dict)

    def as_field(self) -> dict[str, str]:
        """`{"field": "lines[2].gross", "code": …, **params}`"""
        where = f"lines[{self.line}].{self.field}" if self.line is not None else self.field
        return {"field": where, "code": self.code, **self.params}


class TransitionError(ValueError):
    """The action is not possible from the expected status (or the expected status is wrong)."""


def violations(claim: ClaimIn, policy: ExpensePolicy, today: date, receipts: set[int] | None = None) -> list[Violation]:
    """Every policy rule the claim breaks, one message per line and field; empty when it may be submitted.

    `receipts` holds the indexes of lines whose receipt upload exists; None skips that check.
    """
    found: list[Violation] = []
    if len(claim.lines) > policy.max_lines:
        found.append(Violation(None, "lines", f"a claim holds at most {policy.max_lines} lines, got {len(claim.lines)}",
                               "too_many_lines", {"max": str(policy.max_lines)}))
    oldest = today - timedelta(days=policy.max_age_days)
    for index, line in enumerate(claim.lines):
        category = policy.categories.get(line.category)
        if category is None:
            allowed = ", ".join(policy.categories)
            found.append(Violation(index, "category", f"category '{line.category}' is not in the expense policy (allowed: {allowed})",
                                   "category_unknown"))
        if line.currency != policy.currency:
            found.append(Violation(index, "currency", f"currency must be {policy.currency}, got {line.currency}",
                                   "currency_not_allowed", {"currency": line.currency}))
        if line.date > today:
            found.append(Violation(index, "date", f"date {line.date} is in the future", "date_in_future"))
        elif line.until is not None and line.until > today:
            found.append(Violation(index, "until", f"the last travel day {line.until} is in the future", "date_in_future"))
        elif line.date < oldest:
            found.append(Violation(index, "date", f"date {line.date} is older than {policy.max_age_days} days (expenses before {oldest} cannot be claimed)",
                                   "date_too_old", {"days": str(policy.max_age_days), "oldest": oldest.isoformat()}))
        if category is not None and category.receipt and line.receipt is None:
            found.append(Violation(index, "receipt", f"a receipt is required for {line.category}: upload a PDF, JPEG or PNG",
                                   "receipt_required", {"category": line.category}))
        elif line.receipt is not None and receipts is not None and index not in receipts:
            found.append(Violation(index, "receipt", "the receipt upload was not found (upload it again)", "receipt_missing"))
    for name, total in category_totals(claim, policy).items():
        limit = policy.categories[name].limit
        if total > limit:
            for index, line in enumerate(claim.lines):
                if line.category == name:
                    found.append(Violation(index, "gross", f"{name} totals {money_text(total)} {policy.currency} in this claim, over the limit of {money_text(limit)} {policy.currency}",
                                           "category_limit", {"category": name, "limit": money_text(limit), "total": money_text(total)}))
    return found


def priced(claim: ClaimIn, policy: ExpensePolicy) -> tuple[ClaimIn, list[Violation], list[dict]]:
    """The claim with every line's gross in EUR cents as the server computes it (mileage, per-diem, other
    currencies), the problems of the kinds' fields, and per line what to store besides the usual fields."""
    lines, found, kept = [], [], []
    for index, line in enumerate(claim.lines):
        cents, problems, extra = pricing.amount(line, policy)
        found += [Violation(index, name, message, code, params) for name, code, message, params in problems]
        lines.append(line.model_copy(update={"gross": cents or 0, "currency": policy.currency}))
        kept.append(extra)
    return claim.model_copy(update={"lines": lines}), found, kept


def per_diem_overlaps(claim: ClaimIn, kept: list[dict], others: list[tuple[date, date]]) -> list[Violation]:
    """Per-diem lines whose travel days overlap another line of the claim or a per-diem of the invite's other claims."""
    mine = [(index, line.date, date.fromisoformat(extra["until"]))
            for index, (line, extra) in enumerate(zip(claim.lines, kept)) if extra.get("kind") == "per_diem"]
    periods = [(first, last) for _, first, last in mine] + others
    found = []
    for i, j in pricing.periods_overlap(periods):
        if i >= len(mine):
            continue  # two earlier claims overlapping each other are not this claim's fault
        index, first, last = mine[i]
        where = f"line {mine[j][0] + 1} of this claim" if j < len(mine) else "a per-diem of another claim of this invite"
        found.append(Violation(index, "until", f"travel days {first} to {last} overlap {where}: each day counts once",
                               "per_diem_overlap", {"line": str(mine[j][0] + 1)} if j < len(mine) else {}))
    return found


def category_totals(claim: ClaimIn, policy: ExpensePolicy) -> dict[str, int]:
    """Cents per policy category in the claim (lines in another currency or category count nowhere)."""
    totals: dict[str, int] = defaultdict(int)
    for line in claim.lines:
        if line.category in policy.categories and line.currency == policy.currency:
            totals[line.category] += line.gross
    return dict(totals)


def over_invite_limits(claim: ClaimIn, policy: ExpensePolicy, before: dict[str, int]) -> dict[str, int]:
    """Category -> the invite's total with this claim, where its claims together go over the category's limit.

    `before`: cents per category of the invite's other claims that are not rejected.
    """
    over = {}
    for name, cents in category_totals(claim, policy).items():
        total = before.get(name, 0) + cents
        if total > policy.categories[name].limit:
            over[name] = total
    return over


def across_claims(claim: ClaimIn, policy: ExpensePolicy, over: dict[str, int]) -> list[Violation]:
    """One violation per line of a category whose limit the invite's claims together would pass."""
    found = []
    for index, line in enumerate(claim.lines):
        if line.category in over:
            limit = policy.categories[line.category].limit
            found.append(Violation(index, "gross", f"{line.category}: the claims of this invite would total "
                                   f"{money_text(over[line.category])} {policy.currency}, over the limit of "
                                   f"{money_text(limit)} {policy.currency} for all claims of one invite",
                                   "invite_limit", {"category": line.category, "limit": money_text(limit),
                                                    "total": money_text(over[line.category])}))
    return found


def receipt_key(data: bytes) -> str:
    """Same receipt bytes in any claim -> same key."""
    return hashlib.sha256(data).hexdigest()


def payment_key(iban: str, day: date, gross: int, currency: str) -> str:
    """Same payee (IBAN), date, amount and currency -> same key; a hash, so the IBAN is not in the key."""
    return hashlib.sha256(f"{iban}|{day.isoformat()}|{gross}|{currency}".encode()).hexdigest()


def transition(action: str, expected: str, current: str) -> str:
    """The status `action` leads to, when the claim is (still) in the status the caller expected."""
    starts, end = TRANSITIONS[action]
    if expected not in starts:
        raise TransitionError(f"{action} is only possible from {' or '.join(starts)}, not from {expected}")
    if current != expected:
        raise TransitionError(f"the claim is {current}, not {expected}: someone decided already; reload it")
    return end


def approvers(audit: list[dict]) -> set[str]:
    """Who approved the claim (pseudonyms, from its audit trail): none of them may also mark it paid.

    A cancelled run putting the claim back to approved (from in_payment) is no approval."""
    return {entry["actor"] for entry in audit
            if entry.get("to") == "approved" and entry.get("from") != "in_payment" and entry.get("actor")}


def mask_iban(iban: str) -> str:
    """DE89370400440532013000 -> 'DE89 •••• 3000': enough to recognise, not enough to pay."""
    return f"{iban[:4]} •••• {iban[-4:]}"
