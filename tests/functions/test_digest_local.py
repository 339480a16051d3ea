"""The digest on `sharewall serve`: `--parameter DigestTeamsWebhookUrl=` (a secret on AWS, made locally) and the
dev server's `POST /_local/run/DigestFunction`, which runs the scheduled function now and only for this machine."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from site_builder.local.scheduled import LocalRunRefused, check_local
from tests.functions.test_digest import Receiver
from tests.local_serve import ServeProcess, request

RUN = "_local/run/DigestFunction"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The repository's wall on `sharewall serve` with the digest posting to a loopback Workflow, in German only."""
    receiver = Receiver()
    server = ServeProcess(tmp_path_factory.mktemp("digest-served"), parameters=(
        f"DigestTeamsWebhookUrl={receiver.url}", "DigestLanguages=de",
        "DigestEmailTo=de=wall-de@example.com", "DigestEmailFrom=wall@example.com"))
    yield server.url, receiver
    server.stop()
    receiver.stop()


def test_the_local_route_runs_the_digest_now_once_a_day(served):
    url, receiver = served
    posts = json.loads(request(url + "posts.json")[2])["posts"]
    first = min(posts, key=lambda post: post["publish"])  # the wall's oldest post, an hour after it appeared
    at = datetime.fromisoformat(first["publish"]) + timedelta(hours=1)
    expected = [post["slug"] for post in posts if at - timedelta(hours=24) < datetime.fromisoformat(post["publish"]) <= at]

    status, _, body = request(url + RUN, "POST", {"scheduled": at.isoformat()})
    assert status == 200, body
    result = json.loads(body)
    assert result["function"] == "DigestFunction"
    assert {(o["channel"], o["language"], o["result"], tuple(o["posts"])) for o in result["result"]["outcomes"]} == {
        ("teams", "de", "sent", tuple(expected)), ("email", "de", "sent", tuple(expected))}
    (card,) = receiver.cards()
    assert card["lang"] == "de" and first["title"] in json.dumps(card, ensure_ascii=False)
    share = card["body"][2]["items"][-1]["actions"][0]
    assert share["title"] == "Teilen" and share["url"].endswith(f"/posts/{first['slug']}/")

    status, _, body = request(url + RUN, "POST", {"scheduled": (at + timedelta(minutes=5)).isoformat()})
    assert status == 200 and {o["result"] for o in json.loads(body)["result"]["outcomes"]} == {"nothing new"}
    assert len(receiver.bodies) == 1


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Origin": "null"}])
def test_a_page_of_another_site_cannot_run_it(served, headers):
    url, receiver = served
    before = len(receiver.bodies)
    status, _, body = request(url + RUN, "POST", None, headers)
    assert status == 403 and b"another site" in body
    assert len(receiver.bodies) == before


def test_only_this_servers_loopback_names_and_known_functions(served):
    url, _ = served
    port = url.rstrip("/").rsplit(":", 1)[1]
    status, _, _ = request(url + RUN, "POST", None, {"Host": f"wall.example.com:{port}"})
    assert status == 421  # a page whose name resolves to 127.0.0.1 (DNS rebinding) reaches nothing
    status, _, body = request(url + "_local/run/SharesFunction", "POST")
    assert status == 404 and b"DigestFunction" in body  # an API function is no scheduled one
    status, _, body = request(url + RUN, "POST", {"scheduled": "tomorrow"})
    assert status == 400


def test_a_request_from_another_machine_is_refused():
    with pytest.raises(LocalRunRefused) as refused:
        check_local("192.0.2.10", None, None, "http://127.0.0.1:8000")
    assert refused.value.status == 403 and "from this machine" in str(refused.value)
    check_local("127.0.0.1", "http://127.0.0.1:8000", "same-origin", "http://127.0.0.1:8000")  # curl, or the page itself
    check_local("::1", None, None, "http://[::1]:8000")


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    """The wall behind production's gate (WallAccess=employees) with the digest posting to a loopback Workflow."""
    receiver = Receiver()
    site = tmp_path_factory.mktemp("digest-gated")
    server = ServeProcess(site, parameters=("WallAccess=employees", f"DigestTeamsWebhookUrl={receiver.url}",
                                            "DigestLanguages=de"))
    yield server.url, site, receiver
    server.stop()
    receiver.stop()


def test_behind_the_gate_the_digest_reads_the_site_bucket_as_in_production(gated):
    url, site, receiver = gated
    _, _, body = request(url + "posts.json")
    assert b"<html" in body.lower() and b'"posts"' not in body  # over HTTP the gate answers with the sign-in page
    posts = json.loads((site / "posts.json").read_text(encoding="utf-8"))["posts"]
    first = min(posts, key=lambda post: post["publish"])
    at = datetime.fromisoformat(first["publish"]) + timedelta(hours=1)
    status, _, body = request(url + RUN, "POST", {"scheduled": at.isoformat()})
    assert status == 200, body
    (outcome,) = json.loads(body)["result"]["outcomes"]
    assert (outcome["channel"], outcome["result"]) == ("teams", "sent") and first["slug"] in outcome["posts"]
    assert first["title"] in json.dumps(receiver.cards(), ensure_ascii=False)
