"""A share through the device's share sheet (Web Share API) counts as network `system`, for any post on the wall;
other names outside the post's networks are still refused."""

from __future__ import annotations

import uuid

# the shares tests' autouse fixtures too: every period shown, the container's markers forgotten
from tests.functions.test_shares import _forget_markers, _show_every_period, share, stats  # noqa: F401


def test_a_share_sheet_share_counts_as_system_even_on_a_post_with_one_network(fresh_tables):
    status, body = share(post="email-only", network="system", personalised=True)
    assert status == 201, body
    assert (body["network"], body["source"], body["replayed"]) == ("system", "people", False)
    result = stats()
    assert result["by_network"] == [{"network": "system", "shares": 1}]
    assert result["totals"]["shares"] == 1


def test_the_same_key_sent_twice_from_the_share_sheet_counts_once(fresh_tables):
    key = str(uuid.uuid4())
    assert share(post="q3-results", network="system", key=key)[0] == 201
    status, body = share(post="q3-results", network="system", key=key)
    assert status == 200 and body["replayed"] is True
    assert stats()["totals"]["shares"] == 1


def test_a_network_the_post_does_not_offer_and_an_unknown_name_are_still_refused(fresh_tables):
    status, body = share(post="email-only", network="x")
    assert status == 400 and body["error"]["code"] == "network_not_offered"
    status, body = share(post="email-only", network="telegram")
    assert status == 400 and body["error"]["fields"][0]["field"] == "network", body
    assert "system" in body["error"]["message"]
    assert stats()["totals"]["shares"] == 0
