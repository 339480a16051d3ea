"""#20: finance finds claims server-side: GET /claims?status&q&campaign&from&to, paged with `next` as before.

Campaign and days narrow by key conditions (gsi3's campaign partition, the sort key's instants), so a filter
reads only the claims it answers with; q is matched in the search text written when the claim is filed.
Claims with chosen campaigns and submission times are filed with the function's own transaction
(claims.store.put_claim); the text search is checked on claims submitted through the API.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest

from tests.functions.claims_client import no_personal_data_in_logs  # noqa: F401  (autouse)
from tests.functions.claims_client import FINANCE, call, invite, line, payee


def listed(**query) -> tuple[list[str], str | None]:
    reply = call("GET", "/claims", claims=FINANCE, query=urlencode(query))
    assert reply.status == 200, reply.body
    return [claim["id"] for claim in reply.body["claims"]], reply.body["next"]


def every_page(**query) -> list[str]:
    found, cursor = [], None
    while True:
        ids, cursor = listed(**query, **({"cursor": cursor} if cursor else {}))
        found += ids
        if not cursor:
            return found


def filed(number: int, at: str, campaign: str = "fair-2026", status: str = "submitted", holder: str = "Lena Lettering",
          description: str = "Train to the fair") -> str:
    """A claim as the function files it, with the submission instant and campaign given, moved on to `status`
    by the legal steps the function takes (finance's or the influencer's)."""
    from claims import store

    claim_id = f"{number:024x}"
    record = {"id": claim_id, "invite_id": "0" * 16, "campaign": campaign, "creator": "someone", "status": "submitted",
              "submitted_at": at, "payee": payee(holder=holder, vat_id=None), "total": 1000, "note": None, "flags": [],
              "lines": [{"date": at[:10], "category": "travel", "description": description, "gross": 1000, "vat": 0,
                         "currency": "EUR"}]}
    store.put_claim(record, {"at": at, "actor": "invite:test", "role": "influencer", "from": None, "to": "submitted"}, [])
    steps = {"paid": ["approved", "paid"], "approved": ["approved"], "needs_info": ["needs_info"], "withdrawn": ["withdrawn"]}
    for to in steps.get(status, []):
        claim = store.get_claim(claim_id)
        role = "influencer" if to == "withdrawn" else "finance"
        store.decide(claim, to, {"at": at, "actor": "x", "role": role, "from": claim["status"], "to": to}, {})
    return claim_id


@pytest.fixture
def reads():
    """The DynamoDB queries the function makes during a test: (index, items read, items returned)."""
    from sharewall_common.aws import client

    seen: list[tuple[str | None, int, int]] = []

    def record(http_response, parsed, model, **_):
        if model.name == "Query":
            seen.append((None, parsed.get("ScannedCount", 0), parsed.get("Count", 0)))

    def index(params, model, **_):
        if model.name == "Query":
            pending.append(params.get("IndexName"))

    pending: list[str | None] = []
    events = client("dynamodb").meta.events
    events.register("provide-client-params.dynamodb.Query", index)
    events.register("after-call.dynamodb.Query", record)
    yield lambda: [(name, scanned, count) for name, (_, scanned, count) in zip(pending, seen, strict=True)]
    events.unregister("provide-client-params.dynamodb.Query", index)
    events.unregister("after-call.dynamodb.Query", record)


def test_campaign_and_site_days_narrow_the_list_by_key_conditions_reading_nothing_else(fresh_tables, reads, monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Europe/Berlin")
    late = filed(1, "2026-03-01T23:30:00.000000+00:00")  # 00:30 on 2 March in Berlin
    before = filed(2, "2026-03-01T22:59:59.999999+00:00")  # 23:59:59 on 1 March in Berlin
    other = filed(3, "2026-03-02T10:00:00.000000+00:00", campaign="brand-2026")
    paid = filed(4, "2026-03-02T11:00:00.000000+00:00", status="paid")
    third = filed(5, "2026-03-03T22:00:00.000000+00:00")  # 23:00 on 3 March in Berlin
    fourth = filed(6, "2026-03-03T23:00:00.000000+00:00")  # 00:00 on 4 March in Berlin

    assert listed(**{"from": "2026-03-02", "to": "2026-03-03"})[0] == [third, other, late]
    assert listed(**{"to": "2026-03-01"})[0] == [before]
    assert listed(**{"from": "2026-03-04"})[0] == [fourth]
    assert listed(campaign="brand-2026")[0] == [other]
    assert listed(campaign="fair-2026", **{"from": "2026-03-02", "to": "2026-03-02"})[0] == [late]
    assert listed(campaign="fair-2026", status="paid")[0] == [paid]
    assert listed(campaign="fair-2099")[0] == []
    # the filtered lists read only what they return: key conditions, no filter over other claims
    assert [(name, scanned) for name, scanned, count in reads() if scanned != count] == []
    assert {name for name, _, _ in reads()} == {"gsi1", "gsi3"}


def test_filtered_pages_follow_next_to_the_end_without_repeats(fresh_tables):
    ids = [filed(number, f"2026-04-{10 + number:02d}T09:00:00.000000+00:00") for number in range(7)]
    filed(20, "2026-04-12T09:30:00.000000+00:00", campaign="brand-2026")
    newest_first = ids[::-1]
    assert every_page(campaign="fair-2026", limit=2) == newest_first
    assert every_page(**{"from": "2026-04-11", "to": "2026-04-15"}, campaign="fair-2026", limit=3) == newest_first[1:6]
    first, cursor = listed(campaign="fair-2026", limit=7)
    assert first == newest_first and cursor is None  # exactly a page: no promise of an empty next one
    _, cursor = listed(campaign="fair-2026", limit=2)
    refused = call("GET", "/claims", claims=FINANCE, query=urlencode({"campaign": "brand-2026", "limit": 2, "cursor": cursor}))
    assert refused.status == 400 and refused.body["error"]["code"] == "bad_cursor"  # another filter's cursor


def test_text_search_finds_payee_invite_name_reference_and_descriptions_however_written(fresh_tables):
    first = invite(name="Studio Sonnenschein")["token"]
    second = invite(name="Ada Atelier")["token"]
    mueller = call("POST", "/claims", {"payee": payee(holder="Jörg Müller"), "lines": [line(None, category="local-transport",
                   gross="12.50", vat="2.00", description="Taxi zur Straßenbahn")]}, token=first, key="filter-text-1")
    other = call("POST", "/claims", {"payee": payee(holder="Ada Lovelace"), "lines": [line(None, category="local-transport",
                 gross="7.00", vat="1.00", description="Bus ticket")]}, token=second, key="filter-text-2")
    assert mueller.status == 201 and other.status == 201, (mueller.body, other.body)
    mueller, other = mueller.body["id"], other.body["id"]

    assert listed(q="MÜLLER")[0] == [mueller]  # case folded
    assert listed(q="strassenbahn")[0] == [mueller]  # ß folded as ss
    assert listed(q="sonnenschein")[0] == [mueller]  # the invite's name
    assert listed(q="bus")[0] == [other]
    assert listed(q=other[3:15])[0] == [other]  # part of the reference
    assert listed(q="  ada ")[0] == [other]  # trimmed
    assert listed(q="nobody")[0] == [] and listed(q="nobody")[1] is None
    assert listed(q="ada", status="approved")[0] == []
    reply = call("GET", "/claims", claims=FINANCE, query=urlencode({"q": "müller"}))
    assert reply.body["totals"]["submitted"]["count"] == 2  # the totals stay per status, not per filter


def test_a_corrected_claim_is_found_by_what_it_says_now(fresh_tables):
    token = invite(name="Studio Sonnenschein")["token"]
    body = {"payee": payee(holder="Alma Alt"), "lines": [line(None, category="local-transport", gross="12.50", vat="2.00",
                                                              description="Taxi")]}
    claim = call("POST", "/claims", body, token=token, key="filter-correct-1").body["id"]
    asked = call("POST", f"/claims/{claim}/decision", {"action": "ask", "expected": "submitted", "question": "Which taxi?"},
                 claims=FINANCE)
    assert asked.status == 200, asked.body
    corrected = {**body, "payee": payee(holder="Nora Neu"), "answer": "The payee changed"}
    reply = call("PUT", f"/claims/{claim}", corrected, token=token, key="filter-correct-2")
    assert reply.status == 200, reply.body
    assert listed(q="nora")[0] == [claim]
    assert listed(q="alma")[0] == []


def test_claims_filed_before_the_search_text_are_found_by_name_or_reference(fresh_tables):
    from claims import store
    from sharewall_common.aws import client

    old = filed(30, "2026-01-05T09:00:00.000000+00:00", holder="Frida Kahlo")
    client("dynamodb").update_item(TableName=store.table(), Key={"pk": {"S": f"CLAIM#{old}"}, "sk": {"S": "CLAIM"}},
                                   UpdateExpression="REMOVE #search", ExpressionAttributeNames={"#search": "search"})
    filed(31, "2026-01-06T09:00:00.000000+00:00", holder="Diego Rivera")
    assert listed(q="Kahlo")[0] == [old]
    assert listed(q=old[-8:])[0] == [old]


def test_a_long_text_search_reads_in_bounded_pages_and_next_goes_on(fresh_tables, monkeypatch):
    from claims import store

    monkeypatch.setattr(store, "SEARCH_READ", 4)
    wanted = [filed(40 + n, f"2026-05-{1 + n:02d}T09:00:00.000000+00:00", holder="Rare Name" if n in (0, 3) else "Common")
              for n in range(9)]
    first, cursor = listed(q="rare")
    assert first == [] and cursor  # the newest four read, none matched: the search goes on from there
    assert every_page(q="rare") == [wanted[3], wanted[0]]


@pytest.mark.parametrize("query, field, code", [
    ({"from": "2026-02-30"}, "query.from", "invalid_date"),
    ({"to": "1.3.2026"}, "query.to", "invalid_date"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "query.to", "before_from"),
    ({"campaign": "Fair 2026!"}, "query.campaign", "invalid"),
    ({"q": "a\x00b"}, "query.q", "control_character"),
    ({"q": "x" * 101}, "query.q", "too_long"),
    ({"status": "archived"}, "query.status", "not_allowed"),
])
def test_a_bad_filter_is_refused_naming_its_field(fresh_tables, query, field, code):
    reply = call("GET", "/claims", claims=FINANCE, query=urlencode(query))
    assert reply.status == 400 and reply.body["error"]["code"] == "invalid_request", reply.body
    assert {"field": field, "code": code}.items() <= reply.body["error"]["fields"][0].items()


@pytest.mark.parametrize("status", ["needs_info", "withdrawn"])
def test_the_new_statuses_are_listed(fresh_tables, status):
    claim = filed(50, "2026-06-01T09:00:00.000000+00:00", status=status)
    assert listed(status=status)[0] == [claim]
    assert listed(status=status, campaign="fair-2026")[0] == [claim]


def test_a_filtered_list_is_for_finance_only(fresh_tables):
    assert call("GET", "/claims", claims={"sub": "x", "groups": ["employee", "comms"]}, query="q=a").status == 403
