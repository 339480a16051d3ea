"""The expense policy (`content/expenses.yml`) and money as integer cents.

Pure Python (pydantic + PyYAML): `sharewall check` validates the file with it and the claims
function enforces it. Influencers are reimbursed for expenses, never paid a fee: a category whose
key or label reads like a fee, honorarium or wage is rejected.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sharewall_common.accounting import Accounting, account_text

CENT = Decimal("0.01")
CATEGORY_KEY = regex.compile(r"[a-z][a-z0-9-]{0,39}")
# Words that name payment for work, in German and English: such categories are not expenses.
FEE_WORDS = regex.compile(
    r"\b(fees?|wages?|salary|salaries|stipends?|bonus|payments?|gagen?|day[- ]?rates?|remuneration)\b"
    r"|honorar|gehalt|verg[uü]tung|lohn\b|\blohn|tagess[aä]tze?|bezahlung",
    regex.IGNORECASE,
)


# --- money ------------------------------------------------------------------------------------


def to_cents(value: Any, name: str = "amount") -> int:
    """An amount as written by people ('12.50', 12, '12,50') -> integer cents; no float arithmetic."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} must be an amount like 12.50, got {value!r}")
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float: '12.5', never '12.4999…'
    text = str(value).strip().replace(",", ".") if isinstance(value, (str, int, Decimal)) else None
    if text is None or not regex.fullmatch(r"-?\d{1,9}(\.\d{1,2})?", text):
        raise ValueError(f"{name} must be an amount with at most two decimals like 12.50, got {value!r}")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{name} must be an amount like 12.50, got {value!r}") from None
    return int((amount / CENT).to_integral_value(ROUND_HALF_EVEN))


def to_rate(value: Any, name: str, places: int, maximum: Decimal) -> Decimal:
    """A positive decimal as written by people ('0.30', '1.0845', '12,5') with at most `places` decimals, up to `maximum`."""
    if isinstance(value, float):
        value = repr(value)  # as for amounts: the float's shortest text, never its binary expansion
    text = str(value).strip().replace(",", ".") if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) else ""
    if not regex.fullmatch(rf"\d{{1,9}}(\.\d{{1,{places}}})?", text) or not 0 < Decimal(text) <= maximum:
        raise ValueError(f"{name} must be a positive number up to {maximum} with at most {places} decimals, got {value!r}")
    return Decimal(text)


def to_decimal(cents: int) -> Decimal:
    """Integer cents -> Decimal quantized to two places (for display and export)."""
    return (Decimal(cents) * CENT).quantize(CENT)


def money_text(cents: int) -> str:
    """Integer cents -> '12.50'."""
    return str(to_decimal(cents))


# --- the policy -------------------------------------------------------------------------------


KM_RATE_MAX = Decimal("5.00")  # EUR per km: far above any real mileage rate, a typo guard


class Category(BaseModel):
    """One kind of expense: a label per language, a limit per claim, whether lines need a receipt.

    kind: receipt (the influencer enters the amount), mileage (km x `rate`), per_diem (the policy's
    `per_diem` table by travel days); the last two are priced by the claims function, without receipt.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: dict[str, str] = Field(min_length=1)
    limit: int = Field(gt=0)  # cents: the most one claim, and all claims of one invite together, may hold
    receipt: bool = True
    kind: Literal["receipt", "mileage", "per_diem"] = "receipt"
    rate: Decimal | None = None  # mileage only: EUR per km, e.g. 0.30
    account: str | None = None  # the expense account lines of this category are booked to (DATEV export)

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: Any) -> Any:
        return None if value is None else account_text(value)

    @field_validator("limit", mode="before")
    @classmethod
    def _cents(cls, value: Any) -> int:
        return to_cents(value, "limit")

    @field_validator("rate", mode="before")
    @classmethod
    def _km_rate(cls, value: Any) -> Decimal | None:
        return None if value is None else to_rate(value, "rate", 3, KM_RATE_MAX)

    # mileage needs its rate; priced lines have no receipt to require
    @model_validator(mode="after")
    def _kind_fields(self) -> Category:
        if self.kind == "mileage" and self.rate is None:
            raise ValueError("a mileage category needs rate: the EUR per km, e.g. \"0.30\"")
        if self.kind != "mileage" and self.rate is not None:
            raise ValueError(f"rate is the EUR per km of a mileage category; this one is kind {self.kind}")
        if self.kind != "receipt" and self.receipt:
            raise ValueError(f"a {self.kind} category is priced by the policy without receipt: set receipt: false")
        return self

    @field_validator("label")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for language, text in value.items():
            if not regex.fullmatch(r"[a-z]{2}", str(language)):
                raise ValueError(f"language {language!r} is not a two-letter code like de or en")
            if not isinstance(text, str) or not text.strip() or len(text) > 60:
                raise ValueError(f"label for {language} must be 1-60 characters of text")
            if FEE_WORDS.search(text):
                raise ValueError(f"label {text!r} names a fee or payment for work; only expenses are reimbursed")
        return value

    def public(self) -> dict[str, Any]:
        """The category's fields as expenses.yml writes them (money and rates as decimal strings)."""
        return {"label": self.label, "limit": money_text(self.limit), "receipt": self.receipt, "kind": self.kind,
                **({"rate": str(self.rate)} if self.rate is not None else {})}


class DayRates(BaseModel):
    """German per-diem (Verpflegungsmehraufwand) of one country: a full day away, and the partial rate of a
    day of departure or arrival or of a single day away more than 8 hours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    full: int = Field(gt=0)  # cents
    partial: int = Field(gt=0)  # cents

    @field_validator("full", "partial", mode="before")
    @classmethod
    def _cents(cls, value: Any, info) -> int:
        return to_cents(value, info.field_name)

    @model_validator(mode="after")
    def _partial_below_full(self) -> DayRates:
        if self.partial > self.full:
            raise ValueError(f"partial ({money_text(self.partial)}) must not be more than full ({money_text(self.full)})")
        return self


class ExpensePolicy(BaseModel):
    """`content/expenses.yml`: what influencers may claim, reviewed by pull request like posts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str = "EUR"  # claims are paid by SEPA credit transfer, so in euros
    max_age_days: int = Field(ge=1, le=730)  # an expense older than this (at submission) is refused
    max_lines: int = Field(default=20, ge=1, le=40)
    # an invite's claims together over a category's limit: finance sees a flag, or the claim is refused
    across_claims: Literal["flag", "refuse"] = "flag"
    categories: dict[str, Category] = Field(min_length=1)
    # per-diem rates by country (ISO 3166 alpha-2); the first is the default for a line without country
    per_diem: dict[str, DayRates] = Field(default_factory=dict)
    # currencies (ISO 4217, besides EUR) receipts may be in: converted to EUR at the influencer's rate, checked by finance
    receipt_currencies: list[str] = Field(default_factory=list, max_length=40)
    accounting: Accounting | None = None  # how claims are booked (DATEV); without it runs have no DATEV file

    @field_validator("per_diem", mode="before")
    @classmethod
    def _countries(cls, value: Any) -> Any:
        bad = [key for key in (value if isinstance(value, dict) else []) if not regex.fullmatch(r"[A-Z]{2}", str(key))]
        if bad:
            raise ValueError(f"countries {bad} must be ISO 3166 codes like DE or FR")
        return value

    @field_validator("receipt_currencies")
    @classmethod
    def _receipt_currencies(cls, value: list[str]) -> list[str]:
        import pycountry  # only when a policy names foreign currencies

        for code in value:
            if code == "EUR":
                raise ValueError("EUR is the claims' own currency; list only the other currencies receipts may be in")
            if not regex.fullmatch(r"[A-Z]{3}", code) or pycountry.currencies.get(alpha_3=code) is None:
                raise ValueError(f"{code!r} is not an ISO 4217 currency code like USD, GBP or CHF")
        if len(set(value)) != len(value):
            raise ValueError("each currency may be listed once")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value != "EUR":
            raise ValueError(f"currency must be EUR (claims are paid by SEPA credit transfer), got {value!r}")
        return value

    # before the categories themselves: a fee category is refused whatever else is wrong with it
    @field_validator("categories", mode="before")
    @classmethod
    def _category_keys(cls, value: Any) -> Any:
        keys = list(value) if isinstance(value, dict) else []
        bad = [key for key in keys if not isinstance(key, str) or not CATEGORY_KEY.fullmatch(key)]
        if bad:
            raise ValueError(f"category keys {bad} must be slugs: lower-case letters, digits and '-'")
        fees = [key for key in keys if FEE_WORDS.search(key)]
        if fees:
            raise ValueError(f"categories {fees} name a fee or payment for work; influencers are reimbursed for expenses only")
        return value

    @model_validator(mode="after")
    def _same_languages(self) -> ExpensePolicy:
        languages = {frozenset(category.label) for category in self.categories.values()}
        if len(languages) > 1:
            raise ValueError("every category needs a label in the same languages")
        per_diem = [key for key, category in self.categories.items() if category.kind == "per_diem"]
        if per_diem and not self.per_diem:
            raise ValueError(f"category {per_diem[0]} is kind per_diem: the policy needs a per_diem table "
                             "(e.g. per_diem: {DE: {full: \"28.00\", partial: \"14.00\"}})")
        return self

    # with an accounting section every category is booked somewhere, to an account of the chart's length
    @model_validator(mode="after")
    def _category_accounts(self) -> ExpensePolicy:
        if self.accounting is None:
            return self
        for key, category in self.categories.items():
            if category.account is None:
                raise ValueError(f"categories.{key}.account: missing; with an accounting section every category needs "
                                 "the expense account its lines are booked to (e.g. SKR03 4600, SKR04 6600)")
            self.accounting.check_account(category.account, f"categories.{key}.account")
        return self

    def public(self) -> dict[str, Any]:
        """What the claim form shows: categories with labels, limits as decimal strings, receipt rule."""
        return {
            "currency": self.currency,
            "max_age_days": self.max_age_days,
            "max_lines": self.max_lines,
            "across_claims": self.across_claims,
            "categories": [{"key": key, **category.public()} for key, category in self.categories.items()],
            **self._kinds(),
        }

    def _kinds(self) -> dict[str, Any]:
        """The per-diem table and the receipt currencies, as expenses.yml writes them."""
        return {"per_diem": {country: {"full": money_text(rates.full), "partial": money_text(rates.partial)}
                             for country, rates in self.per_diem.items()},
                "receipt_currencies": list(self.receipt_currencies)}


    def document(self) -> dict[str, Any]:
        """The policy as expenses.yml writes it (limits as '600.00'): what the build publishes."""
        return {
            "currency": self.currency, "max_age_days": self.max_age_days, "max_lines": self.max_lines,
            "across_claims": self.across_claims,
            "categories": {key: {**category.public(), **({"account": category.account} if category.account else {})}
                           for key, category in self.categories.items()},
            **self._kinds(),
            **({"accounting": self.accounting.document()} if self.accounting else {}),
        }


PUBLISHED_NAME = "expenses.json"  # the build writes sharewall/expenses.json; the claims function reads it


def published_policy(text: str) -> bytes:
    """The text of expenses.yml, validated (PolicyError), as the JSON the build publishes next to the site."""
    return json.dumps(load_policy(text).document(), ensure_ascii=False).encode("utf-8")


def policy_from_published(data: bytes) -> ExpensePolicy:
    """The policy from the published JSON, validated by the same model as expenses.yml (ValueError if not one)."""
    return ExpensePolicy.model_validate(json.loads(data))


class PolicyError(ValueError):
    """expenses.yml is invalid: `problems` holds (line, message) pairs, every one of the file."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {message}" for line, message in problems))
        self.problems = problems


def load_policy(text: str) -> ExpensePolicy:
    """Parse and validate the text of expenses.yml; raise PolicyError locating every problem."""
    try:
        lines, data = _parse(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PolicyError([(mark.line + 1 if mark else 1, f"YAML error: {getattr(error, 'problem', error)}")]) from None
    if not isinstance(data, dict):
        raise PolicyError([(1, "expenses.yml must be a mapping with currency, max_age_days and categories")])
    try:
        return ExpensePolicy.model_validate(data)
    except ValidationError as error:
        raise PolicyError([(_line(lines, _where(e)), _message(e)) for e in error.errors()]) from None


# One parse gives both the data and the line of every key (read before constructing: merge keys rewrite the nodes)
def _parse(text: str) -> tuple[dict[tuple, int], Any]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return _node_lines(node), (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _node_lines(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """1-based line of every key in the YAML document, by its path of keys."""
    found: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue  # a list or mapping as key: constructing the document refuses it right after
            here = (*path, key.value)
            found[here] = key.start_mark.line + 1
            found.update(_node_lines(value, here))
    return found


NAMED = regex.compile(r"(?:Value error, )?([a-z_]+(?:\.[A-Za-z0-9_-]+)+): ")


def _where(error: dict) -> tuple:
    """The error's path; a check across fields names the field it is about first: 'categories.x.account: …'."""
    loc, named = tuple(str(part) for part in error["loc"]), NAMED.match(error["msg"])
    path = tuple(named[1].split(".")) if named else ()
    return path if path[:len(loc)] == loc else loc


def _line(lines: dict[tuple, int], loc: tuple) -> int:
    parts = tuple(str(part) for part in loc)
    for end in range(len(parts), 0, -1):
        if parts[:end] in lines:
            return lines[parts[:end]]
    return 1


def _message(error: dict) -> str:
    name = ".".join(str(part) for part in error["loc"]) or "expenses.yml"
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "extra_forbidden":
        return f"unknown field '{name}'"
    if kind == "greater_than":
        return f"{name} must be greater than 0, got {value!r}"
    message = error["msg"].removeprefix("Value error, ")
    return message if NAMED.match(message) and _where(error) != tuple(error["loc"]) else f"{name}: {message}"
