"""template.yaml: lint-clean for cfn-lint and SAM, secure defaults, and the same routes as the apps."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.local.template import http_routes, load_template, resources_of_type

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
CHECKOV = ROOT / ".tools/checkov/bin/checkov"


def _tool(name: str, local: Path) -> str:
    # the pinned copy `make install` put there first: another one on PATH may be of another version
    found = (str(local) if local.exists() else None) or shutil.which(name)
    assert found, f"{name} is not installed (make install puts it at {local})"
    return found


def _linters() -> dict[str, list[str]]:
    return {
        "cfn-lint": [_tool("cfn-lint", Path(sys.executable).parent / "cfn-lint"), str(TEMPLATE)],
        "sam": [_tool("sam", ROOT / ".tools/sam/bin/sam"), "validate", "--region", "eu-central-1", "--lint",
                "--template-file", str(TEMPLATE)],
        # offline: no guidelines download, no update check (nothing but loopback is ever contacted)
        "checkov": [_tool("checkov", CHECKOV), "--file", str(TEMPLATE), "--framework", "cloudformation",
                    "--skip-download", "--output", "json"],
    }


@pytest.fixture(scope="module")
def linted() -> dict[str, subprocess.CompletedProcess]:
    """The three linters run side by side (each takes seconds): name -> finished process."""
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    running = {name: subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                      env=env) for name, command in _linters().items()}
    done = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return done


# Any finding fails: cfn-lint exits non-zero on errors, warnings and informational findings alike
def test_cfn_lint_is_clean(linted):
    result = linted["cfn-lint"]
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_is_clean(linted):
    result = linted["sam"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_checkov_finds_nothing_unexplained(linted):
    result = linted["checkov"]
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = [(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]]
    assert result.returncode == 0 and summary["failed"] == 0, failed
    assert summary["passed"] > 20 and summary["parsing_errors"] == 0  # it did read the template
    # every skip says why, in the template next to the resource
    for skipped in report["results"]["skipped_checks"]:
        reason = (skipped.get("check_result") or {}).get("suppress_comment") or ""
        assert len(reason) > 30, (skipped["check_id"], skipped["resource"], reason)


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


def test_the_api_checks_jwts_and_is_served_on_the_sites_origin_only():
    api = load_template(TEMPLATE)["Resources"]["HttpApi"]["Properties"]
    authorizer = api["Auth"]["Authorizers"][api["Auth"]["DefaultAuthorizer"]]
    assert authorizer["JwtConfiguration"] == {"issuer": {"Ref": "JwtIssuer"}, "audience": [{"Ref": "JwtAudience"}]}
    assert "CorsConfiguration" not in api  # same origin as the wall (/api/* on the distribution): no CORS at all
    assert api["StageName"] == "api"  # CloudFront forwards /api/shares: stage `api`, route /shares
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


# The parameters a company must set itself: no demo value may reach a deployed stack
COMPANY_PARAMETERS = {"JwtIssuer", "JwtAudience", "SiteOrigin", "PayerName", "PayerIban"}


def test_the_companys_own_parameters_have_no_defaults_and_only_the_sandbox_has_demo_values():
    import tomllib

    from site_builder.local.template import parameter_overrides
    from site_builder.production import samconfig_overrides

    template = load_template(TEMPLATE)
    assert {name for name in COMPANY_PARAMETERS if "Default" in template["Parameters"][name]} == set()
    assert "CatalogueUrl" not in template["Parameters"]  # functions read the published catalogue from the bucket
    samconfig = ROOT / "samconfig.toml"
    assert not set(samconfig_overrides(samconfig, "default")) & COMPANY_PARAMETERS
    assert "parameter_overrides" not in tomllib.loads(samconfig.read_text())["default"]["deploy"]["parameters"]
    sandbox = samconfig_overrides(samconfig, "sandbox")
    assert set(sandbox) >= COMPANY_PARAMETERS
    # the sandbox's values pass the template's own checks (what CloudFormation would refuse, this refuses)
    assert parameter_overrides(template, [f"{name}={value}" for name, value in sandbox.items()]) == sandbox


def test_the_local_stack_takes_the_demo_payer_from_the_sandbox_and_the_dev_sign_in(aws_resources):
    from site_builder.local.aws import LOCAL_PARAMETERS
    from site_builder.production import samconfig_overrides

    sandbox = samconfig_overrides(ROOT / "samconfig.toml", "sandbox")
    values = aws_resources.parameters
    assert (values["PayerName"], values["PayerIban"]) == (sandbox["PayerName"], sandbox["PayerIban"])
    assert values["JwtIssuer"] == LOCAL_PARAMETERS["JwtIssuer"] != sandbox["JwtIssuer"]
    env = aws_resources.function_environment()
    assert env["PAYER_IBAN"] == sandbox["PayerIban"] and env["SITE_BUCKET"] == ""  # locally read over HTTP
    assert env["SESSION_KEY_SECRET_ARN"].startswith("arn:aws:secretsmanager:")


def test_the_site_bucket_is_private_and_only_this_distribution_reads_it():
    resources = load_template(TEMPLATE)["Resources"]
    bucket = resources["SiteBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    statements = {s["Sid"]: s for s in resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert statements["TlsOnly"]["Effect"] == "Deny"
    assert statements["TlsOnly"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allows = [s for s in statements.values() if s["Effect"] == "Allow"]
    assert {s["Principal"]["Service"] for s in allows} == {"cloudfront.amazonaws.com"}
    for statement in allows:  # the distribution of this stack, no other
        source = statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
        assert source.endswith(":distribution/${Distribution}")
    assert {s["Action"] for s in allows} == {"s3:GetObject", "s3:ListBucket"}


def test_functions_read_only_the_published_data_of_the_site_bucket():
    template = load_template(TEMPLATE)
    for name in ("SharesFunction", "ClaimsFunction"):
        props = template["Resources"][name]["Properties"]
        assert props["Environment"]["Variables"]["SITE_BUCKET"] == {"Ref": "SiteBucket"}
        assert "CATALOGUE_URL" not in props["Environment"]["Variables"]
        site = [s for s in props["Policies"][0]["Statement"]
                if "SiteBucket" in json.dumps(s["Resource"])]
        assert [(s["Action"], s["Resource"]) for s in site] == [(["s3:GetObject"],
                                                                 {"Fn::Sub": "${SiteBucket.Arn}/sharewall/*"})], name


def test_the_distribution_serves_the_wall_and_the_api_on_one_origin():
    resources = load_template(TEMPLATE)["Resources"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["site"]["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert origins["site"]["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert origins["api"]["DomainName"]["Fn::Sub"].startswith("${HttpApi}.execute-api.")
    assert origins["api"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert config["DefaultRootObject"] == "index.html"
    assert config["CustomErrorResponses"] == [{"ErrorCode": 404, "ResponseCode": 404, "ResponsePagePath": "/404.html",
                                               "ErrorCachingMinTTL": 60}]
    wall = config["DefaultCacheBehavior"]
    assert wall["ViewerProtocolPolicy"] == "redirect-to-https" and wall["AllowedMethods"] == ["GET", "HEAD"]
    assert wall["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # CachingOptimized: honours Cache-Control
    assert wall["FunctionAssociations"] == [{"EventType": "viewer-request",
                                             "FunctionARN": {"Fn::GetAtt": ["WallAccessFunction", "FunctionARN"]}}]
    behaviours = {behaviour["PathPattern"]: behaviour for behaviour in config["CacheBehaviors"]}
    assert set(behaviours) == {"/admin/*", "/api/*", "/go/*"}
    # the editor: the wall's files behind the same gate, with its own headers policy (AdminHeadersPolicy)
    admin = behaviours["/admin/*"]
    assert admin["TargetOriginId"] == "site" and admin["FunctionAssociations"] == wall["FunctionAssociations"]
    assert admin["CachePolicyId"] == wall["CachePolicyId"] and admin["AllowedMethods"] == ["GET", "HEAD"]
    assert admin["ResponseHeadersPolicyId"] == {"Ref": "AdminHeadersPolicy"}
    api = behaviours["/api/*"]
    assert api["TargetOriginId"] == "api"
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert api["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AllViewerExceptHostHeader
    assert "FunctionAssociations" not in api  # the API checks its callers itself
    # shared links reach the API's stage `api` (OriginPath) past the wall gate, uncached, every viewer header along
    go = behaviours["/go/*"]
    assert go["TargetOriginId"] == "api-go" and origins["api-go"]["OriginPath"] == "/api"
    assert origins["api-go"]["DomainName"] == origins["api"]["DomainName"]
    assert set(go["AllowedMethods"]) == {"GET", "HEAD"} and "FunctionAssociations" not in go
    assert go["CachePolicyId"] == api["CachePolicyId"] and go["OriginRequestPolicyId"] == api["OriginRequestPolicyId"]
    for behaviour in (wall, api, go):
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SiteHeadersPolicy"}


def test_the_custom_domain_is_optional_and_needs_a_us_east_1_certificate():
    template = load_template(TEMPLATE)
    params = template["Parameters"]
    assert params["DomainName"]["Default"] == params["CertificateArn"]["Default"] == ""
    assert re.fullmatch(params["CertificateArn"]["AllowedPattern"],
                        "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc")
    assert not re.fullmatch(params["CertificateArn"]["AllowedPattern"],
                            "arn:aws:acm:eu-central-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc")
    assert "us-east-1" in params["CertificateArn"]["Description"]
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    assert config["Aliases"]["Fn::If"][0] == "HasCustomDomain"
    with_domain, without = config["ViewerCertificate"]["Fn::If"][1:]
    assert with_domain["MinimumProtocolVersion"] == "TLSv1.2_2021" and with_domain["SslSupportMethod"] == "sni-only"
    assert without == {"CloudFrontDefaultCertificate": True}
    rule = template["Rules"]["CustomDomainNeedsCertificate"]
    assert rule["Assertions"][0]["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]}


def test_the_headers_policy_sends_the_wall_csp_and_the_security_headers(aws_resources):
    policy = load_template(TEMPLATE)["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    assert all(header["Override"] for header in security.values())
    csp = aws_resources.resolve(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ")}
    receipts = f"https://{aws_resources.buckets['ReceiptsBucket']}.s3.eu-central-1.amazonaws.com"
    issuer_host = aws_resources.parameters["JwtIssuer"].split("/")[2]
    assert directives == {
        "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"], "connect-src": ["'self'", receipts, f"https://{issuer_host}"],
        "form-action": ["'self'", receipts], "frame-ancestors": ["'none'"], "base-uri": ["'self'"],
        "object-src": ["'none'"]}
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert "ContentTypeOptions" in security
    custom = {item["Header"]: item["Value"] for item in policy["CustomHeadersConfig"]["Items"]}
    assert "camera=()" in custom["Permissions-Policy"]



def test_the_admin_headers_policy_allows_decap_what_it_needs_and_the_site_policy_nothing_more(aws_resources):
    template = load_template(TEMPLATE)
    admin = template["Resources"]["AdminHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    site = template["Resources"]["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = aws_resources.resolve(admin["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ")}
    assert directives == {
        "default-src": ["'self'"], "script-src": ["'self'", "'unsafe-eval'"], "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "connect-src": ["'self'", "blob:", "https://api.github.com"],
        "form-action": ["'self'"], "frame-ancestors": ["'none'"], "base-uri": ["'self'"], "object-src": ["'none'"]}
    # every other security header as the wall's
    assert {key: value for key, value in admin["SecurityHeadersConfig"].items() if key != "ContentSecurityPolicy"} == \
        {key: value for key, value in site["SecurityHeadersConfig"].items() if key != "ContentSecurityPolicy"}
    assert admin["CustomHeadersConfig"] == site["CustomHeadersConfig"]
    pattern = template["Parameters"]["EditorApiOrigin"]["AllowedPattern"]
    for origin in ("https://api.github.com", "https://github.example.com", "http://127.0.0.1:8123"):
        assert re.fullmatch(pattern, origin), origin
    for origin in ("http://api.github.com", "https://api.github.com/", "https://x.example/api", "*"):
        assert not re.fullmatch(pattern, origin), origin


def test_wall_access_runs_a_cloudfront_function_with_the_session_key_store():
    template = load_template(TEMPLATE)
    function = template["Resources"]["WallAccessFunction"]["Properties"]
    assert function["AutoPublish"] is True
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["FunctionConfig"]["KeyValueStoreAssociations"] == [
        {"KeyValueStoreARN": {"Fn::GetAtt": ["SessionKeyStore", "Arn"]}}]
    assert "${WallAccess}" in function["FunctionCode"]["Fn::Sub"]  # the mode is the stack's parameter
    assert template["Parameters"]["WallAccess"]["Default"] == "employees"
    assert template["Parameters"]["WallAccess"]["AllowedValues"] == ["employees", "public"]
    session = template["Resources"]["SessionFunction"]["Properties"]
    assert session["Environment"]["Variables"]["SESSION_KEY_SECRET_ARN"] == {"Ref": "SessionKeySecret"}
    statement, = session["Policies"][0]["Statement"]
    assert statement["Action"] == ["secretsmanager:GetSecretValue"] and statement["Resource"] == {"Ref": "SessionKeySecret"}
    assert "GenerateSecretString" in template["Resources"]["SessionKeySecret"]["Properties"]
    outputs = set(template["Outputs"])
    assert outputs >= {"SiteUrl", "SiteBucketName", "DistributionId", "SessionKeyStoreArn", "SessionKeySecretArn",
                       "ApiUrl"}


# ---------------------------------------------------------------- operations: alarms, restorable data


def _refs(value) -> set[str]:
    """The logical ids a property value refers to (Ref, GetAtt, Sub)."""
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            else:
                found |= _refs(inner)
        return found
    if isinstance(value, list):
        return set().union(*map(_refs, value)) if value else set()
    if isinstance(value, str):
        return set(re.findall(r"\$\{(\w+)", value))
    return set()


def unalarmed(template: dict) -> list[tuple[str, str]]:
    """(function, metric) pairs of Lambda Errors and Throttles that no alarm notifying AlarmTopic watches."""
    watched = set()
    for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("Namespace") == "AWS/Lambda" and _refs(props.get("AlarmActions")) == {"AlarmTopic"}:
            assert props["Threshold"] == 1 and props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
            assert props["TreatMissingData"] == "notBreaching"
            for function in _refs(props["Dimensions"]):
                watched.add((function, props["MetricName"]))
    return [(function, metric) for function in resources_of_type(template, "AWS::Serverless::Function")
            for metric in ("Errors", "Throttles") if (function, metric) not in watched]


def test_every_function_has_its_error_and_throttle_alarms():
    assert unalarmed(load_template(TEMPLATE)) == []


def test_a_new_scheduled_function_without_alarms_is_found():
    # a scheduled function (no HTTP event, like the digest) must bring its pair of alarms like every other function
    template = load_template(TEMPLATE)
    template["Resources"]["ReminderFunction"] = {"Type": "AWS::Serverless::Function", "Properties": {
        "Handler": "reminder.app.lambda_handler",
        "Events": {"Daily": {"Type": "ScheduleV2", "Properties": {"ScheduleExpression": "cron(0 7 * * ? *)"}}}}}
    assert unalarmed(template) == [("ReminderFunction", "Errors"), ("ReminderFunction", "Throttles")]


def test_the_apis_5xx_rate_notifies_the_topic_and_mail_is_optional():
    template = load_template(TEMPLATE)
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    (rate,) = [alarm["Properties"] for alarm in alarms.values() if "Metrics" in alarm["Properties"]]
    queries = {query["Id"]: query for query in rate["Metrics"]}
    assert queries["rate"]["Expression"] == "IF(requests > 0, 100 * errors / requests, 0)"
    assert queries["rate"]["ReturnData"] is True
    for query_id, metric in (("errors", "5xx"), ("requests", "Count")):
        stat = queries[query_id]["MetricStat"]
        assert stat["Metric"]["Namespace"] == "AWS/ApiGateway" and stat["Metric"]["MetricName"] == metric
        assert _refs(stat["Metric"]["Dimensions"]) == {"HttpApi"}
    assert _refs(rate["AlarmActions"]) == {"AlarmTopic"}
    assert "Default" in template["Parameters"]["AlarmEmail"] and template["Parameters"]["AlarmEmail"]["Default"] == ""
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert _refs(subscription["Properties"]) == {"AlarmTopic", "AlarmEmail"}
    pattern = re.compile(template["Parameters"]["AlarmEmail"]["AllowedPattern"])
    assert pattern.fullmatch("") and pattern.fullmatch("ops@example.com") and not pattern.fullmatch("ops example.com")


# Tables whose every item can be lost without loss: each says why (checkov's CKV_AWS_28 skip)
DERIVABLE = {"IdempotencyTable"}


def test_every_table_of_data_that_cannot_be_derived_is_restorable():
    for name, table in resources_of_type(load_template(TEMPLATE), "AWS::DynamoDB::Table").items():
        props = table["Properties"]
        if name in DERIVABLE:
            assert "PointInTimeRecoverySpecification" not in props
            assert props["TimeToLiveSpecification"]["Enabled"] is True
            (skip,) = [s for s in table["Metadata"]["checkov"]["skip"] if s["id"] == "CKV_AWS_28"]
            assert len(skip["comment"]) > 30
            continue
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True,
                                                             "RecoveryPeriodInDays": 35}, name
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain", name
        assert props["DeletionProtectionEnabled"] is True, name
        assert "TableName" not in props, f"{name}: a restored table is adopted under a new name"


def test_the_restore_drill_is_documented_for_every_restorable_table():
    guide = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    start = guide.index("\n## Restoring the data")
    drill = guide[start:guide.index("\n## ", start + 1)]
    assert "aws dynamodb restore-table-to-point-in-time" in drill
    assert "--change-set-type IMPORT" in drill  # the stack adopts the restored table
    for name in resources_of_type(load_template(TEMPLATE), "AWS::DynamoDB::Table"):
        if name not in DERIVABLE:
            assert f"`{name}`" in drill or f'"LogicalResourceId":"{name}"' in drill, name
    assert "update-continuous-backups" in drill  # point-in-time recovery is not restored with the table
