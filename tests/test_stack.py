"""The stack deploys, proven offline: template.yaml translated by aws-sam-translator and created in moto.

The SAM translator comes with the SAM CLI's own virtualenv (.tools/sam, `make install-test`; it pins
aws-sam-translator, whose pydantic pin clashes with ours). moto runs in a process of its own per stack
(tests/stack_in_moto.py), with stand-ins for the types its CloudFormation cannot create (listed there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.local.template import http_routes, load_template
from site_builder.production import samconfig_overrides
from tests.stack_in_moto import STUBBED

ROOT = Path(__file__).resolve().parent.parent
SAM_PYTHON = ROOT / ".tools/sam/bin/python"
REGION = "eu-central-1"
# What `sam package` does to CodeUri: the functions' code as an S3 object (stack_in_moto puts one there)
TRANSLATE = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

class NoManagedPolicies:  # the template names no managed policy by name: nothing to look up in IAM
    def load(self):
        return {}

template = yaml_parse(open(sys.argv[1], encoding="utf-8").read())
template["Globals"]["Function"]["CodeUri"] = {"Bucket": "sharewall-code", "Key": "functions.zip"}
print(json.dumps(transform(template, {}, NoManagedPolicies())))
"""
ALARM_EMAIL = "ops@example.com"
CUSTOM_DOMAIN = {"DomainName": "wall.example.com",
                 "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"}


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> Path:
    assert SAM_PYTHON.exists(), f"the SAM CLI's virtualenv is missing (make install-test puts it at {SAM_PYTHON})"
    # the region is all the translator asks of the environment: no credentials, no AWS call
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": REGION}
    result = subprocess.run([str(SAM_PYTHON), "-c", TRANSLATE, str(ROOT / "template.yaml")],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    path = tmp_path_factory.mktemp("stack") / "template.json"
    path.write_text(result.stdout, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stacks(translated, tmp_path_factory) -> dict[str, dict]:
    """The translated stack created twice in moto, side by side: as configured, and with a custom domain."""
    sandbox = samconfig_overrides(ROOT / "samconfig.toml", "sandbox")
    # the second also with the optional alarm mail
    variants = {"plain": sandbox, "custom-domain": {**sandbox, **CUSTOM_DOMAIN, "AlarmEmail": ALARM_EMAIL}}
    folder = tmp_path_factory.mktemp("parameters")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}  # no local endpoint
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION})
    running = {}
    for name, parameters in variants.items():
        (folder / f"{name}.json").write_text(json.dumps(parameters), encoding="utf-8")
        running[name] = subprocess.Popen(
            [sys.executable, "-c", "import sys, tests.stack_in_moto as s; s.main(sys.argv[1:])",
             str(translated), str(folder / f"{name}.json")],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    created = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-3000:]
        created[name] = json.loads(out)
    return created


def _physical(stack: dict, logical_id: str) -> str:
    return stack["resources"][logical_id][1]


def test_only_the_listed_types_are_stood_in_for(stacks):
    # moto gaining support for one of them shows here: then its stand-in goes
    assert set(stacks["plain"]["unsupported"]) == set(STUBBED)


def test_the_stack_is_created_with_its_tables_buckets_functions_and_secrets(stacks):
    stack = stacks["plain"]
    assert stack["status"] == "CREATE_COMPLETE"
    assert sorted(stack["tables"]) == sorted([_physical(stack, "AppTable"), _physical(stack, "IdempotencyTable")])
    site, receipts = _physical(stack, "SiteBucket"), _physical(stack, "ReceiptsBucket")
    assert {site, receipts} <= set(stack["buckets"])
    functions = stack["functions"]
    assert set(functions) == {_physical(stack, name) for name in ("SharesFunction", "ClaimsFunction", "SessionFunction",
                                                                  "SuggestionsFunction", "DigestFunction",
                                                                  "EditorAuthFunction")}
    for name in ("SharesFunction", "ClaimsFunction"):
        assert functions[_physical(stack, name)]["SITE_BUCKET"] == site
        assert "CATALOGUE_URL" not in functions[_physical(stack, name)]
    session = functions[_physical(stack, "SessionFunction")]
    assert session["SESSION_KEY_SECRET_ARN"] == _physical(stack, "SessionKeySecret") in stack["secrets"]
    sandbox = samconfig_overrides(ROOT / "samconfig.toml", "sandbox")
    assert session["SITE_URL"] == sandbox["SiteOrigin"] + "/"
    assert functions[_physical(stack, "ClaimsFunction")]["PAYER_IBAN"] == sandbox["PayerIban"]
    suggestions = functions[_physical(stack, "SuggestionsFunction")]
    assert suggestions["GITHUB_APP_SECRET_ARN"] == _physical(stack, "GitHubAppSecret") in stack["secrets"]
    assert str(suggestions["SUGGESTION_RETENTION_DAYS"]) == "90"


def test_the_api_has_the_templates_routes_on_stage_api(stacks):
    stack = stacks["plain"]
    api = stack["apis"][_physical(stack, "HttpApi")]
    assert api["stages"] == ["api"]
    declared = sorted({route.key for route in http_routes(load_template(ROOT / "template.yaml"))})
    assert api["routes"] == declared
    assert stack["outputs"]["ApiUrl"] == f"https://{_physical(stack, 'HttpApi')}.execute-api.{REGION}.amazonaws.com/api"


def test_the_distribution_serves_the_site_bucket_and_the_api(stacks):
    stack = stacks["plain"]
    distribution_id = _physical(stack, "Distribution")
    config = stack["distributions"][distribution_id]
    origins = {origin["Id"]: origin["DomainName"] for origin in config["Origins"]["Items"]}
    api_domain = f"{_physical(stack, 'HttpApi')}.execute-api.{REGION}.amazonaws.com"
    # the API twice: under /api, and for the shared links /go/* reaching the stage `api` through its origin path
    assert origins == {"site": f"{_physical(stack, 'SiteBucket')}.s3.{REGION}.amazonaws.com",
                       "api": api_domain, "api-go": api_domain}
    assert {origin["Id"]: origin.get("OriginPath", "") for origin in config["Origins"]["Items"]}["api-go"] == "/api"
    assert config["DefaultRootObject"] == "index.html"
    admin, api, go = config["CacheBehaviors"]["Items"]
    # the editor: the site's files with its own headers policy (behind the wall gate: moto keeps no function
    # associations, tests/test_template.py checks it)
    assert (admin["PathPattern"], admin["TargetOriginId"]) == ("/admin/*", "site")
    assert admin["ResponseHeadersPolicyId"] == _physical(stack, "AdminHeadersPolicy")
    assert (api["PathPattern"], api["TargetOriginId"]) == ("/api/*", "api")
    assert (go["PathPattern"], go["TargetOriginId"]) == ("/go/*", "api-go")
    assert not go.get("FunctionAssociations", {}).get("Items")  # no wall gate: anyone a post reached follows its link
    assert go["ResponseHeadersPolicyId"] == api["ResponseHeadersPolicyId"]
    headers_policy = _physical(stack, "SiteHeadersPolicy")
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == api["ResponseHeadersPolicyId"] == headers_policy
    assert config["CustomErrorResponses"]["Items"][0]["ResponsePagePath"] == "/404.html"
    assert config["Aliases"]["Quantity"] == 0
    # only this distribution reads the site bucket
    policy = stack["buckets"][_physical(stack, "SiteBucket")]["policy"]
    readers = {s["Condition"]["StringEquals"]["AWS:SourceArn"] for s in policy["Statement"] if s["Effect"] == "Allow"}
    assert readers == {f"arn:aws:cloudfront::123456789012:distribution/{distribution_id}"}
    outputs = stack["outputs"]
    assert outputs["DistributionId"] == distribution_id
    assert outputs["SiteUrl"] == f"https://{outputs['DistributionDomainName']}/"
    assert outputs["SiteBucketName"] == _physical(stack, "SiteBucket")


def test_wall_access_and_the_session_key_store_exist(stacks):
    stack = stacks["plain"]
    assert stack["cloudfront_functions"] == ["sharewall-wall-access"]
    assert stack["outputs"]["SessionKeyStoreArn"] in stack["key_value_stores"]
    assert stack["outputs"]["SessionKeySecretArn"] == _physical(stack, "SessionKeySecret")


def test_the_csp_names_the_created_receipts_bucket_and_the_identity_provider(stacks):
    stack = stacks["plain"]
    config = stack["recorded"]["SiteHeadersPolicy"]["ResponseHeadersPolicyConfig"]
    csp = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    receipts = f"https://{_physical(stack, 'ReceiptsBucket')}.s3.{REGION}.amazonaws.com"
    issuer = samconfig_overrides(ROOT / "samconfig.toml", "sandbox")["JwtIssuer"]
    assert f"connect-src 'self' {receipts} https://{issuer.split('/')[2]};" in csp
    assert f"form-action 'self' {receipts};" in csp
    assert "${" not in csp and "unsafe-inline" not in csp
    admin = stack["recorded"]["AdminHeadersPolicy"]["ResponseHeadersPolicyConfig"]
    admin_csp = admin["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "connect-src 'self' blob: https://api.github.com;" in admin_csp and "${" not in admin_csp


def test_a_custom_domain_gets_its_alias_and_certificate(stacks):
    stack = stacks["custom-domain"]
    assert stack["status"] == "CREATE_COMPLETE"
    config = stack["distributions"][_physical(stack, "Distribution")]
    assert config["Aliases"]["Items"] == [CUSTOM_DOMAIN["DomainName"]]
    assert config["ViewerCertificate"]["ACMCertificateArn"] == CUSTOM_DOMAIN["CertificateArn"]
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert stack["outputs"]["SiteUrl"] == f"https://{CUSTOM_DOMAIN['DomainName']}/"


def test_every_alarm_notifies_the_alarm_topic(stacks):
    stack = stacks["plain"]
    topic = _physical(stack, "AlarmTopic")
    assert stack["topics"] == [topic] and stack["outputs"]["AlarmTopicArn"] == topic
    assert "AlarmEmailSubscription" not in stack["resources"]  # AlarmEmail is optional (empty in the sandbox)
    assert stack["subscriptions"] == []
    mailed = stacks["custom-domain"]
    assert mailed["subscriptions"] == [[_physical(mailed, "AlarmTopic"), "email", ALARM_EMAIL]]
    alarms = stack["alarms"]
    assert len(alarms) == 2 * len(stack["functions"]) + 2  # and the API's 5xx rate, the digest's unknown outcomes
    assert all(alarm["AlarmActions"] == [topic] for alarm in alarms.values())
    watched = {(alarm["MetricName"], alarm["Dimensions"][0]["Value"]) for alarm in alarms.values()
               if alarm["MetricName"] in ("Errors", "Throttles")}
    assert [alarm["Dimensions"] for alarm in alarms.values() if alarm["MetricName"] == "DigestOutcomeUnknown"] == [
        [{"Name": "service", "Value": "digest"}]]  # Powertools' dimension of the function's metrics
    assert watched == {(metric, function) for function in stack["functions"] for metric in ("Errors", "Throttles")}
    (api,) = [alarm for alarm in alarms.values() if alarm["Metrics"]]
    dimensions = [query["MetricStat"]["Metric"]["Dimensions"] for query in api["Metrics"] if "MetricStat" in query]
    assert dimensions == [[{"Name": "ApiId", "Value": _physical(stack, "HttpApi")}]] * 2


def test_the_digest_is_scheduled_on_working_days_in_the_site_timezone_and_off_without_a_channel(stacks):
    stack = stacks["plain"]
    (schedule,) = stack["schedules"].values()
    assert schedule["ScheduleExpression"] == "cron(30 08 ? * MON-FRI *)"  # DigestSchedule's default, 08:30
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"  # the Timezone parameter
    assert schedule["State"] == "DISABLED"  # no Teams secret, no list address: nothing to send to
    assert json.loads(schedule["Target"]["Input"]) == {"scheduled": "<aws.scheduler.scheduled-time>"}
    assert schedule["Target"]["Arn"].endswith(":function:" + _physical(stack, "DigestFunction"))
