"""The functions' OpenAPI documents (openapi/<function>.json), generated from their Powertools resolvers.

    python -m site_builder.openapi           # write openapi/*.json
    python -m site_builder.openapi --check   # exit 1 when a committed document differs from a fresh one

Generation imports each function's app module like a cold start would (with placeholder settings where
the environment has none) and asks Powertools for the schema: only here, never in a function, so the
functions' cold starts don't pay for it. Each operation's `security` comes from the route's own
`@allow(...)` declaration (sharewall_common.callers), so the document says who may call what.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from site_builder.local.template import http_routes, load_template

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


def _security(check) -> list[dict]:
    kind = getattr(check, "security", None)
    return [{kind: []}] if kind else []


def document(module_name: str) -> dict:
    """The OpenAPI document of one function's resolver, with each operation's callers as its security."""
    for name, value in PLACEHOLDERS.items():
        os.environ.setdefault(name, value)
    functions_dir = str(ROOT / "functions")
    if functions_dir not in sys.path:
        sys.path.insert(0, functions_dir)
    from sharewall_common.callers import check_of

    app = importlib.import_module(module_name).app
    name = module_name.split(".")[0]
    schema = json.loads(app.get_openapi_json_schema(
        title=f"Sharewall {name} API", version=VERSION, servers=[{"url": "/api"}],
        description=f"The `{name}` function behind the HTTP API (stage `api`). Errors are "
                    '`{"error": {"code", "message"}}` with a 4xx status; a 5xx is a fault of the service.',
        security_schemes=SECURITY_SCHEMES))
    for route in app._static_routes + app._dynamic_routes:  # Powertools keeps its routes there
        operation = schema["paths"].get(route.openapi_path, {}).get(route.method.lower())
        if operation is not None:
            operation["security"] = _security(check_of(route.func))
    return schema


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
