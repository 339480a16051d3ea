"""The statistics as CSV for comms (GET /stats/export.csv): the page's aggregates, one row per figure.

Rows: each period (shares, people, personalised, clicks; withheld periods with empty figures), then each
network, source and post of the range, then each campaign goal. Written through sharewall_common.csv_text
(cells escaped, the claims export's dialects).
"""

from __future__ import annotations

from collections.abc import Iterator

from sharewall_common.csv_text import Dialect, csv_text, german_date

COLUMNS = {
    "standard": ("section", "name", "shares", "people", "personalised", "clicks", "clicks_per_share", "goal_shares",
                 "goal_clicks", "withheld"),
    "de": ("Bereich", "Name", "Teilungen", "Personen", "Eigener Text", "Klicks", "Klicks je Teilung",
           "Ziel Teilungen", "Ziel Klicks", "Zurückgehalten"),
}
SECTIONS = {
    "standard": {"period": "period", "network": "network", "source": "source", "post": "post", "goal": "goal"},
    "de": {"period": "Zeitraum", "network": "Netzwerk", "source": "Quelle", "post": "Beitrag", "goal": "Kampagnenziel"},
}
YES_NO = {"standard": ("yes", "no"), "de": ("ja", "nein")}
DELIMITER = {"standard": ",", "de": ";"}


def _ratio(value: float | None, dialect: Dialect) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text.replace(".", ",") if dialect == "de" else text


def rows(summary: dict, dialect: Dialect) -> Iterator[tuple]:
    """The rows of a GET /stats answer in `dialect` (dates TT.MM.JJJJ and decimal commas for `de`)."""
    section, yes_no = SECTIONS[dialect], YES_NO[dialect]
    day = german_date if dialect == "de" else str
    clicks = {row["period"]: row["clicks"] for row in summary["clicks"]["series"]}
    for row in summary["series"]:
        hidden = row["withheld"] or clicks.get(row["period"]) is None
        yield (section["period"], day(row["period"]), row["shares"], row["people"], row["personalised"],
               None if hidden else clicks[row["period"]], "", "", "", yes_no[0] if hidden else yes_no[1])
    by_network = {row["network"]: row for row in summary["clicks"]["by_network"]}
    for name in dict.fromkeys([row["network"] for row in summary["by_network"]] + list(by_network)):
        shared = next((row["shares"] for row in summary["by_network"] if row["network"] == name), 0)
        clicked = by_network.get(name, {})
        yield (section["network"], name, shared, "", "", clicked.get("clicks", 0),
               _ratio(clicked.get("clicks", 0) / shared if shared else None, dialect), "", "", yes_no[1])
    for row in summary["by_source"]:
        yield section["source"], row["source"], row["shares"], "", "", "", "", "", "", yes_no[1]
    by_post = {row["post"]: row for row in summary["clicks"]["by_post"]}
    for name in dict.fromkeys([row["post"] for row in summary["top_posts"]] + list(by_post)):
        shared = next((row["shares"] for row in summary["top_posts"] if row["post"] == name),
                      by_post.get(name, {}).get("shares", 0))
        clicked = by_post.get(name, {}).get("clicks", 0)
        yield (section["post"], name, shared, "", "", clicked, _ratio(clicked / shared if shared else None, dialect),
               "", "", yes_no[1])
    for goal in summary.get("goals", []):
        reached = goal["progress"] or {}
        yield (section["goal"], goal["campaign"], reached.get("shares"), "", "", reached.get("clicks"), "",
               goal["goal"].get("shares"), goal["goal"].get("clicks"), yes_no[0] if goal["withheld"] else yes_no[1])


def stats_csv(summary: dict, dialect: Dialect = "standard") -> str:
    """The CSV text of a GET /stats answer."""
    return csv_text(COLUMNS[dialect], rows(summary, dialect), DELIMITER[dialect])
