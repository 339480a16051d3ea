"""The functions' OpenAPI documents (openapi/<function>.json), generated from their Powertools resolvers.

    python -m site_builder.openapi           # write openapi/*.json
    python -m site_builder.openapi --check   # exit 1 when a committed document differs from a fresh one

Generation imports each function's app module like a cold start would (with placeholder settings where
the environment has none) and asks Powertools for the schema: only here, never in a function, so the
functions' cold starts don't pay for it. Each operation's `security` comes from the route's own
`@allow(...)` declaration (sharewall_common.callers), so the document says who may call what.

Each operation's `responses` are read from the code, so they cannot drift from it (site_builder.responses):
the success statuses and media types the route function returns (`return body, 201`, `Response(204)`,
`Response(200, "text/csv; ...")`), every `ApiError` a `raise` can reach from the route through the
functions' own code (with its `code`), the callers check's 401/403, and what the resolver refuses for
every route (400 unreadable or invalid input, 413 a body over the cap, 415 a body that is not JSON).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from site_builder.local.template import http_routes, load_template
from site_builder.responses import route_responses

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "openapi"
VERSION = "1"
# What the functions read at import, for generating only (never contacted)
PLACEHOLDERS = {"SITE_URL": "https://wall.example.com/", "AWS_REGION": "eu-central-1",
                "AWS_DEFAULT_REGION": "eu-central-1", "APP_TABLE": "sharewall-app"}
SECURITY_SCHEMES = {
    "staff": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
              "description": "The corporate identity provider's token, verified by the HTTP API's JWT authorizer; "
                             "roles from its groups claim"},
    "invite": {"type": "apiKey", "in": "header", "name": "X-Invite-Token",
               "description": "An influencer's invite token, `<invite id>.<secret>` from the invite link"},
}


def app_modules(template_path: Path = ROOT / "template.yaml") -> dict[str, str]:
    """Document name -> app module, for every function behind the HTTP API (e.g. shares -> shares.app)."""
    modules = {route.handler.rsplit(".", 1)[0] for route in http_routes(load_template(template_path))}
    return {module.split(".")[0]: module for module in sorted(modules)}


# The settings the documents show (e.g. LANGUAGES, the enum of `language`): as template.yaml gives them
def _template_settings(template_path: Path = ROOT / "template.yaml") -> dict[str, str]:
    resources = load_template(template_path)["Resources"]
    variables = [((resource.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
                 for resource in resources.values() if resource.get("Type") == "AWS::Serverless::Function"]
    return {name: values[name] for values in variables for name in DOCUMENTED_SETTINGS if isinstance(values.get(name), str)}


DOCUMENTED_SETTINGS = ("LANGUAGES", "INTERFACE_LANGUAGES")


def _security(check) -> list[dict]:
    kind = getattr(check, "security", None)
    return [{kind: []}] if kind else []


def document(module_name: str) -> dict:
    """The OpenAPI document of one function's resolver, with each operation's callers as its security."""
    for name, value in PLACEHOLDERS.items():
        os.environ.setdefault(name, value)
    os.environ.update(_template_settings())  # what the deployed functions get, whatever this shell has
    functions_dir = str(ROOT / "functions")
    if functions_dir not in sys.path:
        sys.path.insert(0, functions_dir)
    from sharewall_common.callers import check_of

    app = importlib.import_module(module_name).app
    name = module_name.split(".")[0]
    schema = json.loads(app.get_openapi_json_schema(
        title=f"Sharewall {name} API", version=VERSION, servers=[{"url": "/api"}],
        description=f"The `{name}` function behind the HTTP API (stage `api`). Errors are "
                    '`{"error": {"code", "message"}}` with the statuses each operation lists (4xx; 502/503 when a '
                    "service behind it cannot be reached); any other 5xx is a fault of the service.",
        security_schemes=SECURITY_SCHEMES))
    schema.setdefault("components", {}).setdefault("schemas", {}).update(Error=ERROR_SCHEMA, GatewayMessage=GATEWAY_SCHEMA)
    for route in app._static_routes + app._dynamic_routes:  # Powertools keeps its routes there
        operation = schema["paths"].get(route.openapi_path, {}).get(route.method.lower())
        if operation is not None:
            operation["security"] = _security(check_of(route.func))
            operation["responses"] = _responses(route, operation["responses"])
    schema["components"]["schemas"].pop("HTTPValidationError", None)  # Powertools' 422: answered as our 400
    schema["components"]["schemas"].pop("ValidationError", None)
    return _standard(schema)


# Pydantic writes a bound it cannot put into a type's own schema (WithJsonSchema) as `gt`/`le`: no JSON Schema
# keyword, and in the model's units (cents) rather than the documented ones (euros), so it is left out
def _standard(node):
    if isinstance(node, dict):
        return {key: _standard(value) for key, value in node.items()
                if not (key in ("gt", "ge", "lt", "le") and isinstance(value, (int, float)))}
    if isinstance(node, list):
        return [_standard(item) for item in node]
    return node


ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "what was refused, for pages to say it in their language"},
            "message": {"type": "string", "description": "the same in English, for logs (never the input)"},
            "fields": {"type": "array", "description": "one entry per refused field",
                       "items": {"type": "object", "required": ["field", "code"],
                                 "properties": {"field": {"type": "string"}, "code": {"type": "string"}},
                                 "additionalProperties": {"type": "string"}}},
        }}},
}


# What API Gateway answers itself (the JWT authorizer's 401)
GATEWAY_SCHEMA = {"type": "object", "required": ["message"], "additionalProperties": False,
                  "properties": {"message": {"type": "string"}}}


# The responses the code can give, replacing Powertools' guess (a 200 and a 422 for every route)
def _responses(route, generated: dict) -> dict:
    found = route_responses(route)
    success_content = (generated.get("200") or {}).get("content") or {}
    responses = {}
    for status, media in sorted(found.success.items()):
        if 300 <= status < 400:
            responses[str(status)] = {"description": "a redirect to the URL in Location",
                                      "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}}}
        elif status == 204 or media is None:
            responses[str(status)] = {"description": "done; no body"}
        elif media == "application/json":
            responses[str(status)] = {"description": SUCCESS.get(status, "success"),
                                      "content": success_content or {"application/json": {"schema": {}}}}
        else:
            responses[str(status)] = {"description": SUCCESS.get(status, "success"),
                                      "content": {media: {"schema": {"type": "string"}}}}
    for status, codes in sorted(found.errors.items()):
        error = {"$ref": "#/components/schemas/Error"}
        described = "error codes: " + ", ".join(f"`{code}`" for code in sorted(codes))
        if status in found.gateway:
            error = {"oneOf": [error, {"$ref": "#/components/schemas/GatewayMessage"}]}
            described += '; or the HTTP API\'s own `{"message": "Unauthorized"}` when the token is missing or invalid'
        responses[str(status)] = {"description": described, "content": {"application/json": {"schema": error}}}
    return responses


SUCCESS = {200: "success", 201: "created", 204: "done; no body"}


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_builder.openapi", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed documents, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, module in app_modules().items():
        path = OUT_DIR / f"{name}.json"
        text = render(document(module))
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            OUT_DIR.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"{', '.join(stale)}: out of date; run `python -m site_builder.openapi` and commit the result")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
