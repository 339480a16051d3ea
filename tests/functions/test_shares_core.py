"""The pure parts under the shares function: periods, identity from claims, pseudonyms, body cap, cold start."""

from __future__ import annotations

import gc
import json
from datetime import date

import pytest

from shares.counting import GRANULARITIES, Share, transaction
from sharewall_common.periods import period_end_epoch, period_key, period_keys
from sharewall_common.api import capped_json
from sharewall_common.coldstart import cold_start
from sharewall_common.errors import Forbidden, PayloadTooLarge, Unauthorized, describe_validation
from sharewall_common.identity import identity_of, parse_groups
from sharewall_common.pseudonym import pseudonym
from site_builder.local.events import http_event


@pytest.mark.parametrize("day, granularity, key", [
    (date(2026, 11, 26), "day", "2026-11-26"),
    (date(2026, 11, 26), "week", "2026-W48"),
    (date(2027, 1, 1), "week", "2026-W53"),  # ISO: Friday 1 Jan 2027 belongs to 2026's last week
    (date(2026, 12, 31), "month", "2026-12"),
])
def test_period_keys(day, granularity, key):
    assert period_key(day, granularity) == key


def test_period_ranges_cover_every_period_once_and_sort_as_text():
    weeks = period_keys(date(2026, 12, 20), date(2027, 1, 12), "week")
    assert weeks == ["2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert weeks == sorted(weeks)
    assert period_keys(date(2026, 1, 31), date(2026, 3, 1), "month") == ["2026-01", "2026-02", "2026-03"]


def test_a_period_ends_at_local_midnight():
    # 27 Nov 2026 00:00 in Berlin (UTC+1) is 26 Nov 23:00 UTC
    assert period_end_epoch(date(2026, 11, 26), "day") == 1795734000


@pytest.mark.parametrize("value, roles", [
    ("[employee comms]", set()),  # flattened text cannot be told from a string: no group (test_roles_fail_closed.py)
    ("[employee]", set()),
    ("employee", {"employee"}),
    (["finance", "employee"], {"finance", "employee"}),
    ("employee,comms", {"employee,comms"}),  # one name: see test_roles.py for the whole table
    ("[]", set()),
    (None, set()),
])
def test_groups_as_api_gateway_passes_them(value, roles):
    assert parse_groups(value) == roles


def test_identity_from_the_authorizers_claims(monkeypatch):
    event = http_event("GET", "/stats", claims={"sub": "u-1", "groups": ["employee", "marketing"]})
    caller = identity_of(event)
    assert caller.subject == "u-1" and caller.roles == {"employee"}
    with pytest.raises(Forbidden):
        caller.require("finance")
    monkeypatch.setenv("GROUPS_CLAIM", "cognito:groups")
    event = http_event("GET", "/stats", claims={"sub": "u-1", "cognito:groups": ["finance"]})
    assert identity_of(event).roles == {"finance"}
    with pytest.raises(Unauthorized):
        identity_of(http_event("GET", "/stats"))


def test_pseudonyms_are_keyed_and_differ_between_periods():
    day = pseudonym("anna", "day#2026-11-26", b"secret")
    assert day == pseudonym("anna", "day#2026-11-26", b"secret") and "anna" not in day
    assert day != pseudonym("anna", "day#2026-11-27", b"secret")
    assert day != pseudonym("anna", "day#2026-11-26", b"other secret")


def test_one_transaction_holds_record_counters_and_markers_without_identity():
    items = transaction("T", "key-12345678", Share("p", "x", True, "s"), "anna", date(2026, 11, 26), 0.0,
                        frozenset(GRANULARITIES), b"secret")
    assert [next(iter(item)) for item in items] == ["Put", "Update", "Update", "Update", "Put", "Put", "Put"]
    assert items[0]["Put"]["ConditionExpression"] == "attribute_not_exists(pk)"
    assert all(item["Put"]["ConditionExpression"] == "attribute_not_exists(pk)" for item in items[4:])
    assert "anna" not in json.dumps(items)
    without_people = transaction("T", "key-12345678", Share("p", "x", True, "s"), "anna", date(2026, 11, 26), 0.0,
                                 frozenset(), b"secret")
    assert len(without_people) == 4 and "people" not in json.dumps(without_people)


def test_bodies_over_the_cap_are_refused_before_parsing():
    parse = capped_json(10)
    assert parse('{"a": 1}') == {"a": 1}
    with pytest.raises(PayloadTooLarge):
        parse('{"a": "' + "ä" * 5 + '"}')  # 13 bytes in UTF-8


def test_validation_errors_name_the_field():
    message = describe_validation([{"loc": ("body", "network"), "msg": "Input should be 'x'", "type": "literal_error"},
                                   {"loc": ("header", "idempotency-key"), "msg": "Field required", "type": "missing"}])
    assert message == "network: Input should be 'x'; header.idempotency-key: required"


def test_the_cold_start_pauses_collection_and_freezes_what_set_up_made():
    assert gc.isenabled()
    try:
        with cold_start():
            assert not gc.isenabled()
            made_during_set_up = [[n] for n in range(1000)]
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen >= len(made_during_set_up)
        with pytest.raises(RuntimeError), cold_start():  # a failed set-up still turns collection back on
            raise RuntimeError("import failed")
        assert gc.isenabled()
        gc.disable()  # a caller that had collection off keeps it off
        with cold_start():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


class Wall:
    """The catalogue as the site serves it, a clock and a switch to take the site down."""

    def __init__(self):
        self.now, self.down, self.fetches = 0.0, False, 0
        self.posts = [{"slug": "a", "source": "comms", "networks": ["x", "email"]}]

    def download(self, name: str) -> bytes:
        assert name == "catalogue.json"
        self.fetches += 1
        if self.down:
            raise OSError("connection refused")
        return json.dumps({"generated": "now", "posts": self.posts}).encode()


def test_the_catalogue_is_kept_for_minutes_and_a_rebuilt_wall_is_seen_after():
    from shares.catalogue import Catalogue, Entry
    from sharewall_common.published import FRESH_SECONDS

    wall = Wall()
    catalogue = Catalogue(wall.download, lambda: wall.now)
    assert catalogue.entry("a") == Entry("comms", frozenset({"x", "email"}))
    assert catalogue.entry("b") is None and wall.fetches == 1
    wall.posts.append({"slug": "b", "source": "hr", "networks": ["linkedin"]})
    wall.now = FRESH_SECONDS - 1
    assert catalogue.entry("b") is None and wall.fetches == 1
    wall.now = FRESH_SECONDS
    assert catalogue.entry("b") == Entry("hr", frozenset({"linkedin"})) and wall.fetches == 2


def test_a_site_that_is_down_keeps_the_copy_at_hand_and_is_asked_again_soon(monkeypatch):
    from shares.catalogue import Catalogue, CatalogueUnavailable
    from sharewall_common.published import FRESH_SECONDS, RETRY_SECONDS

    monkeypatch.setenv("SITE_URL", "https://wall.example.com/")
    monkeypatch.setenv("SITE_BUCKET", "")
    wall = Wall()
    wall.down = True
    catalogue = Catalogue(wall.download, lambda: wall.now)
    with pytest.raises(CatalogueUnavailable, match="wall.example.com/sharewall/catalogue.json"):
        catalogue.entry("a")
    with pytest.raises(CatalogueUnavailable):
        catalogue.entry("a")
    assert wall.fetches == 1  # not asked again at once
    wall.down, wall.now = False, RETRY_SECONDS
    assert catalogue.entry("a").source == "comms"
    wall.down, wall.now = True, RETRY_SECONDS + FRESH_SECONDS
    assert catalogue.entry("a").source == "comms" and wall.fetches == 3  # stale beats nothing


@pytest.mark.parametrize("data", [b"<html>not json</html>", b'{"posts": [{"slug": "a"}]}', b'{"pages": []}',
                                  b"[1, 2]"])
def test_something_that_is_not_a_catalogue_is_not_taken_for_one(data):
    from shares.catalogue import Catalogue, CatalogueUnavailable

    with pytest.raises(CatalogueUnavailable):
        Catalogue(lambda name: data).entry("a")


def test_published_files_are_read_from_the_site_bucket_in_production_and_the_site_locally():
    from shares.catalogue import PATH
    from site_builder.wall import CATALOGUE_PATH
    from sharewall_common.published import location

    assert PATH == CATALOGUE_PATH  # where the build writes it is where the function looks
    local = {"SITE_URL": "https://intranet.example.com/wall/", "SITE_BUCKET": ""}
    assert location("catalogue.json", local) == "https://intranet.example.com/wall/sharewall/catalogue.json"
    production = {**local, "SITE_BUCKET": "sharewall-site-123"}
    assert location("expenses.json", production) == "s3://sharewall-site-123/sharewall/expenses.json"
