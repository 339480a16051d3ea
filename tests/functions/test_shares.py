"""The shares function against the moto server over HTTP: exactly-once counting, people, bad requests."""

from __future__ import annotations

import json
import threading
import uuid
from urllib.request import urlopen
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from site_builder.local.aws import table_items
from site_builder.networks import NETWORKS
from tests.functions.invoke import in_containers, invoke

EMPLOYEE = {"sub": "anna", "groups": ["employee"]}


@pytest.fixture(autouse=True)
def _forget_markers():
    """Tables are emptied between tests; the container's memory of present markers must go too."""
    from shares.counting import _present_markers

    _present_markers.clear()


@pytest.fixture(autouse=True)
def _show_every_period(monkeypatch):
    """These tests read the raw counts of one or two people; withholding small groups has its own tests."""
    from shares.routes import stats as stats_route

    monkeypatch.setattr(stats_route, "MIN_PEOPLE", 1)
    return stats_route


def call(method: str, path: str, body=None, *, key: str | None = None, claims=EMPLOYEE, query: str = "",
         headers: dict | None = None):
    """Invoke the real handler with an HTTP API v2 event; (status, parsed JSON body)."""
    sent = {"content-type": "application/json", **(headers or {})}
    if key is not None:
        sent["idempotency-key"] = key
    reply = invoke("SharesFunction", method, path, body, headers=sent, claims=claims, query=query)
    return reply.status, json.loads(reply.text)


def share(post="arm-migration", network="linkedin", personalised=False, **kwargs):
    return call("POST", "/shares", {"post": post, "network": network, "personalised": personalised},
                key=kwargs.pop("key", None) or str(uuid.uuid4()), **kwargs)


def stats(**query):
    status, body = call("GET", "/stats", query="&".join(f"{k}={v}" for k, v in query.items()))
    assert status == 200, body
    return body


def today_row(body):
    return body["series"][-1]


def test_a_share_is_counted_in_every_breakdown(fresh_tables):
    status, body = share(post="q3-results", network="xing", personalised=True)
    assert status == 201 and body["replayed"] is False
    assert body["source"] == "finance-team"  # the catalogue's, not the browser's word
    for granularity in ("day", "week", "month"):
        result = stats(granularity=granularity)
        assert today_row(result) == {"period": result["series"][-1]["period"], "shares": 1, "people": 1,
                                     "personalised": 1, "withheld": False}
        assert result["by_network"] == [{"network": "xing", "shares": 1}]
        assert result["by_source"] == [{"source": "finance-team", "shares": 1}]
        assert result["top_posts"] == [{"post": "q3-results", "shares": 1}]
        assert result["totals"]["personalised_rate"] == 1.0


def test_replaying_a_key_changes_nothing(fresh_tables):
    key = str(uuid.uuid4())
    assert share(key=key)[0] == 201
    before = table_items(fresh_tables)
    status, body = share(key=key)
    assert status == 200 and body["replayed"] is True
    assert table_items(fresh_tables) == before
    assert stats()["totals"]["shares"] == 1


def test_a_key_reused_for_another_share_is_a_conflict(fresh_tables):
    key = str(uuid.uuid4())
    share(key=key, network="x")
    before = table_items(fresh_tables)
    status, body = share(key=key, network="bluesky")
    assert status == 409 and body["error"]["code"] == "conflict"
    assert "idempotency-key" in body["error"]["message"]
    assert table_items(fresh_tables) == before


def test_a_second_share_counts_the_share_but_not_the_person_again(fresh_tables):
    share(network="x")
    share(network="linkedin", personalised=True)
    row = today_row(stats())
    assert (row["shares"], row["people"], row["personalised"]) == (2, 1, 1)
    share(claims={"sub": "ben", "groups": ["employee", "comms"]})  # flattened "[a b]" text fails closed: test_roles
    for granularity in ("day", "week", "month"):
        assert today_row(stats(granularity=granularity))["people"] == 2


def test_a_known_person_needs_one_transaction_and_a_cold_container_still_counts_right(fresh_tables):
    from shares import counting

    share(claims={"sub": "repeat", "groups": ["employee"]})
    calls = []
    client = boto3.client("dynamodb")

    class Counting:
        def transact_write_items(self, **kwargs):
            calls.append(len(kwargs["TransactItems"]))
            return client.transact_write_items(**kwargs)

    from sharewall_common.periods import today

    table = fresh_tables.tables["AppTable"]
    counting.count_share(Counting(), table, "known-person-1", counting.Share("p", "x", False, "s"), "repeat", today())
    assert calls == [4]  # record and three counters; the markers are known to exist
    counting._present_markers.clear()  # a cold container does not know: two transactions, same result
    counting.count_share(Counting(), table, "known-person-2", counting.Share("p", "x", False, "s"), "repeat", today())
    assert calls == [4, 7, 4]
    row = today_row(stats())
    assert (row["shares"], row["people"]) == (3, 1)


def test_fifty_shares_by_five_people_are_five_active_people(fresh_tables):
    people = [f"dev-user-{n}" for n in range(5)]
    for n in range(50):
        status, _ = share(post=f"post-{n % 7}", network=list(NETWORKS)[n % 9],
                          claims={"sub": people[n % 5], "groups": ["employee"]})
        assert status == 201
    result = stats()
    assert (today_row(result)["shares"], today_row(result)["people"]) == (50, 5)
    assert stats(granularity="month")["series"][-1]["people"] == 5
    assert sum(row["shares"] for row in result["by_network"]) == 50
    assert sum(row["shares"] for row in result["top_posts"]) == 50


def test_no_identity_or_role_is_stored(fresh_tables):
    share(claims={"sub": "very-unique-subject-42", "groups": ["employee"]})
    dump = json.dumps(table_items(fresh_tables))
    assert "very-unique-subject-42" not in dump and "employee" not in dump


def _share_each(keys: list[str]) -> list[int]:
    return [share(key=key)[0] for key in keys]


def test_200_concurrent_shares_count_exactly_200_and_their_replay_nothing(fresh_tables):
    keys = [str(uuid.uuid4()) for _ in range(200)]
    import shares.app  # noqa: F401  (imported once before forking, like a warm container)

    def run_all(expected_status):
        # 20 containers of 10 shares each, released at once
        results = in_containers(_share_each, [(keys[n::20],) for n in range(20)])
        statuses = [status for result in results for status in result]
        assert statuses == [expected_status] * 200

    run_all(201)
    assert stats()["totals"]["shares"] == 200
    before = table_items(fresh_tables)
    run_all(200)
    assert table_items(fresh_tables) == before
    result = stats()
    assert result["totals"]["shares"] == 200 and today_row(result)["people"] == 1


def test_counting_core_under_200_threads_is_exact(fresh_tables):
    from shares.counting import Share, count_share
    from sharewall_common.periods import today

    client = boto3.client("dynamodb")
    table = fresh_tables.tables["AppTable"]
    start = threading.Barrier(200)

    def one(n):
        start.wait()
        return count_share(client, table, f"thread-key-{n:04d}", Share("p", "x", n % 2 == 0, "s"),
                           f"person-{n % 10}", today()).replayed

    with ThreadPoolExecutor(max_workers=200) as pool:
        assert not any(pool.map(one, range(200)))
    row = today_row(stats())
    assert (row["shares"], row["people"], row["personalised"]) == (200, 10, 100)


BAD_REQUESTS = {
    "malformed JSON": ('{"post": "a", ', {}, EMPLOYEE, 400, "body"),
    "not an object": ('["post"]', {}, EMPLOYEE, 400, "body"),
    "personalised is text": ({"post": "a", "network": "x", "personalised": "yes"}, {}, EMPLOYEE, 400,
                             "personalised"),
    "post is a number": ({"post": 7, "network": "x", "personalised": True}, {}, EMPLOYEE, 400, "post"),
    "unknown network": ({"post": "a", "network": "myspace", "personalised": True}, {}, EMPLOYEE, 400, "network"),
    "post id with a slash": ({"post": "../../etc/passwd", "network": "x", "personalised": True}, {}, EMPLOYEE,
                             400, "post"),
    "post id with a dot": ({"post": "a.md", "network": "x", "personalised": True}, {}, EMPLOYEE, 400, "post"),
    "missing field": ({"post": "a", "network": "x"}, {}, EMPLOYEE, 400, "personalised"),
    "unknown field": ({"post": "a", "network": "x", "personalised": True, "user": "anna"}, {}, EMPLOYEE, 400,
                      "user"),
    "body over 4 KB": ({"post": "a", "network": "x", "personalised": True, "padding": "x" * 4100}, {}, EMPLOYEE,
                       413, "body"),
    "missing Idempotency-Key": ({"post": "a", "network": "x", "personalised": True}, {"idempotency-key": None},
                                EMPLOYEE, 400, "idempotency-key"),
    "too long Idempotency-Key": ({"post": "a", "network": "x", "personalised": True},
                                 {"idempotency-key": "k" * 129}, EMPLOYEE, 400, "idempotency-key"),
    "no identity": ({"post": "a", "network": "x", "personalised": True}, {}, None, 401, "sign in"),
    "no staff role": ({"post": "a", "network": "x", "personalised": True}, {},
                      {"sub": "guest", "groups": "[influencer]"}, 403, "roles"),
    "not JSON at all": ("post=a", {"content-type": "text/plain"}, EMPLOYEE, 415, "application/json"),
    "a post not on the wall": ({"post": "made-up-post", "network": "x", "personalised": True}, {}, EMPLOYEE, 400,
                               "not on the wall"),
    "a network the post is not offered on": ({"post": "email-only", "network": "x", "personalised": True}, {},
                                             EMPLOYEE, 400, "not offered on x"),
    "a source from the browser": ({"post": "arm-migration", "network": "x", "personalised": True,
                                   "source": "made-up"}, {}, EMPLOYEE, 400, "source"),
}


@pytest.mark.parametrize("name", BAD_REQUESTS)
def test_a_bad_request_is_refused_and_writes_nothing(fresh_tables, name):
    body, headers, claims, expected, mentions = BAD_REQUESTS[name]
    share()  # something already counted, so "nothing written" means "nothing changed"
    before = table_items(fresh_tables)
    key = headers.pop("idempotency-key", str(uuid.uuid4())) if "idempotency-key" in headers else str(uuid.uuid4())
    status, answer = call("POST", "/shares", body, key=key, claims=claims, headers=headers)
    assert status == expected, answer
    assert set(answer) == {"error"} and set(answer["error"]) in ({"code", "message"}, {"code", "message", "fields"})
    assert mentions in answer["error"]["message"]
    assert table_items(fresh_tables) == before


@pytest.mark.parametrize("query, mentions", [
    ("granularity=year", "granularity"),
    ("from=2026-02-30", "from"),
    ("from=2026-11-20&to=2026-11-01", "from"),
    ("from=2000-01-01&to=2026-01-01", "shorter range"),
])
def test_bad_stats_queries_are_4xx(fresh_tables, query, mentions):
    status, answer = call("GET", "/stats", query=query)
    assert status == 400 and mentions in answer["error"]["message"]


def test_stats_need_a_signed_in_employee(fresh_tables):
    assert call("GET", "/stats", claims=None)[0] == 401
    assert call("GET", "/stats", claims={"sub": "x", "groups": "[]"})[0] == 403


def test_stats_of_a_past_range_come_with_zeros(fresh_tables):
    result = stats(**{"from": "2026-01-01", "to": "2026-03-31", "granularity": "month"})
    assert [row["period"] for row in result["series"]] == ["2026-01", "2026-02", "2026-03"]
    assert result["totals"] == {"shares": 0, "personalised": 0, "personalised_rate": None, "people_peak": 0,
                                "withheld_periods": 0}


def test_a_period_with_fewer_people_than_the_minimum_is_withheld(fresh_tables, _show_every_period):
    _show_every_period.MIN_PEOPLE = 3
    share(network="xing", post="q3-results", personalised=True, claims={"sub": "anna", "groups": ["employee"]})
    share(network="xing", post="q3-results", claims={"sub": "anna", "groups": ["employee"]})
    share(network="bluesky", post="arm-migration", claims={"sub": "ben", "groups": ["employee"]})
    for granularity in ("day", "week", "month"):
        result = stats(granularity=granularity)
        assert result["min_people"] == 3
        assert today_row(result) == {"period": today_row(result)["period"], "shares": None, "people": None,
                                     "personalised": None, "withheld": True}
        # nothing of the withheld period reaches a total or a breakdown
        assert result["totals"] == {"shares": 0, "personalised": 0, "personalised_rate": None, "people_peak": 0,
                                    "withheld_periods": 1}
        assert result["by_network"] == result["by_source"] == result["top_posts"] == []

    share(network="xing", post="q3-results", claims={"sub": "carla", "groups": ["employee"]})  # the third person
    result = stats()
    assert today_row(result) == {"period": today_row(result)["period"], "shares": 4, "people": 3,
                                 "personalised": 1, "withheld": False}
    assert result["totals"]["withheld_periods"] == 0
    assert result["by_network"] == [{"network": "xing", "shares": 3}, {"network": "bluesky", "shares": 1}]


def test_only_periods_with_enough_people_make_the_totals(fresh_tables, _show_every_period):
    from shares.counting import Share, count_share
    from sharewall_common.periods import today
    from sharewall_common.aws import client

    _show_every_period.MIN_PEOPLE = 2
    table, day = fresh_tables.tables["AppTable"], today()
    yesterday = day.fromordinal(day.toordinal() - 1)
    for n, (person, when) in enumerate([("anna", yesterday), ("ben", yesterday), ("anna", day)]):
        count_share(client("dynamodb"), table, f"key-{n:04d}", Share("q3-results", "x", False, "finance"), person, when)
    result = stats(**{"from": yesterday.isoformat(), "to": day.isoformat()})
    assert [row["withheld"] for row in result["series"]] == [False, True]
    assert result["totals"]["shares"] == 2 and result["totals"]["people_peak"] == 2
    assert result["top_posts"] == [{"post": "q3-results", "shares": 2}]


def test_the_template_withholds_periods_of_fewer_than_five_people(aws_resources):
    assert aws_resources.function_environment()["STATS_MIN_PEOPLE"] == "5"


def test_the_function_knows_the_sites_networks():
    from shares.models import NETWORKS as FUNCTION_NETWORKS

    assert set(FUNCTION_NETWORKS) == set(NETWORKS)


def test_without_the_catalogue_a_share_is_refused_for_a_retry_and_writes_nothing(fresh_tables, monkeypatch):
    from shares.catalogue import Catalogue
    from shares.routes import shares as shares_route

    share()
    before = table_items(fresh_tables)
    monkeypatch.setattr(shares_route, "catalogue", Catalogue(lambda name: urlopen("http://127.0.0.1:9/").read()))  # nothing listens
    status, answer = share()
    assert status == 503 and answer["error"]["code"] == "unavailable" and "retry" in answer["error"]["message"]
    assert table_items(fresh_tables) == before
