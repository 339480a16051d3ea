"""The `accounting:` section of `content/expenses.yml`: how claims are booked in DATEV.

Pure (pydantic): `sharewall check` validates it with the expense policy it belongs to, the claims
function writes each payment run's DATEV Buchungsstapel (claims.datev) from it. The numbers are the
company's tax adviser's to confirm: chart of accounts, accounts, tax keys, cost centres.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The German VAT rates a receipt may carry (percent): each needs a tax key, "" books without input tax.
VAT_RATES = ("19", "7", "0")
CHARTS = {"SKR03": "03", "SKR04": "04"}  # the chart's code in the Buchungsstapel header (field 27)
DIGITS = regex.compile(r"[0-9]+")
# DATEV's Buchungstext and KOST fields take letters, digits and a few signs; a cost centre is at most 36 of them
COST_CENTRE = regex.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]{0,35}")
CAMPAIGN = regex.compile(r"[a-z0-9][a-z0-9-]{0,59}")


class Accounting(BaseModel):
    """Who the bookings are for (consultant and client numbers), the chart and its accounts, tax keys, cost centres."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chart: Literal["SKR03", "SKR04"]
    consultant: int = Field(ge=1001, le=9_999_999)  # Beraternummer
    client: int = Field(ge=1, le=99_999)  # Mandantennummer
    fiscal_year_start: str = "01-01"  # MM-DD: when the company's fiscal year (Wirtschaftsjahr) begins
    account_length: int = Field(default=4, ge=4, le=8)  # Sachkontenlänge: digits of a general ledger account
    # where the claims' liability is booked: a general ledger account (account_length digits,
    # e.g. SKR03 1600 / SKR04 3300) or one creditor account (account_length + 1 digits, e.g. 70000)
    payable: str
    tax_keys: dict[str, str]  # VAT rate (percent) -> DATEV BU key; "" books the gross without input tax
    cost_centres: dict[str, str] = Field(default_factory=dict)  # campaign -> KOST1
    default_cost_centre: str | None = None  # KOST1 of a campaign without its own
    initials: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")  # Diktatkürzel
    lock: bool = False  # Festschreibung: the bookings arrive locked (the tax adviser can no longer change them)

    @field_validator("consultant", "client", mode="before")
    @classmethod
    def _number(cls, value: Any, info) -> Any:
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and DIGITS.fullmatch(value))):
            raise ValueError(f"{info.field_name} must be a number, got {value!r}")
        return int(value)

    @field_validator("fiscal_year_start")
    @classmethod
    def _month_day(cls, value: str) -> str:
        found = regex.fullmatch(r"(\d\d)-(\d\d)", value)
        if not found or not 1 <= int(found[1]) <= 12 or not 1 <= int(found[2]) <= 28:
            raise ValueError(f"must be the month and day the fiscal year begins, like 01-01 (day 1-28), got {value!r}")
        return value

    @field_validator("payable", mode="before")
    @classmethod
    def _account_text(cls, value: Any) -> Any:
        return _digits(value, "payable")

    @field_validator("tax_keys", mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("must map each VAT rate to a DATEV tax key, e.g. {19: 9, 7: 8, 0: \"\"}")
        keys: dict[str, str] = {}
        for rate, key in value.items():
            text = _rate(rate)
            if key is None or key == "":
                keys[text] = ""
            elif isinstance(key, bool) or not regex.fullmatch(r"[0-9]{1,4}", str(key)):
                raise ValueError(f"accounting.tax_keys.{rate}: the tax key for {text} % must be 1-4 digits "
                                 f"(a DATEV BU key, e.g. 9) or \"\", got {key!r}")
            else:
                keys[text] = str(key)
        missing = [rate for rate in VAT_RATES if rate not in keys]
        if missing:
            raise ValueError(f"no tax key for the VAT rate(s) {', '.join(r + ' %' for r in missing)}; every rate a receipt "
                             "may carry (19, 7, 0) needs one, \"\" books the gross without input tax")
        return keys

    @field_validator("cost_centres", mode="before")
    @classmethod
    def _centres(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("must map campaigns to cost centres, e.g. {fair-2026: \"100\"}")
        centres = {}
        for campaign, centre in value.items():
            if not isinstance(campaign, str) or not CAMPAIGN.fullmatch(campaign):
                raise ValueError(f"campaign {campaign!r} must be a campaign slug like fair-2026")
            centres[campaign] = _centre(centre, f"accounting.cost_centres.{campaign}: the cost centre")
        return centres

    @field_validator("default_cost_centre", mode="before")
    @classmethod
    def _default_centre(cls, value: Any) -> Any:
        return None if value is None else _centre(value, "default_cost_centre")

    @model_validator(mode="after")
    def _account_lengths(self) -> Accounting:
        if len(self.payable) not in (self.account_length, self.account_length + 1):
            raise ValueError(f"accounting.payable: {self.payable} has {len(self.payable)} digits: a general ledger account has "
                             f"account_length ({self.account_length}), a creditor account {self.account_length + 1}")
        return self

    def check_account(self, account: str, where: str) -> None:
        """ValueError unless `account` is a general ledger account of this chart's length."""
        if len(account) != self.account_length:
            raise ValueError(f"{where}: account {account} has {len(account)} digits, account_length is {self.account_length}")

    def tax_key(self, gross: int, vat: int) -> str | None:
        """The BU key of a line's VAT (cents of gross and VAT), or None when it fits none of the rates.

        A rate fits when the VAT is the gross's share at that rate, to the cent (receipts round once).
        """
        for rate, key in self.tax_keys.items():
            share = Decimal(gross) * Decimal(rate) / (100 + Decimal(rate))
            if abs(share - vat) <= 1:
                return key
        return None

    def cost_centre(self, campaign: str | None) -> str:
        return self.cost_centres.get(campaign or "") or self.default_cost_centre or ""

    def document(self) -> dict[str, Any]:
        """As expenses.yml writes it: what the build publishes."""
        return self.model_dump()


def _rate(value: Any) -> str:
    text = str(value).strip().removesuffix("%").strip().replace(",", ".") if not isinstance(value, bool) else ""
    if not regex.fullmatch(r"\d{1,2}(\.\d{1,2})?", text):
        raise ValueError(f"VAT rate {value!r} must be a percentage like 19 or 7")
    return str(Decimal(text).normalize()) if "." in text else str(int(text))


def _digits(value: Any, name: str) -> str:
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not DIGITS.fullmatch(text) or len(text) > 9:
        raise ValueError(f"{name} must be an account number of up to 9 digits (quote one with a leading 0), got {value!r}")
    return text


def _centre(value: Any, name: str) -> str:
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not COST_CENTRE.fullmatch(text):
        raise ValueError(f"{name} must be 1-36 letters, digits, spaces or . _ / -, got {value!r}")
    return text


def account_text(value: Any, name: str = "account") -> str:
    """A category's expense account as written in expenses.yml (digits; 4600 or "4600")."""
    return _digits(value, name)
