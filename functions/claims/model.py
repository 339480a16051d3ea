"""What an influencer submits and what finance decides: pydantic models, money as integer cents.

Pure: no boto3. The API layer validates request bodies with these models (Powertools
`enable_validation`), the claim rules check them against the expense policy.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Annotated, Any, Literal

import regex
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from sharewall_common.expenses import to_cents, to_rate

UPLOAD_ID = r"^[a-z0-9]{20,40}$"
VAT_ID = regex.compile(r"[A-Z]{2}[A-Z0-9+*.]{2,13}")
# Text people type: no control or format characters (they would break CSV, XML and logs), and nothing
# XML 1.0 cannot hold (lone surrogates, U+FFFE, U+FFFF): any of them in a claim would break the SEPA file.
CONTROL = regex.compile(r"[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029\uFFFE\uFFFF]")
# Multi-line fields (reasons, a claim's note) keep line breaks (LF, CR) and refuse everything else CONTROL does,
# the tab too. An expense line's description stays one line: it is booked as DATEV's Buchungstext.
CONTROL_MULTILINE = regex.compile(r"[^\P{Cc}\n\r]|[\p{Cf}\p{Cs}\u2028\u2029\uFFFE\uFFFF]")
# What payee fields may hold: the EPC's SEPA basic Latin character set, plus the umlauts and ß that the
# German banks' SEPA specification (DK) admits. Banks refuse files with anything else.
SEPA_TEXT = regex.compile(r"[A-Za-z0-9/?:().,'+ \-ÄÖÜäöüß]")
SEPA_ALLOWED = "letters A-Z without accents (umlauts and ß are fine), digits, spaces and / - ? : ( ) . , ' +"

def refusal(code: str, message: str, **params: Any) -> PydanticCustomError:
    """A validation error with its own code (the API's `fields[].code`) and the parameters a page words it with;
    `at` names a field below the one validated (a model validator's error belongs to one of its fields)."""
    return PydanticCustomError(code, "{message}", {"message": message, **params})  # the message is never a template


def _coded(code: str, parse, **params: Any):
    def validate(value: Any) -> Any:
        try:
            return parse(value)
        except ValueError as error:
            raise refusal(code, str(error), **params) from None
    return validate


# Documented as what is read: euros as text ("119.00", "119,00") or a JSON number, never integer cents
AMOUNT_SCHEMA = WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\d{1,9}([.,]\d{1,2})?$"}, {"type": "number"}],
                                "description": 'euros with at most two decimals, e.g. "119.00" (a number is euros too)'})
Cents = Annotated[int, BeforeValidator(_coded("invalid_amount", to_cents)), AMOUNT_SCHEMA]
# Distances, exchange rates and hours as exact decimals with bounded precision, never float
Km = Annotated[Decimal, BeforeValidator(_coded("invalid_number", lambda value: to_rate(value, "distance", 1, Decimal(5000)),
                                               max="5000", places=1))]
ExchangeRate = Annotated[Decimal, BeforeValidator(_coded("invalid_number", lambda value: to_rate(value, "rate", 6, Decimal(100000)),
                                                         max="100000", places=6))]
Hours = Annotated[Decimal, BeforeValidator(_coded("invalid_number", lambda value: to_rate(value, "hours", 2, Decimal(24)),
                                                  max="24", places=2))]


def _plain(value: Any, rule: regex.Pattern = CONTROL) -> Any:
    found = rule.search(value) if isinstance(value, str) else None
    if found:
        raise refusal("control_character", f"must not contain {found[0]!r} (U+{ord(found[0]):04X}): no control characters "
                      "or ones XML cannot hold", character=f"U+{ord(found[0]):04X}")
    return value


# Payee fields reach the SEPA file: refused with the first character a bank would not accept
def _sepa(value: str) -> str:
    for character in value:
        if not SEPA_TEXT.fullmatch(character):
            raise refusal("sepa_character", f"{character!r} (U+{ord(character):04X}) is not in the SEPA character set; "
                          f"use {SEPA_ALLOWED}", character=character)
    return value


Text = Annotated[str, BeforeValidator(_plain)]
MultilineText = Annotated[str, BeforeValidator(lambda value: _plain(value, CONTROL_MULTILINE))]
SepaText = Annotated[Text, AfterValidator(_sepa)]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Address(BaseModel):
    """A structured postal address, as SEPA credit transfers need it from November 2026."""

    model_config = STRICT

    street: SepaText = Field(min_length=1, max_length=70)  # street and house number
    postcode: SepaText = Field(min_length=1, max_length=16)
    town: SepaText = Field(min_length=1, max_length=35)
    country: str = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166 alpha-2, e.g. DE


IBAN_REASONS = {
    "InvalidChecksumDigits": "checksum digits do not match", "InvalidLength": "wrong length for its country",
    "InvalidCountryCode": "unknown country code", "InvalidStructure": "characters or structure do not fit its country",
    "InvalidBBANChecksum": "the account number's check digit does not match", "InvalidBankCode": "unknown bank code",
    "InvalidAccountCode": "invalid account number", "InvalidBranchCode": "invalid branch code",
}


class Payee(BaseModel):
    """Who is paid: the account holder, their address and IBAN; a business also gives its VAT id."""

    model_config = STRICT

    kind: Literal["private", "business"]
    holder: SepaText = Field(min_length=2, max_length=70)
    address: Address
    iban: str = Field(min_length=15, max_length=42)
    vat_id: Text | None = Field(default=None, max_length=20)

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        try:
            iban = IBAN(value)
        except SchwiftyException as error:
            # schwifty's own text may quote the IBAN; the reason by the kind of error never does
            raise refusal("iban_invalid", f"is not a valid IBAN ({IBAN_REASONS.get(type(error).__name__, 'not an IBAN')})") from None
        if not iban.in_sepa_zone:
            raise refusal("iban_not_sepa", f"is from {iban.country_code}, outside the SEPA zone; we can only pay SEPA accounts",
                          country=iban.country_code)
        return iban.compact

    @field_validator("vat_id")
    @classmethod
    def _vat_id(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        compact = value.replace(" ", "").upper()
        if not VAT_ID.fullmatch(compact):
            raise refusal("vat_id_invalid", "must be a VAT id like DE123456789 (country code, then 2-13 letters or digits)")
        return compact

    @model_validator(mode="after")
    def _business_vat(self) -> Payee:
        if self.kind == "business" and not self.vat_id:
            raise refusal("vat_id_required", "vat_id is required when the payee is a business", at="vat_id")
        return self


class Route(BaseModel):
    """Where a mileage line drove: from where to where (towns or addresses)."""

    model_config = STRICT

    start: Text = Field(alias="from", min_length=1, max_length=70)
    to: Text = Field(min_length=1, max_length=70)


class Line(BaseModel):
    """One expense: when, what kind, what for, how much (gross, of which VAT) and its receipt.

    Lines the policy prices leave `gross` out (the server computes it; a differing one is refused):
    mileage gives `distance` and `route`; per-diem the travel days `date`..`until` (`hours` for a single
    day, `country` when not the policy's first); a receipt in another currency `original_amount` and
    `rate` (EUR per unit on the expense date) with that `currency`.
    """

    model_config = STRICT

    date: dt.date
    category: Text = Field(min_length=1, max_length=40)
    description: Text = Field(min_length=1, max_length=140)
    gross: Cents | None = Field(default=None, gt=0, le=100_000_00)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    vat: Cents = Field(default=0, ge=0)
    receipt: str | None = Field(default=None, pattern=UPLOAD_ID)  # an upload id from POST /claims/uploads
    original_amount: Cents | None = Field(default=None, gt=0, le=100_000_000_00)
    rate: ExchangeRate | None = None
    distance: Km | None = None
    route: Route | None = None
    until: dt.date | None = None
    hours: Hours | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")

    @model_validator(mode="after")
    def _vat_within_gross(self) -> Line:
        if self.gross is not None and self.vat > self.gross:
            raise refusal("vat_over_gross", "vat must not be more than the gross amount", at="vat")
        return self


class ClaimIn(BaseModel):
    """The body of POST /claims."""

    model_config = STRICT

    payee: Payee
    lines: list[Line] = Field(min_length=1, max_length=40)
    note: MultilineText | None = Field(default=None, max_length=500)


class ClaimCorrectionIn(ClaimIn):
    """The body of PUT /claims/{id}: the whole corrected claim, and the answer to finance's question."""

    answer: MultilineText | None = Field(default=None, max_length=1000)


class UploadIn(BaseModel):
    """The body of POST /claims/uploads: what the browser is about to upload."""

    model_config = STRICT

    filename: Text = Field(min_length=1, max_length=120)
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: StrictInt = Field(gt=0, le=10 * 1024 * 1024)


class DecisionIn(BaseModel):
    """The body of POST /claims/{id}/decision: an action from the status finance saw (ask: a question to the
    influencer instead of a rejection; the claim waits in needs_info for their correction)."""

    model_config = STRICT

    action: Literal["approve", "reject", "ask", "pay"]
    expected: Literal["submitted", "approved"]
    reason: MultilineText | None = Field(default=None, max_length=500)
    question: MultilineText | None = Field(default=None, max_length=1000)
    confirm_flags: StrictBool = False  # "yes" or 1 is not true: only JSON true confirms
    confirm_duplicates: StrictBool = Field(default=False, description="the old name of confirm_flags")

    @model_validator(mode="after")
    def _what_each_action_needs(self) -> DecisionIn:
        if self.action == "reject" and not (self.reason or "").strip():
            raise refusal("required", "reason is required to reject a claim", at="reason")
        if self.action == "ask" and not (self.question or "").strip():
            raise refusal("required", "question is required to ask the influencer", at="question")
        return self

    @property
    def flags_confirmed(self) -> bool:
        """Finance checked the claim's flags (under either name of the field)."""
        return self.confirm_flags or self.confirm_duplicates


class BulkClaimIn(BaseModel):
    """One claim of a bulk approval: its id, the status finance saw, whether its flags were checked."""

    model_config = STRICT

    id: str = Field(pattern=r"^[a-f0-9]{24}$")
    expected: Literal["submitted"]
    confirm_flags: StrictBool = False
    confirm_duplicates: StrictBool = Field(default=False, description="the old name of confirm_flags")


class BulkDecisionIn(BaseModel):
    """The body of POST /claims/decisions: the claims finance ticked, approved one by one under the same rules."""

    model_config = STRICT

    action: Literal["approve"]
    claims: list[BulkClaimIn] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _each_claim_once(self) -> BulkDecisionIn:
        ids = [claim.id for claim in self.claims]
        if len(set(ids)) != len(ids):
            twice = next(claim_id for index, claim_id in enumerate(ids) if claim_id in ids[:index])
            raise refusal("duplicate_claim", f"claim {twice} is listed twice", at="claims", claim=twice)
        return self

    # Each ticked claim as the decision it stands for, for the one decision function both routes call
    def decisions(self) -> list[tuple[str, DecisionIn]]:
        return [(claim.id, DecisionIn(action=self.action, expected=claim.expected, confirm_flags=claim.confirm_flags,
                                      confirm_duplicates=claim.confirm_duplicates)) for claim in self.claims]


class RunIn(BaseModel):
    """The body of POST /payment-runs (optional): the execution date the run asks the bank for."""

    model_config = STRICT

    execution_date: dt.date | None = Field(default=None, description="YYYY-MM-DD, a TARGET2 business day after today "
                                           "(the site's timezone); default the next one")


class RunDecisionIn(BaseModel):
    """The body of POST /payment-runs/{id}/decision: the bank executed the run (and when), or it is cancelled."""

    model_config = STRICT

    action: Literal["paid", "cancel"]
    executed: dt.date | None = None  # the bank's execution date (YYYY-MM-DD), required for paid
    reason: MultilineText | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _what_each_action_needs(self) -> RunDecisionIn:
        if self.action == "paid" and self.executed is None:
            raise refusal("required", "executed (the bank's execution date, YYYY-MM-DD) is required to confirm a run paid",
                          at="executed")
        if self.action == "cancel" and not (self.reason or "").strip():
            raise refusal("required", "reason is required to cancel a run", at="reason")
        return self


def interface_languages() -> tuple[str, ...]:
    """The site's interface languages (env INTERFACE_LANGUAGES: mkdocs.yml's theme language, then its alternates;
    a test keeps them equal): the claim pages an invite may open, the first at the site's root."""
    return tuple(part.strip() for part in os.environ.get("INTERFACE_LANGUAGES", "de,en").split(",") if part.strip())


# An invite's language must be one of the interface languages; refused naming the field otherwise
def _interface_language(value: str) -> str:
    if value not in interface_languages():
        raise refusal("not_allowed", f"must be one of {', '.join(interface_languages())}, got {value[:10]!r}")
    return value


# Documented as the enum of the interface languages (as template.yaml gives them)
InterfaceLanguage = Annotated[str, Field(max_length=10, json_schema_extra=lambda schema: schema.update(
    enum=list(interface_languages())), description="the claim page's language; when not given the first, at the "
    "site's root"), AfterValidator(_interface_language)]


class InviteIn(BaseModel):
    """The body of POST /invites: who is invited, for which campaign, for how long, in which language
    (of the claim page the link opens; German when not given), and whether the link is mailed to `email`
    (the address is used to send and never stored)."""

    model_config = STRICT

    name: Text = Field(min_length=1, max_length=80)
    email: Text | None = Field(default=None, max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
    send_email: StrictBool = False
    campaign: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")
    days: StrictInt = Field(default=30, ge=1, le=90)
    language: InterfaceLanguage = Field(default_factory=lambda: interface_languages()[0])

    # Mailing the link needs somewhere to send it: refused naming `email`, not mailed to nobody
    @model_validator(mode="after")
    def _address_to_mail(self) -> InviteIn:
        if self.send_email and not self.email:
            raise refusal("required", "email is required to send the invite by e-mail", at="email")
        return self
