"""Exports of approved claims: CSV for accounting and a SEPA credit transfer file (pain.001.001.09).

Pure but for the words of the CSV for people, which the build publishes from the catalogues
(`sharewall/claims-csv.json`, read like the invite mail's texts by `sharewall_common.published`).
Claims come as the dicts `claims.store` returns (money in integer cents).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from typing import NamedTuple
from xml.etree import ElementTree

import regex
from aws_lambda_powertools import Logger
from pydantic import TypeAdapter, ValidationError
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from claims.model import Payee, SepaText
from sharewall_common.csv_text import csv_text
from sharewall_common.expenses import money_text
from sharewall_common.published import Published, Unavailable

SEPA_SCHEMA = "pain.001.001.09"
CHARSETS = ("dk", "basic")  # SEPA_CHARSET: the DK's German set (umlauts and ß), or the EPC's basic Latin
# EPC basic Latin for the only letters the DK set adds (payee and payer text is limited to the DK set: claims.model)
BASIC_LATIN = str.maketrans({"Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
MAX_CENTS = 999_999_999_99  # the largest amount a pain.001 transaction holds
CSV_COLUMNS = (
    "claim", "status", "submitted", "campaign", "payee", "kind", "vat_id", "iban", "street", "postcode",
    "town", "country", "line", "date", "category", "description", "gross", "vat", "currency", "receipt",
    "duplicate_suspected",
)

class CsvDialect(NamedTuple):
    """How one spreadsheet world writes the same rows: headings, separator, dates, amounts and yes/no."""

    columns: tuple[str, ...]
    delimiter: str
    date: Callable[[str], str]
    amount: Callable[[int], str]
    yes_no: tuple[str, str]


# Amounts as '12.50', dates as ISO, keys as stored, English headings: the international file for import tools
INTERNATIONAL = CsvDialect(CSV_COLUMNS, ",", str, money_text, ("yes", "no"))


class Labels(NamedTuple):
    """What a spreadsheet for people says in one language: headings, statuses, payee kinds, yes/no (the statuses and
    kinds as the claim page and finance's page say them: the build publishes them from those catalogue keys)."""

    columns: tuple[str, ...]
    statuses: dict[str, str]
    kinds: dict[str, str]
    yes_no: tuple[str, str]


PUBLISHED_NAME = "claims-csv.json"  # the build writes sharewall/claims-csv.json from the catalogues (claims_csv, …)
FALLBACK_LABELS = "en"  # an interface language the file has no words for: English words, its own formats
# The file unreadable and no copy at hand: the standard CSV's own English words (column keys, statuses and kinds as
# stored), still in the language's formats; the export answers, as the invite does without its mail texts
KEYS = Labels(CSV_COLUMNS, {}, {}, INTERNATIONAL.yes_no)

logger = Logger(service="claims", child=True)


# The published words by language; ValueError (the copy at hand is kept) when the file is no such mapping
def _labels_from_published(data: bytes) -> dict[str, Labels]:
    texts, labels = json.loads(data), {}
    if not isinstance(texts, dict):
        raise ValueError(f"{PUBLISHED_NAME} must map languages to their words")
    for language, words in texts.items():
        try:
            columns = tuple(words["columns"][key] for key in CSV_COLUMNS)
            yes_no, statuses, kinds = tuple(words["yes_no"]), dict(words["statuses"]), dict(words["kinds"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{PUBLISHED_NAME}: {language}: no {error} among columns, yes_no, statuses, kinds") from None
        texts_given = [*columns, *yes_no, *statuses.values(), *kinds.values()]
        if len(yes_no) != 2 or not all(isinstance(text, str) for text in texts_given):
            raise ValueError(f"{PUBLISHED_NAME}: {language}: every word must be a text, yes_no two of them")
        labels[language] = Labels(columns, statuses, kinds, yes_no)
    return labels


published = Published(PUBLISHED_NAME, _labels_from_published, service="claims")


# The words of `language`'s spreadsheet: its own, else English, else (nothing published) the standard CSV's
def labels_for(language: str) -> Labels:
    try:
        labels = published.get()
    except Unavailable:
        logger.warning("claims CSV in the standard words: its published words cannot be read",
                       extra={"language": language})
        return KEYS
    return labels.get(language) or labels.get(FALLBACK_LABELS) or KEYS


def to_csv(claims: Iterable[dict], dialect: CsvDialect = INTERNATIONAL) -> str:
    """One row per claim line, formulas escaped, in `dialect`; UTF-8 with a BOM for Excel."""
    return csv_text(dialect.columns, _rows(claims, dialect), dialect.delimiter)


def _rows(claims: Iterable[dict], dialect: CsvDialect) -> Iterable[tuple]:
    for claim in claims:
        payee, address = claim["payee"], claim["payee"]["address"]
        flagged = dialect.yes_no[0] if claim.get("flags") else dialect.yes_no[1]
        for index, line in enumerate(claim["lines"]):
            yield (
                claim["id"], claim["status"], claim["submitted_at"], claim.get("campaign", ""), payee["holder"],
                payee["kind"], payee.get("vat_id") or "", payee["iban"], address["street"], address["postcode"],
                address["town"], address["country"], index + 1, dialect.date(line["date"]), line["category"],
                line["description"], dialect.amount(int(line["gross"])), dialect.amount(int(line["vat"])),
                line["currency"], line.get("receipt_key") or "", flagged,
            )


def spreadsheet_csv(claims: Iterable[dict], language: str, categories: dict[str, dict[str, str]],
                    campaigns: dict[str, str | dict[str, str] | None], zone: tzinfo) -> str:
    """The same rows for people reading `language`: its headings and words for statuses and kinds, categories by
    the policy's labels (`categories`: key -> label per language), campaigns by their names, days and moments
    (in the site's `zone`) and amounts by its CLDR rules (sharewall_common.formats: German 05.12.2026 14:05,
    1234,50), ';' between cells where the decimal sign is a comma; formulas escaped, UTF-8 with a BOM."""
    from sharewall_common import formats  # Babel: only exports pay for it, not the function's cold start

    labels = labels_for(language)

    def rows() -> Iterable[tuple]:
        for claim in claims:
            payee, address = claim["payee"], claim["payee"]["address"]
            submitted = formats.moment(datetime.fromisoformat(claim["submitted_at"]).astimezone(zone), language)
            flagged = labels.yes_no[0] if claim.get("flags") or claim.get("flag_count") else labels.yes_no[1]
            for index, line in enumerate(claim["lines"]):
                yield (
                    claim["id"], labels.statuses.get(claim["status"], claim["status"]), submitted,
                    _in_language(campaigns.get(claim.get("campaign") or ""), language) or claim.get("campaign") or "",
                    payee["holder"], labels.kinds.get(payee["kind"], payee["kind"]), payee.get("vat_id") or "",
                    payee["iban"], address["street"], address["postcode"], address["town"], address["country"],
                    index + 1, formats.date(date.fromisoformat(line["date"]), language),
                    _in_language(categories.get(line["category"]), language) or line["category"],
                    line["description"], formats.plain_amount(int(line["gross"]), language),
                    formats.plain_amount(int(line["vat"]), language), line["currency"], line.get("receipt_key") or "",
                    flagged,
                )

    return csv_text(labels.columns, rows(), ";" if formats.decimal_sign(language) == "," else ",")


# A name given once or per language, in `language`, else English, else the first written (as campaigns read)
def _in_language(name: str | dict[str, str] | None, language: str) -> str | None:
    if not name or isinstance(name, str):
        return name or None
    return name.get(language) or name.get("en") or next(iter(name.values()), None)


class NothingToPay(ValueError):
    """No claim can be written to a SEPA file: none approved, or every one skipped (`skipped` says why)."""

    def __init__(self, skipped: list[Skipped]):
        reasons = "; ".join(f"claim {item.claim}: {item.field}: {item.reason}" for item in skipped)
        super().__init__(f"no approved claim can be paid ({reasons})" if skipped else "there are no approved claims to pay")
        self.skipped = skipped


class DebtorInvalid(ValueError):
    """The company account the money leaves from is not configured right (PAYER_NAME, PAYER_IBAN)."""


class Skipped(NamedTuple):
    """An approved claim left out of a SEPA file, and why (field names, never the values)."""

    claim: str
    field: str  # e.g. payee.holder
    reason: str


def check_debtor(debtor: dict) -> None:
    """DebtorInvalid unless the payer's name and IBAN (and BIC, when given) are ones a bank takes (a payee's rules)."""
    try:
        IBAN(debtor.get("IBAN") or "")
    except SchwiftyException:
        raise DebtorInvalid("the payer account (PAYER_IBAN) is not a valid IBAN; set the stack's PayerIban") from None
    if debtor.get("BIC"):
        try:
            BIC(debtor["BIC"])
        except SchwiftyException:
            raise DebtorInvalid("the payer's BIC (PAYER_BIC) is not a valid BIC; set the stack's PayerBic or leave it "
                                "empty") from None
    name = debtor.get("name") or ""
    try:
        if not 1 <= len(name) <= 70:
            raise ValueError("1-70 characters")
        TypeAdapter(SepaText).validate_python(name)
    except ValueError:  # pydantic's ValidationError is one
        raise DebtorInvalid("the payer's name (PAYER_NAME) is empty or not in the SEPA character set") from None


def unwritable(claim: dict) -> tuple[str, str] | None:
    """(field, why) a stored claim cannot go into a SEPA file (the rules of submission), or None when it can.

    Claims filed before a rule existed, or written to the table by other means, are caught here.
    """
    try:
        Payee.model_validate(claim.get("payee"))
    except ValidationError as error:
        first = error.errors()[0]
        return "payee." + ".".join(str(part) for part in first["loc"]), first["msg"].removeprefix("Value error, ")
    total = claim.get("total")
    if type(total) is not int or not 0 < total <= MAX_CENTS:
        return "total", "not an amount between 0.01 and 999999999.99"
    return None


# SEPA_CHARSET (template parameter SepaCharset): German banks take the DK character set, so umlauts and ß stay
# unless the bank wants EPC basic Latin; anything else is a setting nobody meant
def charset() -> str:
    value = os.environ.get("SEPA_CHARSET", "dk").strip().lower() or "dk"
    if value not in CHARSETS:
        raise DebtorInvalid(f"SEPA_CHARSET is {value[:20]!r}; set the stack's SepaCharset to dk or basic")
    return value


# One rule for every text field of the file: kept as it is (DK), or transliterated whole (basic), cut to the
# field's length afterwards (ß -> ss may lengthen a name)
def sepa_text(value: str, limit: int, chosen: str = "dk") -> str:
    return (value.translate(BASIC_LATIN) if chosen == "basic" else value)[:limit]


class _Transfer(SepaTransfer):
    """sepaxml's credit transfer, whose debtor agent without a BIC is `Othr/Id` NOTPROVIDED (EPC), never empty."""

    # sepaxml builds each PmtInf from these nodes; an empty FinInstnId is what the EPC rules forbid
    def _create_PmtInf_node(self):
        nodes = super()._create_PmtInf_node()
        if "BIC" not in self._config:
            other = ElementTree.SubElement(nodes["FinInstnId_DbtrAgt_Node"], "Othr")
            ElementTree.SubElement(other, "Id").text = "NOTPROVIDED"
        return nodes


def to_sepa(claims: Iterable[dict], debtor: dict, execution_date: date, *, message: str | None = None,
            created: datetime | None = None, end_to_end: str = "") -> tuple[bytes, list[Skipped]]:
    """A pain.001.001.09 credit transfer paying each claim's total to its payee, schema-validated.

    `message` (MsgId and PmtInfId) and `created` (CreDtTm) make the file the same bytes each time it is
    written from the same claims (a payment run's id and creation time); otherwise random and now.
    Each transfer's EndToEndId is its claim's id followed by `end_to_end` (a payment run's own part, so a
    claim paid again after a cancelled run never repeats an EndToEndId); 35 characters at most.

    A claim that cannot be written is left out and listed, never failing the file for all others.
    `debtor`: name, IBAN and optionally BIC of the company account the money leaves from (the debtor agent is
    NOTPROVIDED without one). Text is written in the character set SEPA_CHARSET names (charset()).
    """
    writable, skipped = [], []
    for claim in claims:
        problem = unwritable(claim)
        if problem is None:
            writable.append(claim)
        else:
            skipped.append(Skipped(str(claim.get("id", "?"))[:40], *problem))
    if not writable:
        raise NothingToPay(skipped)
    check_debtor(debtor)
    charset()  # a setting nobody meant is the payer's configuration, not a claim's fault
    try:
        return _sepa(writable, debtor, execution_date, message, created, end_to_end), skipped
    except Exception:  # noqa: BLE001 (a claim the checks let through broke the file: find it by writing each alone)
        good = []
        for claim in writable:
            try:
                _sepa([claim], debtor, execution_date, message, created, end_to_end)
                good.append(claim)
            except Exception as error:  # noqa: BLE001
                skipped.append(Skipped(claim["id"], "claim", f"the SEPA schema refuses it ({type(error).__name__})"))
        if not good:
            raise NothingToPay(skipped) from None
        return _sepa(good, debtor, execution_date, message, created, end_to_end), skipped


def _sepa(claims: list[dict], debtor: dict, execution_date: date, message: str | None = None,
          created: datetime | None = None, end_to_end: str = "") -> bytes:
    chosen = charset()
    # clean=False: sepaxml would transliterate names and descriptions only (unidecode: Müller -> Muller), never
    # addresses; sepa_text applies the one rule to every text field instead
    transfer = _Transfer(
        {"name": sepa_text(debtor["name"], 70, chosen), "IBAN": debtor["IBAN"],
         **({"BIC": debtor["BIC"]} if debtor.get("BIC") else {}), "batch": True, "currency": "EUR"},
        schema=SEPA_SCHEMA, clean=False,
    )
    for claim in claims:
        payee, address = claim["payee"], claim["payee"]["address"]
        transfer.add_payment({
            "name": sepa_text(payee["holder"], 70, chosen),
            "IBAN": payee["iban"],
            "amount": int(claim["total"]),
            "execution_date": execution_date,
            "description": sepa_text(f"Sharewall expense claim {claim['id']}", 140, chosen),
            "endtoend_id": (claim["id"].replace("-", "") + end_to_end)[:35],
            "address": {"street_name": sepa_text(address["street"], 70, chosen),
                        "postcode": sepa_text(address["postcode"], 16, chosen),
                        "town": sepa_text(address["town"], 35, chosen), "country": address["country"]},
        })
    if message:  # set where sepaxml builds the header (MsgId, CreDtTm); PmtInfId it draws at export
        transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = message
    if created:
        transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/CreDtTm").text = created.strftime("%Y-%m-%dT%H:%M:%S")
    xml = transfer.export(validate=True)
    if message:  # one PmtInf per file here: its id is the message's
        xml = regex.sub(rb"<PmtInfId>[^<]*</PmtInfId>", b"<PmtInfId>" + message.encode() + b"</PmtInfId>", xml, count=1)
    return xml
