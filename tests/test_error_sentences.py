"""#20: every error code an API route can answer, as the OpenAPI documents list it (openapi/*.json, generated
from the functions' code), has a sentence in the catalogue table `refusals` of each page section whose scripts
call that route, in every configured interface language; each table has its one generic sentence (`fallback`)
for a code it does not know. So a code added to a function fails here until the pages word it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from site_builder import catalogue
from tests.interface_languages import interface_languages

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "templates" / "assets" / "sharewall"
CLIENT_CODES = {"network"}  # what site.js's api() answers when the server was not reached

# A page's catalogue section -> the scripts saying its refusals and the routes ("METHOD /path") they call;
# the payment runs' files are fetched from the URLs GET /payment-runs gives (run.files)
PAGES = {
    "finance_review": (["finance-review.js"],
                       ["GET /claims", "GET /claims/export.csv", "GET /claims/{claim_id}", "POST /claims/{claim_id}/decision",
                        "POST /claims/decisions"]),
    "finance_runs": (["finance-runs.js"],
                     ["GET /payment-runs", "POST /payment-runs", "GET /payment-runs/{run_id}/sepa.xml",
                      "GET /payment-runs/{run_id}/datev.csv", "POST /payment-runs/{run_id}/decision"]),
    "invites": (["invites-admin.js"], ["GET /invites", "POST /invites", "DELETE /invites/{invite_id}"]),
    "claim_print": (["claim-print.js"], ["GET /claims/mine", "GET /claims/invite"]),
    "claims_form": (["claims-form.js"],
                    ["GET /claims/invite", "POST /claims/uploads", "GET /claims/uploads/{upload_id}", "POST /claims",
                     "GET /claims/mine", "PUT /claims/{claim_id}", "POST /claims/{claim_id}/withdraw"]),
    "suggestions": (["suggest-form.js", "suggestions-review.js"],
                    ["POST /suggestions", "GET /suggestions/mine", "GET /suggestions/stats", "GET /suggestions",
                     "POST /suggestions/{suggestion_id}/decision"]),
}


# "METHOD /path" -> the error codes its documented responses list ("error codes: `a`, `b`; or …")
def documented_codes() -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for path in sorted((ROOT / "openapi").glob("*.json")):
        for route, operations in json.loads(path.read_text(encoding="utf-8"))["paths"].items():
            for method, operation in operations.items():
                found = codes.setdefault(f"{method.upper()} {route}", set())
                for response in operation.get("responses", {}).values():
                    listed = re.match(r"error codes: ([^;]*)", response.get("description", ""))
                    found |= set(re.findall(r"`(\w+)`", listed[1])) if listed else set()
    return codes


DOCUMENTED = documented_codes()


def test_the_documents_are_read_with_their_codes():
    # the reading itself can fail: a route's codes as the claims function raises them
    assert DOCUMENTED["GET /payment-runs/{run_id}/sepa.xml"] >= {"run_cancelled", "run_open", "no_file", "forbidden"}
    assert DOCUMENTED["POST /claims/uploads"] >= {"upload_limit", "invite_expired"}
    assert DOCUMENTED["POST /payment-runs/{run_id}/decision"] >= {"own_approval", "own_run"}


@pytest.mark.parametrize("section", sorted(PAGES))
def test_the_listed_routes_are_documented_and_the_ones_the_scripts_call(section):
    scripts, routes = PAGES[section]
    assert [route for route in routes if route not in DOCUMENTED] == []
    for name in scripts:
        text = (SCRIPTS / name).read_text(encoding="utf-8")
        for method, literal in re.findall(r'\bapi\(\s*"(\w+)",\s*"(/[^"?]*)', text):
            # a call's literal start ("/claims/" + id + "/decision" starts "/claims/") is one of the listed routes'
            assert any(route.startswith(f"{method} {literal}") for route in routes), f"{name}: {method} {literal}"


@pytest.mark.parametrize("language", interface_languages())
@pytest.mark.parametrize("section", sorted(PAGES))
def test_every_code_a_pages_routes_can_answer_has_a_sentence_in_its_language(section, language):
    table = catalogue.load(language).sections[section]["refusals"]
    unworded = {f"{route}: {code}" for route in PAGES[section][1] for code in DOCUMENTED[route] | CLIENT_CODES
                if not isinstance(table.get(code), str) or not table[code].strip()}
    assert sorted(unworded) == [], f"site_builder/locales/{language}.yml: {section}.refusals lacks these codes"
    assert "{status}" in table["fallback"]  # the one generic sentence, naming the status instead of the API's text


@pytest.mark.parametrize("section", sorted(PAGES))
def test_no_page_script_shows_the_apis_message(section):
    for name in PAGES[section][0] + ["claims-common.js"]:
        code = "\n".join(line.split("//")[0] for line in (SCRIPTS / name).read_text(encoding="utf-8").splitlines())
        assert "errorText" not in code and not re.search(r"\.message\b", code), name  # the API's English text


def test_the_suggestion_pages_read_the_apis_message_only_for_the_fields_it_names():
    code = (SCRIPTS / "suggestions-common.js").read_text(encoding="utf-8")
    assert "errorText" not in code
    assert re.findall(r".*\.message\b.*", code) == [
        '    var message = (reply.body.error && reply.body.error.message) || "";']  # invalidFields: paths, never shown
