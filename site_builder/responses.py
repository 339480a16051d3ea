"""The responses a route can give, read from the functions' code (for the OpenAPI documents and their test).

A route's answers are: what its function returns (a body: 200; `return body, 201`; `Response(status, media,
...)` with constant or `a if c else b` statuses), every `ApiError` subclass a `raise` in it, or in any
function of the functions' own code it calls (or names: a function handed to a wrapper runs too), names (with the `code=` it passes, else the class's code),
its callers check (staff tokens: 401 and 403; other checks by what they raise), and what the resolver
refuses on every route (sharewall_common.api: 400 unreadable or invalid input, 415 a body that is not
JSON; 413 where a body is read). A raise that a caller catches is still listed: the documents may name a
status a route never gives, never miss one it gives.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
JSON = "application/json"


@dataclass
class Responses:
    success: dict[int, str | None] = field(default_factory=dict)  # status -> media type (None: no body)
    errors: dict[int, set[str]] = field(default_factory=dict)  # status -> error codes
    raises: set[tuple[str, int]] = field(default_factory=set)  # (file, line) of every raise reached
    gateway: set[int] = field(default_factory=set)  # statuses the HTTP API itself may answer, as {"message"}

    def error(self, status: int, code: str) -> None:
        self.errors.setdefault(status, set()).add(code)


def route_responses(route) -> Responses:
    """What one Powertools route can answer: its successes and its errors with their codes."""
    from sharewall_common.api import RESOLVER_REFUSALS
    from sharewall_common.callers import check_of
    from sharewall_common.errors import ApiError

    found = Responses()
    _successes(route.func, found)
    _walk(route.func, found, set(), ApiError)
    check = check_of(route.func)
    if getattr(check, "security", None) == "staff":  # the JWT authorizer and the roles the route needs
        found.error(401, "unauthorized")
        found.error(403, "forbidden")
        found.gateway.add(401)  # no or no valid token: the authorizer answers before the function runs
    if check is not None:
        _walk(check, found, set(), ApiError)
    reads_body = bool(route.dependant.body_params) or "json_body" in _source(route.func)
    for status, codes, needs_body in RESOLVER_REFUSALS:
        if reads_body or not needs_body:
            for code in codes:
                found.error(status, code)
    return found


def _source(func) -> str:
    try:
        return textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return ""


def _own(value) -> bool:
    """Code of the functions themselves (not Powertools, boto3, the standard library)."""
    try:
        path = inspect.getsourcefile(inspect.unwrap(value))
    except TypeError:
        return False
    return bool(path) and Path(path).resolve().is_relative_to(FUNCTIONS)


def _namespace(func, tree: ast.AST) -> dict:
    """Names as the function sees them: its module's globals, its closure, and imports inside it."""
    names = {**func.__globals__, **inspect.getclosurevars(func).nonlocals}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            try:
                module = importlib.import_module(node.module)
            except ImportError:
                continue
            for alias in node.names:
                names[alias.asname or alias.name] = getattr(module, alias.name, None)
    return names


def _resolve(node: ast.AST, names: dict):
    """The object an expression like `store.AlreadyDecided` or `catalogue.entry` names, or None."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _walk(func, found: Responses, seen: set, api_error: type) -> None:
    """Every ApiError raised in `func` and in the functions' own code it calls, by status and code."""
    func = inspect.unwrap(getattr(func, "__func__", func))  # a bound method or a cached function: its function
    if not inspect.isfunction(func) or func in seen or not _own(func):
        return
    seen.add(func)
    source = _source(func)
    if not source:
        return
    tree = ast.parse(source)
    names = _namespace(func, tree)
    file = inspect.getsourcefile(func)
    first = func.__code__.co_firstlineno
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            call = node.exc if isinstance(node.exc, ast.Call) else None
            raised = _resolve(call.func if call else node.exc, names)
            if inspect.isclass(raised) and issubclass(raised, api_error):
                code = next((keyword.value.value for keyword in (call.keywords if call else [])
                             if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)), raised.code)
                found.error(raised.status, code)
                found.raises.add((file, first + node.lineno - 1))
        elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            named = _resolve(node, names)  # called, or handed on to be called (e.g. wrapped by idempotent_function)
            if named is not None and not inspect.isclass(named) and not inspect.ismodule(named):
                _walk(named, found, seen, api_error)


def _successes(func, found: Responses) -> None:
    """The statuses and media types the route function itself answers with."""
    tree = ast.parse(_source(func))
    names = _namespace(func, tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(_resolve(node.func, names), "__name__", "") == "Response":
            status = _argument(node, 0, "status_code")
            media = _argument(node, 1, "content_type")
            media_type = _constant(media, names) if media is not None else None
            for value in _alternatives(status):
                # no content, or a redirect (its Location is the answer): no body to document
                found.success[value] = None if value == 204 or 300 <= value < 400 else (media_type or JSON).split(";")[0].strip()
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
            for value in _alternatives(node.value.elts[1]):
                found.success[value] = JSON
    if not found.success:
        found.success[200] = JSON


def _argument(call: ast.Call, position: int, name: str):
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _alternatives(node) -> list[int]:
    """The constant statuses an expression gives: `201`, or `200 if replayed else 201`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _alternatives(node.body) + _alternatives(node.orelse)
    return []


def _constant(node, names: dict) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    value = _resolve(node, names)
    return value if isinstance(value, str) else None
