"""Read the SAM template (with its `!Ref`-style tags) and answer what the local stack needs from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags turned into their long form (`!Ref X` -> {"Ref": "X"})."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: str | Path = "template.yaml") -> dict:
    """The template as plain data."""
    with Path(path).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)


def parameter_overrides(template: dict, pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs as parameter values, checked against the template's Parameters like CloudFormation."""
    declared = template.get("Parameters") or {}
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in declared:
            known = ", ".join(sorted(declared))
            raise ValueError(f"{pair!r}: expected NAME=VALUE with NAME one of: {known}")
        spec = declared[name]
        if spec.get("Type") == "Number":
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{name}: {value!r} is not a number") from None
            if "MinValue" in spec and number < float(spec["MinValue"]):
                raise ValueError(f"{name}: {value} is below the minimum of {spec['MinValue']}")
            if "MaxValue" in spec and number > float(spec["MaxValue"]):
                raise ValueError(f"{name}: {value} is above the maximum of {spec['MaxValue']}")
        elif "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
            raise ValueError(f"{name}: {value!r} does not match {spec['AllowedPattern']}")
        values[name] = value
    return values


def resources_of_type(template: dict, kind: str) -> dict[str, dict]:
    """Logical id -> resource, for every resource of CloudFormation type `kind`."""
    return {name: res for name, res in (template.get("Resources") or {}).items() if res.get("Type") == kind}


@dataclass(frozen=True)
class Route:
    method: str  # GET, POST, ... or ANY
    path: str  # /claims/{id}
    function: str  # logical id
    handler: str  # module.function, e.g. shares.app.lambda_handler
    authorized: bool  # False when the route opts out of the JWT authorizer (Auth: {Authorizer: NONE})

    # Compiled on the first request it could serve, then kept (a frozen dataclass still has a __dict__)
    @cached_property
    def pattern(self) -> re.Pattern:
        regex = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(self.path))
        regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in (method, "ANY"):
            return None
        found = self.pattern.match(path)
        return found.groupdict() if found else None


def http_routes(template: dict) -> list[Route]:
    """Every HttpApi event of every function: the API's routes as the template declares them."""
    routes = []
    for name, res in resources_of_type(template, "AWS::Serverless::Function").items():
        props = res.get("Properties") or {}
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            ev = event.get("Properties") or {}
            auth = (ev.get("Auth") or {}).get("Authorizer")
            routes.append(Route(
                method=str(ev.get("Method", "ANY")).upper(),
                path=ev["Path"],
                function=name,
                handler=props.get("Handler") or template.get("Globals", {}).get("Function", {}).get("Handler"),
                authorized=auth != "NONE",
            ))
    # Most specific first, as API Gateway prefers literal paths over parameters
    return sorted(routes, key=lambda route: (route.path.count("{"), -len(route.path)))


def find_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route API Gateway would pick for `method path`, with its path parameters."""
    for route in routes:
        params = route.match(method, path)
        if params is not None:
            return route, params
    return None
