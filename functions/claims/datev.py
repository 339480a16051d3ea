"""A payment run as a DATEV Buchungsstapel (EXTF 700, format category 21, format version 13).

Pure: no boto3. Claims come as the dicts `claims.store` returns (money in integer cents); the
accounts, tax keys and cost centres come from the expense policy's `accounting:` section.

The file, as DATEV's format description defines it:
  line 1  the header: 31 fields (EXTF, 700, 21, "Buchungsstapel", 13, created, …, consultant, client,
          fiscal year start, account length, period, label, initials, 1, 0, lock, "EUR", …, chart)
  line 2  the 125 column names of format version 13
  line 3+ one booking per expense line: gross (decimal comma) debit on the category's expense account
          against the payee's creditor account (Personenkonto, claims.creditors; else the payable account),
          tax key by the line's VAT rate, Belegdatum DDMM (the receipt's
          date; DATEV takes the year from the header's period), Belegfeld 1 = claim id, Buchungstext =
          category and description (60 characters at most), KOST1 = the campaign's cost centre, Beleglink
          = where the receipt is kept, Festschreibung (field 114) written explicitly: 0, or 1 when the
          DatevFestschreibung setting or the accounting section's `lock` says so (the header's flag is the same;
          left empty, DATEV would lock the batch on import).
Fields are separated by ';', text fields are in double quotes (even empty), numbers bare, lines end
CR LF. The file is Windows-1252 ("ANSI", what DATEV imports by default): characters outside it are
transliterated to their base letter where Unicode decomposes them (ő → o) and written as '?' otherwise;
a double quote inside a text becomes an apostrophe (DATEV's quoting has no escape).

Everything in the file comes from the run and its claims (the created timestamp is the run's, never
the time of download), so the same run gives the same bytes.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from typing import NamedTuple

from sharewall_common.accounting import CHARTS, Accounting
from sharewall_common.expenses import ExpensePolicy

ENCODING = "cp1252"
CONTENT_TYPE = "text/csv; charset=windows-1252"
VERSION, CATEGORY, FORMAT_NAME, FORMAT_VERSION = 700, 21, "Buchungsstapel", 13
APPLICATION = "Sharewall"  # Anwendungsinformation (16 characters at most)


class Column(NamedTuple):
    """One column of the Buchungsstapel: its name, kind (text, amount, number, account, date) and longest text."""

    name: str
    kind: str  # T text (quoted), A amount, N number, K account, D date
    size: int = 0  # texts: the most characters DATEV takes


def _columns() -> tuple[Column, ...]:
    info = [Column(f"Beleginfo - {part} {n}", "T", 20 if part == "Art" else 210) for n in range(1, 9) for part in ("Art", "Inhalt")]
    extra = [Column(f"Zusatzinformation{' ' if part == 'Art' else ''}- {part} {n}", "T", 20 if part == "Art" else 210)
             for n in range(1, 21) for part in ("Art", "Inhalt")]
    return (
        Column("Umsatz (ohne Soll/Haben-Kz)", "A"), Column("Soll/Haben-Kennzeichen", "T", 1), Column("WKZ Umsatz", "T", 3),
        Column("Kurs", "N"), Column("Basis-Umsatz", "A"), Column("WKZ Basis-Umsatz", "T", 3), Column("Konto", "K"),
        Column("Gegenkonto (ohne BU-Schlüssel)", "K"), Column("BU-Schlüssel", "T", 4), Column("Belegdatum", "D"),
        Column("Belegfeld 1", "T", 36), Column("Belegfeld 2", "T", 12), Column("Skonto", "A"), Column("Buchungstext", "T", 60),
        Column("Postensperre", "N"), Column("Diverse Adressnummer", "T", 9), Column("Geschäftspartnerbank", "N"),
        Column("Sachverhalt", "N"), Column("Zinssperre", "N"), Column("Beleglink", "T", 210), *info,
        Column("KOST1 - Kostenstelle", "T", 36), Column("KOST2 - Kostenstelle", "T", 36), Column("Kost-Menge", "N"),
        Column("EU-Land u. UStID (Bestimmung)", "T", 15), Column("EU-Steuersatz (Bestimmung)", "N"),
        Column("Abw. Versteuerungsart", "T", 1), Column("Sachverhalt L+L", "N"), Column("Funktionsergänzung L+L", "N"),
        Column("BU 49 Hauptfunktionstyp", "N"), Column("BU 49 Hauptfunktionsnummer", "N"), Column("BU 49 Funktionsergänzung", "N"),
        *extra,
        Column("Stück", "N"), Column("Gewicht", "N"), Column("Zahlweise", "N"), Column("Forderungsart", "T", 10),
        Column("Veranlagungsjahr", "N"), Column("Zugeordnete Fälligkeit", "D"), Column("Skontotyp", "N"),
        Column("Auftragsnummer", "T", 30), Column("Buchungstyp", "T", 2), Column("USt-Schlüssel (Anzahlungen)", "N"),
        Column("EU-Land (Anzahlungen)", "T", 2), Column("Sachverhalt L+L (Anzahlungen)", "N"),
        Column("EU-Steuersatz (Anzahlungen)", "N"), Column("Erlöskonto (Anzahlungen)", "K"), Column("Herkunft-Kz", "T", 2),
        Column("Buchungs GUID", "T", 36), Column("KOST-Datum", "D"), Column("SEPA-Mandatsreferenz", "T", 35),
        Column("Skontosperre", "N"), Column("Gesellschaftername", "T", 76), Column("Beteiligtennummer", "N"),
        Column("Identifikationsnummer", "T", 11), Column("Zeichnernummer", "T", 20), Column("Postensperre bis", "D"),
        Column("Bezeichnung SoBil-Sachverhalt", "T", 30), Column("Kennzeichen SoBil-Buchung", "N"), Column("Festschreibung", "N"),
        Column("Leistungsdatum", "D"), Column("Datum Zuord. Steuerperiode", "D"), Column("Fälligkeit", "D"),
        Column("Generalumkehr (GU)", "T", 1), Column("Steuersatz", "N"), Column("Land", "T", 2),
        Column("Abrechnungsreferenz", "T", 50), Column("BVV-Position", "N"), Column("EU-Land u. UStID (Ursprung)", "T", 15),
        Column("EU-Steuersatz (Ursprung)", "N"), Column("Abw. Skontokonto", "K"),
    )


COLUMNS = _columns()  # the 125 columns of format version 13, in DATEV's order
INDEX = {column.name: number for number, column in enumerate(COLUMNS)}
HEADER_FIELDS = 31


class DatevError(ValueError):
    """The run cannot be written as a Buchungsstapel (no accounting section, a category without account, …)."""


class SpansFiscalYears(DatevError):
    """The run's expense dates lie in more than one fiscal year: DATEV wants one batch per fiscal year."""

    def __init__(self, years: list[int]):
        super().__init__(f"the run's expenses lie in the fiscal years {', '.join(map(str, years))}; a DATEV batch "
                         "holds one: ask for each with ?fiscal_year=<year>")
        self.years = years


def text(value: str, size: int) -> str:
    """A text as the file holds it: Windows-1252 only (transliterated, else '?'), no '"', at most `size` characters."""
    out = []
    for character in unicodedata.normalize("NFC", value.replace('"', "'")):
        out.append(character if _encodable(character) else _transliterate(character))
    cleaned = "".join(out)
    return cleaned if len(cleaned) <= size else cleaned[: size - 1] + "…"


def _encodable(character: str) -> bool:
    try:
        character.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return unicodedata.category(character)[0] != "C"


def _transliterate(character: str) -> str:
    base = "".join(part for part in unicodedata.normalize("NFKD", character)
                   if not unicodedata.combining(part) and _encodable(part))
    return base or "?"


def amount(cents: int) -> str:
    """Integer cents -> '1234,56' (decimal comma, no thousands separator, never negative)."""
    if cents < 0:
        raise DatevError("amounts in a Buchungsstapel are unsigned (the debit/credit sign carries the direction)")
    return f"{cents // 100},{cents % 100:02d}"


# DatevFestschreibung (0 or 1, default 0): whether the bookings are locked (festgeschrieben) once imported
def festschreibung_setting() -> bool:
    value = os.environ.get("DATEV_FESTSCHREIBUNG", "0").strip() or "0"
    if value not in ("0", "1"):
        raise DatevError(f"DATEV_FESTSCHREIBUNG (the stack's DatevFestschreibung) is {value[:10]!r}; it takes 0 or 1")
    return value == "1"


def fiscal_year(day: date, accounting: Accounting) -> int:
    """The fiscal year (by the year it begins in) that `day` belongs to."""
    month, first = (int(part) for part in accounting.fiscal_year_start.split("-"))
    return day.year if (day.month, day.day) >= (month, first) else day.year - 1


def fiscal_year_start(year: int, accounting: Accounting) -> date:
    month, first = (int(part) for part in accounting.fiscal_year_start.split("-"))
    return date(year, month, first)


class Booking(NamedTuple):
    """One row: what the file says about one expense line (cents, accounts, key, date, texts)."""

    cents: int
    account: str
    contra: str
    tax_key: str
    day: date
    claim: str
    text: str
    cost_centre: str
    link: str
    note: str  # Zusatzinformation: why the tax key is empty although the line has VAT


def bookings(claims: Iterable[dict], policy: ExpensePolicy, receipt_link: Callable[[str], str] | None = None,
             creditor: Callable[[dict], str] | None = None) -> list[Booking]:
    """One booking per expense line of the claims, in claim id and line order; DatevError naming what is missing.

    `creditor`: the payee's creditor account for a claim (claims.creditors); without it every line is booked
    against the accounting section's `payable`.
    """
    accounting = _accounting(policy)
    rows = []
    for claim in sorted(claims, key=lambda item: item["id"]):
        centre = accounting.cost_centre(claim.get("campaign"))
        contra = creditor_account(creditor(claim), accounting) if creditor else accounting.payable
        for number, line in enumerate(claim["lines"], start=1):
            category = policy.categories.get(line["category"])
            if category is None or not category.account:
                raise DatevError(f"claim {claim['id']} line {number}: category {line['category']!r} has no account in "
                                 "expenses.yml's policy; add the category with its account and publish the site")
            gross, vat = int(line["gross"]), int(line.get("vat") or 0)
            key = accounting.tax_key(gross, vat)
            note = "" if key is not None else f"USt {amount(vat)} EUR: kein Steuersatz erkannt, ohne BU gebucht"
            label = category.label.get("de") or next(iter(category.label.values()))
            key_of_receipt = line.get("receipt_key")
            rows.append(Booking(
                cents=gross, account=category.account, contra=contra, tax_key=key or "",
                day=date.fromisoformat(str(line["date"])[:10]), claim=claim["id"],
                text=f"{label}: {line['description']}", cost_centre=centre,
                link=receipt_link(key_of_receipt) if receipt_link and key_of_receipt else "", note=note))
    return rows


def to_datev(run: dict, claims: Iterable[dict], policy: ExpensePolicy, zone: tzinfo,
             receipt_link: Callable[[str], str] | None = None, year: int | None = None,
             creditor: Callable[[dict], str] | None = None, lock: bool = False) -> bytes:
    """The run's Buchungsstapel as the bytes of the file (Windows-1252).

    `run`: its `id` and `created_at` (ISO 8601; written as the header's created timestamp in `zone`).
    `year`: the fiscal year to write when the run's expenses span more than one (SpansFiscalYears otherwise).
    `creditor`: a claim's creditor account (see `bookings`). `lock`: the DatevFestschreibung setting; the batch
    is locked (header and field 114 say 1) when it or the accounting section's `lock` is set.
    """
    accounting = _accounting(policy)
    rows = bookings(claims, policy, receipt_link, creditor)
    years = sorted({fiscal_year(row.day, accounting) for row in rows})
    if not rows:
        raise DatevError("the run holds no expense line")
    if year is None and len(years) > 1:
        raise SpansFiscalYears(years)
    chosen = year if year is not None else years[0]
    rows = [row for row in rows if fiscal_year(row.day, accounting) == chosen]
    if not rows:
        raise DatevError(f"no expense of the run lies in the fiscal year {chosen} (the run's: {', '.join(map(str, years))})")
    locked = lock or accounting.lock
    lines = [_header(run, accounting, rows, chosen, zone, locked), ";".join(column.name for column in COLUMNS)]
    lines += [_row(row, str(run["id"]), locked) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


def _accounting(policy: ExpensePolicy) -> Accounting:
    if policy.accounting is None:
        raise DatevError("expenses.yml has no accounting section: add one (chart, consultant, client, payable, tax_keys) "
                         "and an account per category, then publish the site")
    return policy.accounting


# A Personenkonto has one digit more than the Sachkonten (account_length): DATEV refuses any other length
def creditor_account(account: str, accounting: Accounting) -> str:
    if not (account.isdigit() and len(account) == accounting.account_length + 1):
        raise DatevError(f"creditor account {account[:12]!r} (the stack's DatevCreditorAccounts) needs "
                         f"{accounting.account_length + 1} digits: one more than expenses.yml's account_length "
                         f"{accounting.account_length}")
    return account


def _quoted(value: str) -> str:
    return f'"{value}"'


def _header(run: dict, accounting: Accounting, rows: list[Booking], year: int, zone: tzinfo, locked: bool) -> str:
    created = datetime.fromisoformat(str(run["created_at"]).replace("Z", "+00:00"))
    created = (created if created.tzinfo else created.replace(tzinfo=zone)).astimezone(zone)
    first, last = min(row.day for row in rows), max(row.day for row in rows)
    fields = [
        _quoted("EXTF"), str(VERSION), str(CATEGORY), _quoted(FORMAT_NAME), str(FORMAT_VERSION),
        created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}",  # Erzeugt am
        "", _quoted(""), _quoted(""), _quoted(""),  # importiert, Herkunft, exportiert von, importiert von
        str(accounting.consultant), str(accounting.client),
        fiscal_year_start(year, accounting).strftime("%Y%m%d"), str(accounting.account_length),
        first.strftime("%Y%m%d"), last.strftime("%Y%m%d"),
        _quoted(text(f"Zahllauf {run['id']}", 30)), _quoted(accounting.initials),
        "1", "0", "1" if locked else "0", _quoted("EUR"),  # Finanzbuchführung, Rechnungslegungszweck
        "", _quoted(""), "", "", _quoted(CHARTS[accounting.chart]), "", "", _quoted(""), _quoted(APPLICATION),
    ]
    assert len(fields) == HEADER_FIELDS
    return ";".join(fields)


def _row(row: Booking, run_id: str, locked: bool) -> str:
    values = {
        "Umsatz (ohne Soll/Haben-Kz)": amount(row.cents), "Soll/Haben-Kennzeichen": "S", "WKZ Umsatz": "EUR",
        "Konto": row.account, "Gegenkonto (ohne BU-Schlüssel)": row.contra, "BU-Schlüssel": row.tax_key,
        "Belegdatum": row.day.strftime("%d%m"), "Belegfeld 1": _reference(row.claim), "Buchungstext": row.text,
        "Beleglink": row.link, "Beleginfo - Art 1": "Zahllauf", "Beleginfo - Inhalt 1": run_id,
        "KOST1 - Kostenstelle": row.cost_centre, "Festschreibung": "1" if locked else "0",
    }
    if row.note:
        values["Zusatzinformation - Art 1"] = "USt-Hinweis"
        values["Zusatzinformation- Inhalt 1"] = row.note
    cells = []
    for column in COLUMNS:
        value = values.get(column.name, "")
        cells.append(_quoted(text(value, column.size)) if column.kind == "T" else value)
    return ";".join(cells)


def _reference(claim_id: str) -> str:
    """Belegfeld 1 takes letters, digits and $ & % * + - / only, 36 at most."""
    return "".join(character for character in claim_id if character.isascii() and (character.isalnum() or character in "$&%*+-/"))[:36]
