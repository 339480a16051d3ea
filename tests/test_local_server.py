"""`sharewall serve`: the site, /api turned into HTTP API v2 events for the real handlers, dev identities."""

from __future__ import annotations

import json

import pytest

from tests.local_serve import ServeProcess, request, share, stats
from site_builder.local.devauth import dev_token
from site_builder.local.events import claim_value, http_event
from site_builder.local.template import find_route, http_routes, load_template, parameter_overrides


def test_serves_the_built_site_and_the_dev_signin(local_server):
    status, headers, body = request(local_server)
    assert status == 200 and b"<html" in body.lower() and "text/html" in headers["content-type"]
    status, _, body = request(local_server + "_dev/signin?next=/stats/")
    assert status == 200 and b"sharewall.token" in body and b"sessionStorage" in body


def test_api_requests_reach_the_real_handler_with_the_dev_identity(local_server):
    before = stats(local_server)["totals"]["shares"]
    status, _, body = share(local_server, "local-anna", network="mastodon")
    assert status == 201, body
    assert json.loads(body)["network"] == "mastodon"
    token = dev_token("local-ben", ["employee", "comms"])
    result = stats(local_server, Authorization=f"Bearer {token}")
    assert result["totals"]["shares"] == before + 1
    assert any(row["network"] == "mastodon" and row["shares"] >= 1 for row in result["by_network"])


def test_without_identity_the_authorizer_refuses_like_api_gateway(local_server):
    status, _, body = request(local_server + "api/stats")
    assert status == 401 and json.loads(body) == {"message": "Unauthorized"}
    status, _, _ = request(local_server + "api/stats", headers={"Authorization": "Bearer not-a-token"})
    assert status == 401
    status, _, _ = request(local_server + "api/stats", headers={"X-Sharewall-Dev-User": "x",
                                                              "X-Sharewall-Dev-Roles": "root"})
    assert status == 401


def test_handler_errors_come_back_as_json(local_server):
    status, _, body = share(local_server, "local-anna", network="myspace")
    assert status == 400 and "network" in json.loads(body)["error"]["message"]
    status, _, body = request(local_server + "api/nothing-here")
    assert status == 404 and json.loads(body)


def test_data_survives_a_restart_with_the_data_option(tmp_path):
    data = tmp_path / "state.json"
    # three people are enough once the minimum group size is set to three
    first = ServeProcess(tmp_path / "site", data, parameters=("StatsMinimumPeople=3",))
    try:
        for person in ("p1", "p2", "p3"):
            assert share(first.url, person, post="q3-results")[0] == 201
    finally:
        first.stop()
    assert data.is_file()
    second = ServeProcess(tmp_path / "site", data, parameters=("StatsMinimumPeople=3",))
    try:
        result = stats(second.url)
        assert result["min_people"] == 3
        assert result["totals"]["shares"] == 3 and result["series"][-1]["people"] == 3
        # the pseudonym secret survived too: a known person is not counted again
        assert share(second.url, "p1", post="q3-results")[0] == 201
        assert stats(second.url)["series"][-1]["people"] == 3
    finally:
        second.stop()


def test_a_lone_share_is_withheld_under_the_templates_minimum_group_size(sparse_server):
    # two colleagues shared today already: with this third person still fewer than five
    assert share(sparse_server, "alone")[0] == 201
    result = stats(sparse_server)
    assert result["min_people"] == 5 and result["series"][-1]["withheld"] is True
    assert result["totals"]["shares"] == 0 and result["by_network"] == []


def test_template_parameters_are_checked_like_cloudformation_does():
    template = load_template("template.yaml")
    assert parameter_overrides(template, ["StatsMinimumPeople=1", "Timezone=UTC"]) == {
        "StatsMinimumPeople": "1", "Timezone": "UTC"}
    for pair, mentions in (("Nope=1", "StatsMinimumPeople"), ("StatsMinimumPeople", "NAME=VALUE"),
                           ("StatsMinimumPeople=0", "minimum of 1"), ("StatsMinimumPeople=many", "not a number"),
                           ("SiteOrigin=ftp://x", "does not match")):
        with pytest.raises(ValueError, match=mentions):
            parameter_overrides(template, [pair])


def test_events_look_like_api_gateways():
    event = http_event("GET", "/stats", query="from=2026-11-01&granularity=day&x=1&x=2",
                       headers={"Cookie": "a=1; b=2", "X-Thing": "v"}, claims={"sub": "u", "groups": ["a", "b"]})
    assert event["version"] == "2.0" and event["rawPath"] == "/stats"
    assert event["queryStringParameters"] == {"from": "2026-11-01", "granularity": "day", "x": "1,2"}
    assert event["cookies"] == ["a=1", "b=2"] and event["headers"] == {"x-thing": "v"}
    assert event["requestContext"]["authorizer"]["jwt"]["claims"] == {"sub": "u", "groups": "[a b]"}
    assert claim_value(["employee"]) == "[employee]"


def test_routes_come_from_the_template():
    routes = http_routes(load_template("template.yaml"))
    route, params = find_route(routes, "POST", "/shares")
    assert route.handler == "shares.app.lambda_handler" and params == {}
    assert find_route(routes, "GET", "/shares") is None


def test_claims_routes_are_served_too_and_links_point_back_to_the_local_site(local_server):
    comms = {"X-Sharewall-Dev-User": "dev-comms", "X-Sharewall-Dev-Roles": "employee,comms"}
    status, _, body = request(local_server + "api/invites", "POST",
                              {"name": "Dev Influencer", "email": "dev@example.com", "campaign": "dev-invite"}, comms)
    assert status == 201, body
    assert json.loads(body)["link"].startswith(local_server + "claim/#invite=")
    status, _, _ = request(local_server + "api/invites", headers={"X-Sharewall-Dev-User": "anna"})
    assert status == 403


def test_the_signin_page_offers_every_role_and_an_influencer_invite(local_server):
    _, _, body = request(local_server + "_dev/signin")
    page = body.decode()
    for role in ("employee", "comms", "finance"):
        assert f'value="{role}"' in page
    assert 'id="influencer"' in page and "__" not in page and 'fetch("/api/invites"' in page
