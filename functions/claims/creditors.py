"""DATEV creditor accounts (Personenkonten): one per payee, from the stack's DatevCreditorAccounts range.

A payee is the same IBAN and account holder (the holder compared without case and extra spaces). It is
kept as a keyed hash (sharewall_common.pseudonym), never the IBAN itself; the account it was given first
stays its account in every later run, also after the range changed (claims.store.creditor_account).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from datetime import datetime, timezone

import regex

from sharewall_common.pseudonym import pseudonym

from sharewall_common.accounting import Accounting

from claims import datev, store
from claims.datev import DatevError

SCOPE = "datev-creditor"
RANGE = regex.compile(r"([1-9][0-9]{4,8})-([1-9][0-9]{4,8})")

AccountsExhausted = store.AccountsExhausted


# DatevCreditorAccounts, e.g. 70000-79999: empty books every line against expenses.yml's payable account instead
def account_range() -> tuple[int, int] | None:
    value = os.environ.get("DATEV_CREDITOR_ACCOUNTS", "").strip()
    if not value:
        return None
    match = RANGE.fullmatch(value)
    if not match or int(match[1]) > int(match[2]) or len(match[1]) != len(match[2]):
        raise DatevError(f"DATEV_CREDITOR_ACCOUNTS (the stack's DatevCreditorAccounts) is {value[:30]!r}; it takes "
                         "a range of accounts of one length, lowest first, e.g. 70000-79999")
    return int(match[1]), int(match[2])


def payee_key(payee: dict) -> str:
    """The keyed hash that stands for the payee: its IBAN and its holder (case and spacing aside)."""
    holder = " ".join(unicodedata.normalize("NFC", str(payee["holder"])).casefold().split())
    iban = "".join(str(payee["iban"]).split()).upper()
    return pseudonym(f"{iban}\x1f{holder}", SCOPE)


def accounts(accounting: Accounting | None) -> Callable[[dict], str] | None:
    """A claim -> its payee's creditor account (given on first use, each payee asked once per file); None when
    no range is configured (or no accounting section: the writer says so). A range whose accounts DATEV would
    refuse (not one digit longer than `account_length`) is refused before any account is given."""
    bounds = account_range()
    if bounds is None or accounting is None:
        return None
    datev.creditor_account(str(bounds[0]), accounting)
    known: dict[str, str] = {}
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def account_of(claim: dict) -> str:
        key = payee_key(claim["payee"])
        if key not in known:
            known[key] = str(store.creditor_account(key, *bounds, at=at))
        return known[key]

    return account_of
