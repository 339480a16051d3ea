"""What a line is worth in EUR cents: as entered, or priced by the policy (mileage, per-diem) or
converted from another currency at the influencer's rate.

Pure: no boto3, no clock. Each function returns the cents and the problems as (field, code, message,
params): `rules` turns them into violations, the code and params name them for pages. Rounding is ROUND_HALF_UP to the cent, on exact decimals.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sharewall_common.expenses import CENT, Category, ExpensePolicy, money_text

from claims.model import Line

MAX_TRAVEL_DAYS = 31  # one per-diem line covers at most this many days
SINGLE_DAY_HOURS = Decimal(8)  # a single travel day counts only when away more than this
# the fields only lines of a kind may carry (a receipt line in EUR carries none of them)
KIND_FIELDS = {"mileage": ("distance", "route"), "per_diem": ("until", "hours", "country"),
               "foreign": ("original_amount", "rate")}
Problems = list[tuple[str, str, str, dict[str, str]]]


def problem(field: str, code: str, message: str, **params: str) -> tuple[str, str, str, dict[str, str]]:
    return field, code, message, params


def cents(amount: Decimal) -> int:
    """An exact EUR amount -> integer cents, half a cent rounded up."""
    return int((amount / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def mileage(distance: Decimal, rate: Decimal) -> int:
    """Kilometres x EUR per km, in cents."""
    return cents(distance * rate)


def converted(original_cents: int, rate: Decimal) -> int:
    """An amount in another currency (its cents) x EUR per unit, in EUR cents."""
    return cents(Decimal(original_cents) * CENT * rate)


def travel_days(first: date, last: date, hours: Decimal | None) -> tuple[int, int]:
    """(full days, partial days) by the first/last-day rule: departure and arrival day partial, the days
    between full; a single day partial when away more than 8 hours, else nothing."""
    if first == last:
        return (0, 1) if hours is not None and hours > SINGLE_DAY_HOURS else (0, 0)
    return (last - first).days - 1, 2


def kind_of(line: Line, category: Category | None, policy: ExpensePolicy) -> str:
    """receipt, foreign (a receipt in another currency), mileage or per_diem."""
    if category is not None and category.kind != "receipt":
        return category.kind
    return "receipt" if line.currency == policy.currency else "foreign"


def amount(line: Line, policy: ExpensePolicy) -> tuple[int | None, Problems, dict]:
    """The line's EUR cents (None when it cannot be priced), its problems, and what to keep on the stored
    line besides the usual fields (route, days, original amount and rate...)."""
    category = policy.categories.get(line.category)
    kind = kind_of(line, category, policy)
    problems: Problems = [problem(name, "field_of_other_kind", f"belongs to {kind_name(other)}, not to {kind_name(kind)}",
                                  kind=kind, belongs_to=other)
                          for other, names in KIND_FIELDS.items() if other != kind
                          for name in names if getattr(line, name) is not None]
    if kind in ("mileage", "per_diem"):
        if line.currency != policy.currency:
            problems.append(problem("currency", "currency_must_be", f"{kind_name(kind)} is paid in {policy.currency}, got {line.currency}",
                                    currency=policy.currency))
        if line.vat:
            problems.append(problem("vat", "vat_not_allowed", f"{kind_name(kind)} carries no VAT: leave vat at 0"))
        priced, kept = _mileage(line, category, problems) if kind == "mileage" else _per_diem(line, policy, problems)
    elif kind == "foreign":
        priced, kept = _foreign(line, policy, problems)
    else:
        priced, kept = line.gross, {}
        if line.gross is None:
            problems.append(problem("gross", "required", "required: the amount on the receipt"))
    if kind != "receipt" and priced is not None and line.gross is not None and line.gross != priced:
        problems.append(problem("gross", "gross_computed", f"is computed by the server as {money_text(priced)} {policy.currency}, "
                                f"not {money_text(line.gross)}: leave it out", amount=money_text(priced)))
    return (None if problems else priced), problems, kept


# How messages name the lines of a kind
def kind_name(kind: str) -> str:
    return {"mileage": "mileage", "per_diem": "per-diem", "foreign": "foreign-currency",
            "receipt": "receipt"}[kind] + " lines"


def _mileage(line: Line, category: Category, problems: Problems) -> tuple[int | None, dict]:
    if line.distance is None:
        problems.append(problem("distance", "required", "required for mileage: the kilometres driven, e.g. 42.5"))
    if line.route is None:
        problems.append(problem("route", "required", "required for mileage: from where to where you drove"))
    if line.distance is None or line.route is None:
        return None, {}
    return mileage(line.distance, category.rate), {
        "kind": "mileage", "distance": str(line.distance), "km_rate": str(category.rate),
        "route": {"from": line.route.start, "to": line.route.to}}


def _per_diem(line: Line, policy: ExpensePolicy, problems: Problems) -> tuple[int | None, dict]:
    country = line.country or next(iter(policy.per_diem))
    rates = policy.per_diem.get(country)
    if rates is None:
        problems.append(problem("country", "per_diem_country", f"no per-diem rates for {country} (the policy has {', '.join(policy.per_diem)})",
                                country=country))
    last = line.until or line.date
    if last < line.date:
        problems.append(problem("until", "until_before_date", f"the last travel day {last} is before the first, {line.date}"))
    elif (last - line.date).days >= MAX_TRAVEL_DAYS:
        problems.append(problem("until", "too_many_days", f"one line covers at most {MAX_TRAVEL_DAYS} travel days; split longer trips",
                                max=str(MAX_TRAVEL_DAYS)))
    if last == line.date:
        if line.hours is None:
            problems.append(problem("hours", "required", "required for a single travel day: how many hours you were away"))
        elif line.hours <= SINGLE_DAY_HOURS:
            problems.append(problem("hours", "hours_too_few", f"a single travel day needs more than 8 hours away for a per-diem, got {line.hours}",
                                    min=str(SINGLE_DAY_HOURS)))
    elif line.hours is not None:
        problems.append(problem("hours", "hours_single_day_only", "only for a single travel day; a trip over several days leaves it out"))
    if problems or rates is None:
        return None, {}
    full, partial = travel_days(line.date, last, line.hours)
    kept = {"kind": "per_diem", "until": last.isoformat(), "country": country, "full_days": full, "partial_days": partial,
            "full_rate": money_text(rates.full), "partial_rate": money_text(rates.partial)}
    if line.hours is not None:
        kept["hours"] = str(line.hours)
    return full * rates.full + partial * rates.partial, kept


def _foreign(line: Line, policy: ExpensePolicy, problems: Problems) -> tuple[int | None, dict]:
    if line.currency not in policy.receipt_currencies:
        allowed = ", ".join([policy.currency, *policy.receipt_currencies])
        problems.append(problem("currency", "currency_not_allowed", f"{line.currency} is not accepted (allowed: {allowed})",
                                currency=line.currency, allowed=allowed))
    if line.original_amount is None:
        problems.append(problem("original_amount", "required", f"required: the amount on the receipt in {line.currency}"))
    if line.rate is None:
        problems.append(problem("rate", "required", f"required: {policy.currency} per 1 {line.currency} on the day of the expense, e.g. 0.9234"))
    if line.vat:
        problems.append(problem("vat", "vat_not_allowed", "foreign VAT cannot be deducted here: leave vat at 0"))
    if line.original_amount is None or line.rate is None:
        return None, {}
    priced = converted(line.original_amount, line.rate)
    if priced <= 0 or priced > 100_000_00:
        problems.append(problem("original_amount", "converted_out_of_range",
                                f"converts to {money_text(priced)} {policy.currency}; a line holds 0.01 to 100000.00",
                                amount=money_text(priced)))
    return priced, {"original_currency": line.currency, "original_amount": line.original_amount, "rate": str(line.rate)}


def periods_overlap(periods: list[tuple[date, date]]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of periods (first, last day, inclusive) that share a day."""
    return [(i, j) for i, (a_first, a_last) in enumerate(periods) for j, (b_first, b_last) in enumerate(periods)
            if i < j and a_first <= b_last and b_first <= a_last]
