"""template.yaml: lint-clean for cfn-lint and SAM, secure defaults, and the same routes as the apps."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from site_builder.local.template import http_routes, load_template, resources_of_type

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


def _tool(name: str, local: Path) -> str:
    # the pinned copy `make install` put there first: another one on PATH may be of another version
    found = (str(local) if local.exists() else None) or shutil.which(name)
    assert found, f"{name} is not installed (make install puts it at {local})"
    return found


def test_cfn_lint_is_clean():
    tool = _tool("cfn-lint", Path(sys.executable).parent / "cfn-lint")
    result = subprocess.run([tool, str(TEMPLATE)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_is_clean():
    tool = _tool("sam", ROOT / ".tools/sam/bin/sam")
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    result = subprocess.run([tool, "validate", "--region", "eu-central-1", "--lint", "--template-file",
                             str(TEMPLATE)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def _shape(key: str) -> str:
    # Path parameters as `{}`: Powertools writes <id>, the template {id}; routing depends on position only
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", key)


def test_template_routes_are_the_apps_routes(aws_resources):
    declared: dict[str, set[str]] = {}
    for route in http_routes(load_template(TEMPLATE)):
        declared.setdefault(route.handler, set()).add(_shape(route.key))
    assert "shares.app.lambda_handler" in declared
    for handler, keys in declared.items():
        app = importlib.import_module(handler.rsplit(".", 1)[0]).app
        served = {_shape(f"{route.method} {route.path}") for route in app._static_routes + app._dynamic_routes}
        assert served == keys, handler


def test_the_table_is_protected_and_the_secret_generated():
    template = load_template(TEMPLATE)
    table = template["Resources"]["AppTable"]
    props = table["Properties"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert props["DeletionProtectionEnabled"] is True
    secret = template["Resources"]["PseudonymSecret"]["Properties"]
    assert "GenerateSecretString" in secret and "SecretString" not in secret


def test_the_api_checks_jwts_and_allows_only_the_site_origin():
    api = load_template(TEMPLATE)["Resources"]["HttpApi"]["Properties"]
    authorizer = api["Auth"]["Authorizers"][api["Auth"]["DefaultAuthorizer"]]
    assert authorizer["JwtConfiguration"] == {"issuer": {"Ref": "JwtIssuer"}, "audience": [{"Ref": "JwtAudience"}]}
    assert api["CorsConfiguration"]["AllowOrigins"] == [{"Ref": "SiteOrigin"}]
    assert api["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0


def test_policies_are_least_privilege():
    template = load_template(TEMPLATE)
    for name, function in resources_of_type(template, "AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            for statement in policy["Statement"] if isinstance(policy, dict) else []:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert not any("*" in action for action in actions), (name, actions)
                assert "dynamodb:Scan" not in actions, name
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                assert all(resource != "*" for resource in resources), (name, resources)


def test_no_function_code_scans():
    for path in (ROOT / "functions").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ".scan(" not in text and '"Scan"' not in text, path
