"""Suggestions end to end in Debian's Chromium against a real `sharewall serve`: an employee suggests posts
on "Beitrag vorschlagen" (field refusals first), comms accept one (the editor's draft branch, cms/posts/<year>/<slug>,
in the test server's temporary git repository, never this checkout's) and decline another with a reason, and the employee sees
both decisions. Everyone else meets an explanation instead of a form that fails. Every page runs under the
served CSP (offline_context fails on a violation) and axe finds nothing serious."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import uuid
from contextlib import ExitStack

import pytest

from site_builder.local.devauth import dev_token
from tests.browser.support import axe_violations, dev_sign_in, offline_context
from tests.local_serve import ROOT, ServeProcess, request

pytestmark = pytest.mark.browser

FORM = "[data-sw-suggest-form]"
SHOWN_ERRORS = f"{FORM} .sw-field__error:not([hidden])"


def git(repository, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repository), *args], check=True, capture_output=True, text=True,
                          timeout=30).stdout.strip()


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    """A `sharewall serve` of its own; it writes accepted suggestions into a temporary git repository
    (`git_dir`), never into this checkout's."""
    process = ServeProcess(tmp_path_factory.mktemp("suggest-site"))
    assert process.git_dir.resolve() != ROOT.resolve()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def server(serve) -> str:
    return serve.url


@pytest.fixture
def new_page(browser, server):
    """Fresh pages, each in a browser context of its own (one per person); errors and CSP violations fail."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(offline_context(browser)).new_page()


def posts_to_api(page, path: str) -> list[str]:
    """The list that collects every POST the page sends to an /api path matching the pattern `path`."""
    sent: list[str] = []
    pattern = re.compile(r"/api" + path + r"(\?|$)")
    page.on("request", lambda req: sent.append(req.url) if req.method == "POST" and pattern.search(req.url) else None)
    return sent


def suggest(base: str, user: str, title: str, **fields) -> dict:
    """POST /api/suggestions as the dev employee `user`; the stored suggestion."""
    body = {"link": f"https://blog.example.com/{uuid.uuid4().hex[:8]}", "title": title,
            "why": "Zeigt, wie wir arbeiten.", "language": "de", "rights": True, **fields}
    status, _, answer = request(base + "api/suggestions", "POST", body,
                                {"X-Sharewall-Dev-User": user, "X-Sharewall-Dev-Roles": "employee",
                                 "Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, answer
    return json.loads(answer)


def sign_in_named(page, base: str, user: str, name: str, next_path: str) -> None:
    """Sign in as the employee `user` whose token, like the identity provider's, carries a display `name`."""
    dev_sign_in(page, base, user, ["employee"], next_path)
    header, claims, _ = dev_token(user, ["employee"]).split(".")
    payload = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    named = base64.urlsafe_b64encode(json.dumps({**payload, "name": name}).encode()).rstrip(b"=").decode()
    page.evaluate("token => sessionStorage.setItem('sharewall.token', token)", f"{header}.{named}.")
    page.reload()


def fill_suggestion(page, link: str, title: str, why: str = "Kolleginnen fragen oft danach.") -> None:
    page.fill(f"{FORM} input[name=link]", link)
    page.fill(f"{FORM} input[name=title]", title)
    page.fill(f"{FORM} textarea[name=why]", why)
    page.check(f"{FORM} input[name=rights]")


def filter_list(page, **choices: str) -> None:
    """Choose the review page's filters and wait until the list shows only what they select."""
    for name, value in choices.items():
        page.select_option(f"[data-sw-review-filters] select[name={name}]", value)
    wanted = {name: value for name, value in choices.items() if name in ("status", "language")}
    page.wait_for_function("""wanted => {
        const items = [...document.querySelectorAll('[data-sw-review-list] article')];
        return items.length > 0 && items.every(item => Object.entries(wanted).every(([k, v]) => item.dataset[k] === v));
    }""", arg=wanted)


def card(page, title: str):
    return page.locator("article.sw-suggest__item", has=page.locator(".sw-suggest__title", has_text=title))


def test_suggest_accept_decline_and_the_employee_sees_the_decisions(new_page, server, serve):
    tag = uuid.uuid4().hex[:6]
    accepted, declined = f"Mein Vortrag zu Arm {tag}", f"Mein Blog über Kaffee {tag}"
    employee = new_page()
    sign_in_named(employee, server, f"erika-{tag}", f"Erika Mustermann {tag}", "/suggest/")
    posts = posts_to_api(employee, "/suggestions")
    employee.locator(f"{FORM} input[name=topics]").first.wait_for()  # the wall's topics arrived

    # an empty form: every required field says what it needs, nothing is sent
    employee.click(f"{FORM} [data-sw-submit]")
    errors = employee.locator(SHOWN_ERRORS)
    assert errors.count() == 4
    for name in ("link", "title", "why", "rights"):
        control = employee.locator(f"{FORM} [name={name}]")
        assert control.get_attribute("aria-invalid") == "true"
        assert control.evaluate("node => node.closest('.sw-field').querySelector('.sw-field__error').textContent")
    assert "Bestätige, dass der Beitrag öffentlich ist" in employee.locator(f"{FORM} #sw-suggest-rights-error").inner_text()
    assert employee.evaluate("document.activeElement.name") == "link"
    assert posts == []

    # a link that is not https: said at the link field before anything is sent
    fill_suggestion(employee, "http://blog.example.com/kein-https", accepted)
    employee.check(f"{FORM} input[name=topics] >> nth=0")
    employee.click(f"{FORM} [data-sw-submit]")
    link_error = employee.locator(f"{FORM} .sw-field:has(input[name=link]) .sw-field__error")
    assert "beginnt mit https://" in link_error.inner_text()
    assert employee.locator(SHOWN_ERRORS).count() == 1 and posts == []

    # a link only the API refuses (a space): its rule next to the link field, in German, no API path;
    # the form is kept
    employee.fill(f"{FORM} input[name=link]", "https://blog.example.com/mit leerzeichen")
    employee.click(f"{FORM} [data-sw-submit]")
    employee.wait_for_function("() => !document.querySelector('[data-sw-submit]').disabled && "
                               "document.querySelector('[data-sw-suggest-status]').textContent.includes('korrigiere')")
    assert "beginnt mit https://" in link_error.inner_text() and link_error.is_visible()
    assert employee.locator(SHOWN_ERRORS).count() == 1 and len(posts) == 1
    assert "link:" not in employee.locator("[data-sw-suggest]").inner_text()
    assert employee.input_value(f"{FORM} input[name=title]") == accepted
    assert not axe_violations(employee)

    # the corrected suggestion: one POST for a double click, a confirmation, an empty form, listed as offen
    employee.fill(f"{FORM} input[name=link]", f"https://blog.example.com/arm-{tag}")
    employee.fill(f"{FORM} textarea[name=text]", "Ich habe erzählt, wie wir auf Arm umgestiegen sind.")
    employee.check(f"{FORM} input[name=name_me]")
    employee.dblclick(f"{FORM} [data-sw-submit]")
    employee.locator("[data-sw-suggest-status].sw-claims__status--ok").wait_for()
    assert len(posts) == 2
    assert employee.input_value(f"{FORM} input[name=title]") == ""
    assert not employee.is_checked(f"{FORM} input[name=rights]")
    assert employee.locator(SHOWN_ERRORS).count() == 0
    mine = card(employee, accepted)
    mine.wait_for()
    assert mine.get_attribute("data-status") == "open" and "offen" in mine.locator("[data-sw-status]").inner_text()

    fill_suggestion(employee, f"https://blog.example.com/kaffee-{tag}", declined)
    employee.click(f"{FORM} [data-sw-submit]")
    card(employee, declined).wait_for()
    assert not axe_violations(employee)

    # comms: the queue, oldest first, with the name only where it was given
    comms = new_page()
    dev_sign_in(comms, server, f"comms-{tag}", ["employee", "comms"], "/suggestions/")
    decisions = posts_to_api(comms, r"/suggestions/\w+/decision")
    comms.wait_for_selector("[data-sw-review-list] article")
    first, second = card(comms, accepted), card(comms, declined)
    titles = comms.locator("[data-sw-review-list] .sw-suggest__title").all_inner_texts()
    assert titles.index(accepted) < titles.index(declined)
    assert "Ich habe erzählt" in first.inner_text()
    assert first.locator("[data-sw-by]").inner_text() == f"Vorgeschlagen von Erika Mustermann {tag}"
    assert "möchte nicht genannt werden" in second.locator("[data-sw-by]").inner_text()
    assert "Erika" not in second.inner_text()
    assert not axe_violations(comms)

    # accept: one request for a double click; the local branch is shown and holds the draft post
    first.locator("[data-sw-accept]").dblclick()
    accepted_card = card(comms, accepted)
    accepted_card.locator("[data-sw-pr]").wait_for()
    assert accepted_card.get_attribute("data-status") == "accepted" and len(decisions) == 1
    branch = accepted_card.locator("[data-sw-pr] code").inner_text()
    files = git(serve.git_dir, "ls-tree", "-r", "--name-only", branch).splitlines()
    post = next(name for name in files if name.startswith("content/posts/"))
    # the editor's branch of the post and its status (a draft on the local editor's workflow board)
    assert branch == "cms/posts/" + post.removeprefix("content/posts/").removesuffix(".md")
    assert git(serve.git_dir, "config", f"branch.{branch}.description").strip() == "decap-cms/draft"
    text = git(serve.git_dir, "show", f"{branch}:{post}")
    assert accepted in text and "draft: true" in text
    assert accepted_card.locator("[data-sw-accept]").count() == 0

    # decline: the reason is required, inline
    second.locator("[data-sw-decline]").click()
    reason = second.locator("textarea[name=reason]")
    assert reason.evaluate("node => node === document.activeElement")
    second.locator("[data-sw-confirm-decline]").click()
    assert reason.get_attribute("aria-invalid") == "true" and len(decisions) == 1
    reason.fill("Passt gerade nicht zu unseren Themen.")
    second.locator("[data-sw-confirm-decline]").click()
    declined_card = card(comms, declined)
    declined_card.locator("[data-sw-reason]").wait_for()
    assert declined_card.get_attribute("data-status") == "declined" and len(decisions) == 2
    assert "abgelehnt" in declined_card.locator("[data-sw-status]").inner_text()

    # the filters: declined shows the declined one only
    filter_list(comms, status="declined")
    assert card(comms, declined).count() == 1 and card(comms, accepted).count() == 0
    assert not axe_violations(comms)

    # the employee sees both decisions, and the reason
    employee.reload()
    card(employee, accepted).locator("[data-sw-status]").wait_for()
    assert card(employee, accepted).get_attribute("data-status") == "accepted"
    assert "angenommen" in card(employee, accepted).locator("[data-sw-status]").inner_text()
    refused = card(employee, declined)
    assert refused.get_attribute("data-status") == "declined"
    assert refused.locator("[data-sw-reason]").inner_text() == "Passt gerade nicht zu unseren Themen."
    assert re.search(r"wird am \d\d\.\d\d\.\d{4} gelöscht", refused.locator(".sw-suggest__meta").inner_text())
    assert "Erika" not in employee.locator("[data-sw-mine]").inner_text()


def test_load_more_appends_only_the_next_page_and_the_topic_filter_asks_the_api(new_page, server):
    tag = uuid.uuid4().hex[:6]
    for n in range(22):  # three colleagues, under the daily limit of ten each
        suggest(server, f"many-{tag}-{n % 3}", f"Beitrag {tag} Nummer {n:02d}", topics=["events"] if n == 21 else [])
    comms = new_page()
    dev_sign_in(comms, server, f"comms-{tag}", ["employee", "comms"], "/suggestions/")
    items = comms.locator("[data-sw-review-list] article")
    comms.wait_for_function("() => document.querySelectorAll('[data-sw-review-list] article').length > 0")
    assert items.count() == 20
    first_page = [items.nth(i).get_attribute("data-suggestion") for i in range(20)]
    comms.click("[data-sw-more]")
    comms.wait_for_function("() => document.querySelectorAll('[data-sw-review-list] article').length > 20")
    ids = [items.nth(i).get_attribute("data-suggestion") for i in range(items.count())]
    assert ids[:20] == first_page and len(set(ids)) == len(ids)
    assert any(f"Beitrag {tag} Nummer 21" in text for text in
               comms.locator("[data-sw-review-list] .sw-suggest__title").all_inner_texts())

    # the topic filter names topics by their German labels (content/topics.yml), sorted by them
    options = comms.locator("[data-sw-review-filters] select[name=topic] option")
    assert options.evaluate_all("os => os.map(o => [o.value, o.textContent])")[:3] == [
        ["", "Alle"], ["work", "Arbeitswelt"], ["accessibility", "Barrierefreiheit"]]
    with comms.expect_request(re.compile(r"/api/suggestions\?.*topic=events")):
        comms.select_option("[data-sw-review-filters] select[name=topic]", label="Veranstaltungen")
    comms.wait_for_function("() => !document.querySelector('[data-sw-review-status]').textContent.includes('Lädt')")
    titles = comms.locator("[data-sw-review-list] .sw-suggest__title").all_inner_texts()
    assert f"Beitrag {tag} Nummer 21" in titles and f"Beitrag {tag} Nummer 20" not in titles
    assert card(comms, f"Beitrag {tag} Nummer 21").locator(".sw-topics li").all_inner_texts() == ["Veranstaltungen"]


def test_the_suggest_form_offers_the_walls_topics_by_their_labels(new_page, server):
    tag = uuid.uuid4().hex[:6]
    suggest(server, f"labels-{tag}", f"Mit Thema {tag}", topics=["sustainability", "events"])
    page = new_page()
    dev_sign_in(page, server, f"labels-{tag}", ["employee"], "/suggest/")
    page.locator(f"{FORM} input[name=topics]").first.wait_for()
    choices = page.locator(f"{FORM} .sw-suggest__choice").evaluate_all(
        "labels => labels.map(l => [l.querySelector('input').value, l.textContent.trim()])")
    index = json.loads(request(server + "sharewall/index.json")[2])
    assert sorted(value for value, _ in choices) == sorted(index["topics"])
    assert ["sustainability", "Nachhaltigkeit"] in choices and ["events", "Veranstaltungen"] in choices
    assert [label for _, label in choices] == sorted(label for _, label in choices)
    # the employee's own suggestion lists its topics by label too
    mine = card(page, f"Mit Thema {tag}")
    mine.wait_for()
    assert mine.locator(".sw-topics li").all_inner_texts() == ["Nachhaltigkeit", "Veranstaltungen"]


def test_the_daily_limit_is_said_in_german_and_the_form_kept(new_page, server):
    user = f"busy-{uuid.uuid4().hex[:6]}"
    for n in range(10):
        suggest(server, user, f"Schon vorgeschlagen {n}")
    page = new_page()
    dev_sign_in(page, server, user, ["employee"], "/suggest/")
    fill_suggestion(page, "https://blog.example.com/elfter", "Der elfte Vorschlag")
    page.click(f"{FORM} [data-sw-submit]")
    status = page.locator("[data-sw-suggest-status].sw-claims__status--error")
    status.wait_for()
    assert "10 Vorschläge" in status.inner_text()
    assert page.input_value(f"{FORM} input[name=title]") == "Der elfte Vorschlag"


def test_an_employee_without_comms_reads_an_explanation_on_the_review_page(new_page, server):
    page = new_page()
    calls = []
    page.on("request", lambda request: calls.append(request.url) if "/api/suggestions" in request.url else None)
    dev_sign_in(page, server, f"max-{uuid.uuid4().hex[:6]}", ["employee"], "/suggestions/")
    # site.js (#12.4, roles: [comms]) explains under the heading and takes the review app out before it asks the API
    note = page.locator("article [data-sw-forbidden]")
    note.wait_for()
    assert "Diese Seite ist für die Unternehmenskommunikation." in note.inner_text()
    assert page.locator("[data-sw-review]").count() == 0
    assert page.locator("article button, article textarea, article select").count() == 0
    page.wait_for_load_state("networkidle")
    assert calls == []
    assert not axe_violations(page)


def test_signed_out_both_pages_offer_the_sign_in_and_no_form(new_page, server):
    page = new_page()
    # the suggest page asks itself; the review page is for comms, so the site says whom it is for (site.js)
    for path, intro in (("suggest/", "[data-sw-suggest-intro]"), ("suggestions/", "[data-sw-forbidden]")):
        page.goto(server + path)
        link = page.locator(f"{intro} a").first
        link.wait_for()
        assert link.get_attribute("href") == f"/_dev/signin?next=%2F{path.replace('/', '%2F')}"
        assert page.locator("[data-sw-suggest] form, [data-sw-review] form:visible").count() == 0
    assert not axe_violations(page)


def test_an_accept_that_fails_midway_says_so_and_accepting_again_finishes_it(new_page, server, serve):
    title = f"Halb angenommen {uuid.uuid4().hex[:6]}"
    suggest(server, f"halb-{uuid.uuid4().hex[:6]}", title, language="en")  # the only English one
    comms = new_page()
    dev_sign_in(comms, server, "comms-retry", ["employee", "comms"], "/suggestions/")
    comms.locator("[data-sw-review-list] article").first.wait_for()
    filter_list(comms, language="en")
    item = card(comms, title)
    item.wait_for()
    hidden = serve.git_dir.with_name(serve.git_dir.name + "-away")
    serve.git_dir.rename(hidden)  # the local git repository is gone: the publisher fails
    try:
        item.locator("[data-sw-accept]").click()
        status = item.locator("[data-sw-decision-status].sw-claims__status--error")
        status.wait_for()
        assert "Der Vorschlag bleibt offen" in status.inner_text()
        assert item.locator("[data-sw-accept]").inner_text() == "Erneut annehmen"
    finally:
        hidden.rename(serve.git_dir)
    item.locator("[data-sw-accept]").click()
    card(comms, title).locator("[data-sw-pr] code").wait_for()
    branch = card(comms, title).locator("[data-sw-pr] code").inner_text()
    assert git(serve.git_dir, "branch", "--list", branch) != ""
    filter_list(comms, status="accepted")
    assert card(comms, title).get_attribute("data-status") == "accepted"


def test_markup_in_a_suggestion_is_shown_as_text_on_both_pages(new_page, server):
    user = f"mallory-{uuid.uuid4().hex[:6]}"
    title = f"<img src=x onerror=alert(1)> {user}"
    suggest(server, user, title, why="<b>fett</b> <script>alert(2)</script>", language="en")
    employee = new_page()
    dev_sign_in(employee, server, user, ["employee"], "/suggest/")
    comms = new_page()
    dev_sign_in(comms, server, f"comms-{user}", ["employee", "comms"], "/suggestions/")
    comms.locator("[data-sw-review-list] article").first.wait_for()
    filter_list(comms, language="en")
    for page in (employee, comms):
        item = card(page, user)
        item.wait_for()
        assert item.locator(".sw-suggest__title").inner_text() == title
        assert "<script>alert(2)</script>" in item.inner_text() and "<b>fett</b>" in item.inner_text()
        assert item.locator("img, script, b").count() == 0


def answering(body: dict):
    """A route handler that answers 200 with `body` as JSON."""
    return lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


def test_on_github_the_accepted_card_links_the_pull_request_and_only_an_https_one(new_page, server):
    """The decision's answer as the GitHub publisher gives it (the browser's route stands in for the API)."""
    title = f"Auf GitHub {uuid.uuid4().hex[:6]}"
    stored = suggest(server, f"gh-{uuid.uuid4().hex[:6]}", title, language="en")
    comms = new_page()
    dev_sign_in(comms, server, "comms-gh", ["employee", "comms"], "/suggestions/")
    comms.locator("[data-sw-review-list] article").first.wait_for()
    filter_list(comms, language="en")
    for url, number in (("javascript:alert(1)", None), ("https://github.com/acme/content/pull/42", 42)):
        answer = {**stored, "status": "accepted", "decided": stored["created"], "name": None,
                  "pull_request": {"branch": f"suggestions/{stored['id']}", "number": number, "url": url}}
        comms.route(re.compile(r"/api/suggestions/\w+/decision$"), answering(answer))
        card(comms, title).locator("[data-sw-accept]").click()
        pull = card(comms, title).locator("[data-sw-pr]")
        pull.wait_for()
        if number is None:  # not https: the branch as text, no link
            assert pull.locator("a").count() == 0 and stored["id"] in pull.inner_text()
            comms.unroute(re.compile(r"/api/suggestions/\w+/decision$"))
            comms.reload()
            filter_list(comms, language="en")
        else:
            link = pull.locator("a")
            assert link.get_attribute("href") == url and link.inner_text() == "#42"
            assert "Pull-Request" in pull.inner_text()
            assert link.evaluate("node => node === document.activeElement")


def test_the_team_figures_are_sums_per_month_and_a_month_of_few_people_is_withheld(new_page, server):
    tag = uuid.uuid4().hex[:6]
    for n in range(5):  # five people this month: the template's minimum group size
        suggest(server, f"team-{tag}-{n}", f"Teambeitrag {tag} {n}")
    status, _, body = request(server + "api/suggestions/stats?granularity=month", headers={"X-Sharewall-Dev-User": "x"})
    figures = json.loads(body)
    this_month = figures["periods"][-1]
    assert status == 200 and not this_month["withheld"] and this_month["received"] >= 5
    page = new_page()
    dev_sign_in(page, server, f"reader-{tag}", ["employee"], "/suggest/")
    row = page.locator(f"[data-sw-team] tr[data-period='{this_month['period']}']")
    row.wait_for()
    assert row.locator("td").all_inner_texts()[1:] == [str(this_month["received"]), str(this_month["accepted"])]
    assert page.locator("[data-sw-team] tbody tr").first.get_attribute("data-period") == this_month["period"]
    first_active = next(i for i, period in enumerate(figures["periods"]) if period["withheld"] or period["received"])
    assert page.locator("[data-sw-team] tbody tr").count() == len(figures["periods"]) - first_active  # none before
    total = figures["total"]
    assert (f"Zusammen: {total['received']} eingegangen, {total['accepted']} angenommen."
            == page.locator("[data-sw-team-status]").inner_text())
    assert not axe_violations(page)

    # a month of fewer people than the minimum: no figures, the reason instead
    withheld = {**figures, "periods": [{"period": "2026-10", "received": None, "accepted": None, "withheld": True}],
                "total": {"received": 0, "accepted": 0}}
    page.route(re.compile(r"/api/suggestions/stats\?"), answering(withheld))
    page.reload()
    row = page.locator("[data-sw-team] tr[data-period='2026-10']")
    row.wait_for()
    assert row.get_attribute("data-withheld") == "true" and "zu wenige Personen" in row.inner_text()
    assert not re.search(r"\d", row.locator("td").nth(1).inner_text())


def test_markup_in_the_share_text_is_refused_at_the_text_field(new_page, server):
    page = new_page()
    dev_sign_in(page, server, f"marta-{uuid.uuid4().hex[:6]}", ["employee"], "/suggest/")
    posts = posts_to_api(page, "/suggestions")
    fill_suggestion(page, "https://blog.example.com/markup", "Mit Markup im Text")
    page.fill(f"{FORM} textarea[name=text]", "<b>Lies das!</b>")
    page.click(f"{FORM} [data-sw-submit]")
    error = page.locator(f"{FORM} .sw-field:has(textarea[name=text]) .sw-field__error")
    error.wait_for()
    assert "höchstens 200 Zeichen haben und kein HTML" in error.inner_text() and len(posts) == 1
    assert page.get_attribute(f"{FORM} textarea[name=text]", "maxlength") == "200"
    assert page.locator(SHOWN_ERRORS).count() == 1
