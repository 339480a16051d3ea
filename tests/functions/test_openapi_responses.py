"""The OpenAPI documents list exactly the responses each route can give, read from the code.

The documents' responses come from site_builder.responses (what a route returns, the ApiErrors its code
can raise, its callers check, the resolver's refusals). These tests hold that reading to the code: known
routes document what they answer, no ApiError raised anywhere in the functions escapes the reading, and
real requests through the handlers get only documented statuses, in the documented media types.
(tests/functions/test_fuzz.py holds every route to it with schemathesis' status code conformance.)
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import uuid
from pathlib import Path
from unittest import mock

import pytest

from site_builder.openapi import OUT_DIR, app_modules, document
from site_builder.settings import load_settings
from tests.functions.invoke import invoke
from tests.functions.test_suggestions_api import COMMS, EMPLOYEE, GOOD, repo  # noqa: F401 (fixture)
from tests.interface_languages import interface_languages

ROOT = Path(__file__).resolve().parents[2]
# Raised before any route runs and documented for every route from api.RESOLVER_REFUSALS
RESOLVER_FILES = {"functions/sharewall_common/api.py", "functions/sharewall_common/errors.py"}
# Identity.require's 403 is documented on every route of the staff scheme (site_builder.responses)
STAFF_CHECK = ("functions/sharewall_common/identity.py", "def require")


def documented(name: str) -> dict[tuple[str, str], dict]:
    schema = json.loads((OUT_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return {(method.upper(), path): operation["responses"]
            for path, operations in schema["paths"].items() for method, operation in operations.items()}


def statuses(name: str, method: str, path: str) -> set[int]:
    return {int(status) for status in documented(name)[(method, path)]}


def test_routes_document_what_their_code_answers():
    assert statuses("suggestions", "POST", "/suggestions") == {200, 201, 400, 401, 403, 409, 413, 415, 429}
    assert statuses("suggestions", "POST", "/suggestions/{suggestion_id}/decision") == {
        200, 400, 401, 403, 404, 409, 413, 415, 502}
    assert statuses("session", "DELETE", "/session") == {204, 400, 415}  # anyone may sign out: no 401
    assert statuses("session", "POST", "/session") == {204, 400, 401, 403, 415, 503}
    assert statuses("shares", "GET", "/stats") == {200, 400, 401, 403, 415}  # no body read: no 413
    decision = documented("suggestions")[("POST", "/suggestions/{suggestion_id}/decision")]
    assert "`already_decided`" in decision["409"]["description"] and "`publisher_failed`" in decision["502"]["description"]
    assert "content" not in documented("session")[("DELETE", "/session")]["204"]


def test_files_are_documented_in_their_own_media_type():
    claims = documented("claims")
    assert set(claims[("GET", "/claims/export.csv")]["200"]["content"]) == {"text/csv"}
    assert set(claims[("GET", "/payment-runs/{run_id}/sepa.xml")]["200"]["content"]) == {"application/xml"}
    assert set(claims[("GET", "/payment-runs/{run_id}/datev.csv")]["200"]["content"]) == {"text/csv"}


def test_no_route_documents_powertools_422_and_every_error_has_the_error_shape():
    for name in app_modules():
        schema = json.loads((OUT_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert "HTTPValidationError" not in json.dumps(schema), name
        for (method, path), responses in documented(name).items():
            assert set(responses) - {"200", "201", "204"}, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    error = {"$ref": "#/components/schemas/Error"}
                    gateway = {"oneOf": [error, {"$ref": "#/components/schemas/GatewayMessage"}]}
                    security = schema["paths"][path][method.lower()]["security"]
                    expected = gateway if status == "401" and security == [{"staff": []}] else error
                    assert response["content"] == {"application/json": {"schema": expected}}, (method, path, status)
                    assert response["description"].startswith("error codes: `"), (method, path, status)


def test_amounts_and_languages_are_documented_as_the_api_reads_them():
    claims = json.loads((OUT_DIR / "claims.json").read_text(encoding="utf-8"))
    gross = json.dumps(claims["components"]["schemas"]["Line"]["properties"]["gross"])
    assert '"type": "integer"' not in gross and '"pattern"' in gross and "euros" in gross
    languages = list(load_settings(ROOT / "mkdocs.yml").languages)  # the posts' languages
    suggestions = json.loads((OUT_DIR / "suggestions.json").read_text(encoding="utf-8"))
    assert suggestions["components"]["schemas"]["SuggestionIn"]["properties"]["language"]["enum"] == languages
    query = next(parameter for parameter in suggestions["paths"]["/suggestions"]["get"]["parameters"]
                 if parameter["name"] == "language")
    assert query["schema"]["enum"] == languages
    # an invite's language: one of the interface's (its claim page), as mkdocs.yml builds them
    assert claims["components"]["schemas"]["InviteIn"]["properties"]["language"]["enum"] == interface_languages()


def _raises_of(module) -> set[tuple[str, int]]:
    """(file, line) of every `raise SomeApiError(...)` written in a module."""
    from sharewall_common.errors import ApiError

    found = set()
    file = inspect.getsourcefile(module)
    for node in ast.walk(ast.parse(Path(file).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            target, names = node.exc.func, []
            while isinstance(target, ast.Attribute):
                names.insert(0, target.attr)
                target = target.value
            if isinstance(target, ast.Name):
                value = vars(module).get(target.id)
                for name in names:
                    value = getattr(value, name, None)
                if inspect.isclass(value) and issubclass(value, ApiError):
                    found.add((file, node.lineno))
    return found


def test_every_api_error_raised_in_the_functions_is_on_some_routes_document(aws_resources):
    """A raise the reading cannot reach (say, through a method of an object it cannot follow) would be an
    answer no document lists: each one must be reached from a route."""
    from site_builder.responses import route_responses

    reached, written = set(), set()
    for name, module in app_modules().items():
        with mock.patch.dict(os.environ):
            document(module)  # imports the app as generation does (its settings stay there)
        app = importlib.import_module(module).app
        for route in app._static_routes + app._dynamic_routes:
            reached |= route_responses(route).raises
    for path in sorted((ROOT / "functions").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in RESOLVER_FILES:
            continue
        module_name = ".".join(path.relative_to(ROOT / "functions").with_suffix("").parts).removesuffix(".__init__")
        written |= _raises_of(importlib.import_module(module_name))
    require = (ROOT / STAFF_CHECK[0]).read_text(encoding="utf-8").split("\n")
    start = next(index for index, line in enumerate(require, 1) if STAFF_CHECK[1] in line)
    reached |= {(str(ROOT / STAFF_CHECK[0]), line) for line in range(start, start + 5)}
    missing = sorted(f"{Path(file).relative_to(ROOT)}:{line}" for file, line in written - reached)
    assert not missing, f"raised but on no route's document: {missing}"


def _suggestion_call(method, path, body=None, *, claims=EMPLOYEE, headers=None):
    sent = {"content-type": "application/json", **(headers or {})}
    return invoke("SuggestionsFunction", method, path, body, headers=sent, claims=claims)


def test_what_the_suggestions_handler_answers_is_documented_for_its_route(fresh_tables, repo, monkeypatch):  # noqa: F811
    """Each status a route is documented with, produced through the real handler: documented and given."""
    answers: dict[tuple[str, str], set[int]] = {}

    def seen(method, path, reply, documented_path=None):
        answers.setdefault((method, documented_path or path), set()).add(reply.status)
        kind = reply.headers.get("Content-Type", "")
        assert reply.status == 204 or kind.startswith("application/json"), (reply.status, kind)
        return reply

    key = {"idempotency-key": uuid.uuid4().hex}
    made = seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", GOOD, headers=key)).body
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", GOOD, headers=key))  # replayed: 200
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", {**GOOD, "title": "other"}, headers=key))  # 409
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", "x", headers={"content-type": "text/plain"}))
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", "[" + " " * 9000 + "]",
                                                  headers={"idempotency-key": uuid.uuid4().hex}))
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", {}, headers={"idempotency-key": uuid.uuid4().hex}))
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", GOOD, claims=None, headers=key))
    seen("POST", "/suggestions", _suggestion_call("POST", "/suggestions", GOOD, headers=key,
                                                  claims={"sub": "x", "groups": ["influencer-of-nothing"]}))
    for _ in range(11):
        reply = _suggestion_call("POST", "/suggestions", GOOD, claims=COMMS, headers={"idempotency-key": uuid.uuid4().hex})
    seen("POST", "/suggestions", reply)  # the eleventh today: 429
    decision = "/suggestions/{suggestion_id}/decision"
    path = f"/suggestions/{made['id']}/decision"
    from suggestions import localgit

    with monkeypatch.context() as patch:
        patch.setattr(localgit.LocalGit, "publish", lambda self, draft: (_ for _ in ()).throw(localgit.PublishFailed("x")))
        seen("POST", path, _suggestion_call("POST", path, {"action": "accept"}, claims=COMMS), decision)
    seen("POST", path, _suggestion_call("POST", path, {"action": "accept"}, claims=COMMS), decision)
    seen("POST", path, _suggestion_call("POST", path, {"action": "decline", "reason": "x"}, claims=COMMS), decision)
    seen("POST", path, _suggestion_call("POST", path, {"action": "accept"}), decision)
    missing = f"/suggestions/{'a' * 26}/decision"
    seen("POST", missing, _suggestion_call("POST", missing, {"action": "accept"}, claims=COMMS), decision)
    assert answers[("POST", "/suggestions")] == {200, 201, 400, 401, 403, 409, 413, 415, 429}
    assert answers[("POST", decision)] == {200, 403, 404, 409, 502}
    for (method, route), given in answers.items():
        assert given <= statuses("suggestions", method, route), (method, route, given)
