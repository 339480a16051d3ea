"""GET /stats with clicks and campaign goals, and GET /stats/export.csv, against the moto server: clicks are
withheld with the shares of a period with too few people, goals count only what the statistics show, the CSV
holds the page's aggregates in the claims export's dialects, escaped, for comms only."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta, timezone

import boto3
import pytest

from sharewall_common.campaigns import Campaign, Goal, published_campaigns
from sharewall_common.periods import today
from tests.functions.invoke import invoke
from tests.functions.test_go_clicks import CATALOGUE, post

EMPLOYEE = {"sub": "anna", "groups": ["employee"]}
COMMS = {"sub": "carla", "groups": ["comms"]}
DAY = today()
CAMPAIGNS = {
    "fair-2026": Campaign(name={"de": "Herbstmesse", "en": "Autumn fair"}, start=DAY - timedelta(days=10),
                          end=DAY + timedelta(days=10), reimbursed=False, goal=Goal(shares=500, clicks=2000)),
    "no-goal": Campaign(name="No goal", start=DAY - timedelta(days=10), end=DAY + timedelta(days=10), reimbursed=False),
    "old-2020": Campaign(name="Old", start=DAY.replace(year=2020, day=1), end=DAY.replace(year=2020, day=2),
                         reimbursed=False, goal=Goal(shares=5)),
}
WALL = {"posts": [*CATALOGUE["posts"], post("second-fair-post", campaign="fair-2026")]}


@pytest.fixture(autouse=True)
def published(monkeypatch, aws_resources):
    """The catalogue and campaigns as a build publishes them; every period shown unless a test asks otherwise."""
    from shares.catalogue import Catalogue
    from sharewall_common.published import Published
    from sharewall_common.campaigns import campaigns_from_published
    from shares.counting import _present_markers
    from shares.routes import go as go_route, shares as shares_route, stats as stats_route

    _present_markers.clear()
    data = json.dumps(WALL).encode()
    monkeypatch.setattr(go_route, "catalogue", Catalogue(lambda name: data))
    monkeypatch.setattr(shares_route, "catalogue", Catalogue(lambda name: data))
    campaigns = published_campaigns(CAMPAIGNS, timezone.utc)
    monkeypatch.setattr(stats_route, "campaigns", Published("campaigns.json", campaigns_from_published,
                                                            service="shares", fetch=lambda name: campaigns))
    monkeypatch.setattr(stats_route, "MIN_PEOPLE", 1)
    return stats_route


def share(slug: str, network: str = "linkedin", person: str = "anna"):
    reply = invoke("SharesFunction", "POST", "/shares", {"post": slug, "network": network, "personalised": False},
                   headers={"content-type": "application/json", "idempotency-key": str(uuid.uuid4())},
                   claims={"sub": person, "groups": ["employee"]})
    assert reply.status == 201, reply.body


def click(slug: str, network: str = "linkedin", times: int = 1):
    for _ in range(times):
        assert invoke("SharesFunction", "GET", f"/go/{slug}/{network}", headers={"user-agent": "Firefox"}).status == 302


def stats(claims=EMPLOYEE, **query) -> dict:
    reply = invoke("SharesFunction", "GET", "/stats", claims=claims, query="&".join(f"{k}={v}" for k, v in query.items()))
    assert reply.status == 200, reply.body
    return reply.body


def test_clicks_stand_next_to_the_shares_by_day_network_and_post(fresh_tables):
    share("arm-migration", "linkedin")
    share("arm-migration", "bluesky", person="ben")
    click("arm-migration", "linkedin", 3)
    click("arm-migration", "bluesky")
    for granularity in ("day", "week", "month"):
        result = stats(granularity=granularity)["clicks"]
        assert result["total"] == 4 and result["per_share"] == 2.0
        assert result["series"][-1] == {"period": result["series"][-1]["period"], "clicks": 4, "withheld": False}
        assert result["by_network"] == [
            {"network": "linkedin", "clicks": 3, "shares": 1, "per_share": 3.0},
            {"network": "bluesky", "clicks": 1, "shares": 1, "per_share": 1.0}]
        assert result["by_post"] == [{"post": "arm-migration", "clicks": 4, "shares": 2, "per_share": 2.0}]


def test_clicks_are_withheld_with_the_shares_of_a_period_with_too_few_people(fresh_tables, published):
    published.MIN_PEOPLE = 3
    share("arm-migration", person="anna")
    share("arm-migration", person="ben")
    click("arm-migration", times=5)
    result = stats()
    assert result["series"][-1]["withheld"] is True
    assert result["clicks"]["series"][-1] == {"period": result["series"][-1]["period"], "clicks": None, "withheld": True}
    assert result["clicks"]["total"] == 0 and result["clicks"]["by_network"] == result["clicks"]["by_post"] == []
    share("arm-migration", person="carla")  # the third person
    result = stats()["clicks"]
    assert result["total"] == 5 and result["by_post"][0] == {"post": "arm-migration", "clicks": 5, "shares": 3,
                                                             "per_share": round(5 / 3, 4)}


def test_clicks_of_a_period_nobody_shared_in_are_withheld_under_the_rule(fresh_tables, published):
    click("arm-migration", times=2)
    assert stats()["clicks"]["total"] == 2  # every period shown (1)
    published.MIN_PEOPLE = 3
    result = stats()["clicks"]
    assert result["total"] == 0 and result["series"][-1]["withheld"] is True


def test_a_campaign_goal_shows_the_progress_of_all_its_posts(fresh_tables):
    share("fair-post", person="anna")
    share("second-fair-post", person="ben")
    share("arm-migration", person="carla")  # no campaign
    click("fair-post", times=2)
    click("second-fair-post", "bluesky")
    goals = stats()["goals"]
    assert [goal["campaign"] for goal in goals] == ["fair-2026"]  # no-goal has none; old-2020 ran before the range
    assert goals[0]["goal"] == {"shares": 500, "clicks": 2000}
    assert goals[0]["progress"] == {"shares": 2, "clicks": 3} and goals[0]["withheld"] is False
    assert goals[0]["name"] == {"de": "Herbstmesse", "en": "Autumn fair"}
    assert [g["campaign"] for g in stats(**{"from": "2020-01-01", "to": "2020-12-31"})["goals"]] == ["old-2020"]


def test_a_goal_is_withheld_until_enough_people_took_part(fresh_tables, published):
    published.MIN_PEOPLE = 3
    share("fair-post", person="anna")
    share("fair-post", person="ben")
    goal, = stats()["goals"]
    assert goal["progress"] is None and goal["withheld"] is True
    share("second-fair-post", person="carla")
    goal, = stats()["goals"]
    assert goal["progress"] == {"shares": 3, "clicks": 0} and goal["withheld"] is False


def export(claims=COMMS, **query):
    return invoke("SharesFunction", "GET", "/stats/export.csv", claims=claims,
                  query="&".join(f"{k}={v}" for k, v in query.items()))


def test_the_csv_holds_the_pages_aggregates_in_both_dialects(fresh_tables):
    share("fair-post", "linkedin")
    click("fair-post", "linkedin", 3)
    reply = export()
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in reply.headers["Content-Disposition"] and reply.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(reply.text.lstrip("\ufeff"))))
    period = [row for row in rows if row["section"] == "period"]
    assert len(period) == 30 and period[-1]["name"] == DAY.isoformat()
    assert (period[-1]["shares"], period[-1]["people"], period[-1]["clicks"], period[-1]["withheld"]) == ("1", "1", "3", "no")
    network = next(row for row in rows if row["section"] == "network")
    assert (network["name"], network["shares"], network["clicks"], network["clicks_per_share"]) == ("linkedin", "1", "3", "3.00")
    goal = next(row for row in rows if row["section"] == "goal")
    assert (goal["name"], goal["shares"], goal["clicks"], goal["goal_shares"], goal["goal_clicks"]) == (
        "fair-2026", "1", "3", "500", "2000")

    german = export(dialect="de")
    assert german.status == 200 and german.headers["Content-Disposition"].endswith('-de.csv"')
    rows = list(csv.reader(io.StringIO(german.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Bereich", "Name", "Teilungen"]
    assert [row for row in rows if row[0] == "Zeitraum"][-1][1] == DAY.strftime("%d.%m.%Y")
    assert next(row for row in rows if row[0] == "Netzwerk")[6] == "3,00"
    assert [row for row in rows if row[0] == "Zeitraum"][-1][-1] == "nein"


def test_the_csv_escapes_what_a_spreadsheet_would_run(fresh_tables):
    client = boto3.client("dynamodb")
    table = fresh_tables.tables["AppTable"]
    for granularity, key in (("day", DAY.isoformat()), ("week", f"{DAY.isocalendar()[0]}-W{DAY.isocalendar()[1]:02d}")):
        client.update_item(TableName=table, Key={"pk": {"S": f"STATS#{granularity}"}, "sk": {"S": key}},
                           UpdateExpression="ADD shares :one, people :one, #p :one, #s :one",
                           ExpressionAttributeNames={"#p": "post:=HYPERLINK(\"https://evil.example\")",
                                                     "#s": "src:@SUM(A1)"},
                           ExpressionAttributeValues={":one": {"N": "1"}})
    for dialect, delimiter in (("standard", ","), ("de", ";")):
        rows = list(csv.reader(io.StringIO(export(dialect=dialect).text.lstrip("\ufeff")), delimiter=delimiter))
        names = [row[1] for row in rows]
        assert "'=HYPERLINK(\"https://evil.example\")" in names and "'@SUM(A1)" in names
        assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("claims, query, status", [
    (None, "", 401),
    (EMPLOYEE, "", 403),
    ({"sub": "f", "groups": ["finance"]}, "", 403),
    (COMMS, "dialect=excel", 400),
    (COMMS, "granularity=year", 400),
    (COMMS, "from=2026-11-20&to=2026-11-01", 400),
])
def test_the_csv_is_for_comms_and_refuses_bad_queries(fresh_tables, claims, query, status):
    reply = invoke("SharesFunction", "GET", "/stats/export.csv", claims=claims, query=query)
    assert reply.status == status, reply.text


def test_the_walls_goals_are_the_running_campaigns_for_employees(fresh_tables, published):
    share("fair-post", person="anna")
    click("second-fair-post")
    reply = invoke("SharesFunction", "GET", "/stats/goals", claims=EMPLOYEE)
    assert reply.status == 200
    goal, = reply.body["goals"]  # old-2020 is over, no-goal has none
    assert goal["campaign"] == "fair-2026" and goal["progress"] == {"shares": 1, "clicks": 1}
    published.MIN_PEOPLE = 2
    assert invoke("SharesFunction", "GET", "/stats/goals", claims=EMPLOYEE).body["goals"][0]["withheld"] is True
    assert invoke("SharesFunction", "GET", "/stats/goals", claims=None).status == 401
