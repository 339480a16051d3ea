"""Call a function's real handler as API Gateway would, and run calls in parallel like warm containers."""

from __future__ import annotations

import importlib
import json
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from site_builder.local.events import LambdaContext, http_event
from site_builder.local.template import Route, find_route, http_routes, load_template


@dataclass
class Reply:
    status: int
    body: object
    headers: dict = field(default_factory=dict)
    text: str = ""
    cookies: list[str] = field(default_factory=list)  # Set-Cookie values (payload 2.0 `cookies`)


@cache
def routes(function: str) -> list[Route]:
    """The template's HTTP routes of one function (logical id, e.g. SharesFunction)."""
    return [route for route in http_routes(load_template("template.yaml")) if route.function == function]


def invoke(function: str, method: str, path: str, body=None, *, headers: dict | None = None,
           claims: dict | None = None, query: str = "") -> Reply:
    """Invoke `function`'s handler with the HTTP API v2 event of the template's route of `method path`."""
    found = find_route(routes(function), method, path)
    assert found is not None, f"{method} {path} is not a route of {function} in the template"
    route, params = found
    module, _, name = route.handler.rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    if body is not None and not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    # API Gateway hands the JWT claims over only on routes with the authorizer
    event = http_event(method, path, route_key=route.key, headers=headers, body=body, query=query,
                       claims=claims if route.authorized else None, path_parameters=params or None)
    result = handler(event, LambdaContext())
    text = result.get("body") or ""
    kind = (result.get("headers") or {}).get("Content-Type", "")
    parsed = json.loads(text) if "json" in kind and text else None
    return Reply(result["statusCode"], parsed, result.get("headers") or {}, text, result.get("cookies") or [])


def _container(start, queue, prepare: Callable[[], None] | None, work: Callable, args: tuple) -> None:
    # A process stands for a Lambda container: its own clients, no connection shared with the parent
    from sharewall_common.aws import client

    client.cache_clear()
    if prepare is not None:
        prepare()
    start.wait()
    queue.put(work(*args))


def in_containers(work: Callable, args_per_container: list[tuple], *, prepare: Callable[[], None] | None = None,
                  timeout: float = 120) -> list:
    """`work(*args)` in one forked process per args (warm Lambda containers), all released at once.

    Import the handler before calling, like a warm container. Forked, so `work` and `prepare` need not
    pickle; their results do (they come back through a queue). Results in the order they finish.
    """
    context = multiprocessing.get_context("fork")
    start, queue = context.Barrier(len(args_per_container)), context.Queue()
    workers = [context.Process(target=_container, args=(start, queue, prepare, work, args))
               for args in args_per_container]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=timeout) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    return results
