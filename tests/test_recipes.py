"""The local recipes of the documents work as written (issue #19): a dev token for the local API, publish and
active-posts against the local S3 of `sharewall serve --aws-port`, `--dry-run`, make's test and run targets,
the benchmarks' `--help`, the demo's import, invite's example campaign."""

from __future__ import annotations

import ast
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import boto3
import pytest
import yaml

from site_builder.local.devauth import DEV_AUDIENCE, claims_from_token

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SHAREWALL = str(BIN / "sharewall")
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "eu-central-1"}


# A command of the recipes, from the repository, with the environment a developer's shell has (no AWS settings)
def run(*command: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    # as typed in a shell: no AWS or Sharewall settings, and not as a sub-make of `make test` (which would add
    # "make[1]: Entering directory" lines to what make prints)
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith(("AWS_", "SHAREWALL_")) and key not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout, env={**clean, **(env or {})})


# A port nobody listens on now, for --aws-port
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """`sharewall serve --port 0 --aws-port N` as a developer starts it; what it prints: URL, API, moto, bucket."""
    folder = tmp_path_factory.mktemp("recipes")
    aws_port = free_port()
    git_dir = folder / "suggestions"  # accepted suggestions would become branches here, not in this checkout
    subprocess.run(["git", "init", "-q", "-b", "main", str(git_dir)], check=True, timeout=30)
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(SHAREWALL_QUIET="1", SUGGESTIONS_GIT_DIR=str(git_dir))
    errors = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([SHAREWALL, "serve", "--port", "0", "--aws-port", str(aws_port),
                                "--site-dir", str(folder / "site")],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        url = None
        deadline = time.monotonic() + 300
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            found = re.search(r"running at (http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else None
        errors.seek(0)
        printed = errors.read()
        assert url, f"sharewall serve did not start: {printed[-2000:]}"
        # the line for the other commands comes on stderr right after "running at": wait for it
        while "local AWS (moto):" not in printed and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            errors.seek(0)
            printed = errors.read()
        found = re.search(r"local AWS \(moto\): (\S+)  \(site bucket: (\S+)\); API: (\S+)", printed)
        assert found, printed
        yield {"url": url, "endpoint": found.group(1), "bucket": found.group(2), "api": found.group(3),
               "site": folder / "site", "aws_port": aws_port}
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_puts_moto_on_the_aws_port_and_prints_what_the_recipes_need(stack):
    assert stack["endpoint"] == f"http://127.0.0.1:{stack['aws_port']}"
    assert stack["api"] == stack["url"] + "api"
    s3 = boto3.client("s3", endpoint_url=stack["endpoint"], region_name="eu-central-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
    assert stack["bucket"] in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def test_a_dev_token_opens_the_local_api_with_its_role(stack):
    made = run(SHAREWALL, "dev-token", "--role", "finance", env={"SHAREWALL_API": stack["api"]})
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert claims_from_token(token, DEV_AUDIENCE)["groups"] == ["finance"]
    verified = run(SHAREWALL, "audit", "verify", env={"SHAREWALL_API": stack["api"], "SHAREWALL_TOKEN": token})
    assert verified.returncode == 0, verified.stderr
    assert re.fullmatch(r"verified \d+ claims, \d+ entries", verified.stdout.strip())
    # the role is the token's: an employee's is refused by the same command
    employee = run(SHAREWALL, "dev-token", env={"SHAREWALL_API": stack["api"]}).stdout.strip()
    refused = run(SHAREWALL, "audit", "verify", env={"SHAREWALL_API": stack["api"], "SHAREWALL_TOKEN": employee})
    assert refused.returncode == 1 and "HTTP 403" in refused.stderr


@pytest.mark.parametrize("api", ["https://wall.example.com/api", "http://10.0.0.5:8000/api", "ftp://127.0.0.1/api"])
def test_a_dev_token_is_refused_for_any_api_but_the_local_one(api):
    refused = run(SHAREWALL, "dev-token", "--role", "finance", "--api", api)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip() == (f"Error: {api} is not the local API: dev tokens are unsigned and only "
                                      "`sharewall serve` (http://127.0.0.1:PORT/api) takes them; on AWS, sign in at "
                                      "your identity provider")


def test_an_unknown_role_is_refused_naming_the_roles():
    refused = run(SHAREWALL, "dev-token", "--role", "admin")
    assert refused.returncode == 2
    assert "Invalid value for --role: admin is not a role; use employee, comms, finance" in refused.stderr


def test_publish_and_active_posts_against_the_local_s3(stack):
    s3 = boto3.client("s3", endpoint_url=stack["endpoint"], region_name="eu-central-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
    target = ("--bucket", stack["bucket"], "--endpoint-url", stack["endpoint"])

    def objects() -> dict:  # key -> ETag (serve puts the functions' files, like sharewall/catalogue.json, there first)
        return {item["Key"]: item["ETag"] for item in s3.list_objects_v2(Bucket=stack["bucket"]).get("Contents", [])}

    before = objects()
    assert "index.html" not in before
    dry = run(SHAREWALL, "publish", str(stack["site"]), *target, "--dry-run", env=LOCAL_CREDENTIALS)
    assert dry.returncode == 0, dry.stderr
    assert "index.html" in dry.stderr  # --dry-run lists what it would upload ...
    assert objects() == before  # ... and uploads nothing
    active = run(SHAREWALL, "active-posts", "content", "--revision", "local", env=LOCAL_CREDENTIALS)
    assert active.returncode == 0, active.stderr
    fingerprint = re.fullmatch(r"fingerprint=([0-9a-f]{64})", active.stdout.strip()).group(1)
    published = run(SHAREWALL, "publish", str(stack["site"]), *target, "--fingerprint", fingerprint,
                    env=LOCAL_CREDENTIALS)
    assert published.returncode == 0, published.stderr
    assert s3.get_object(Bucket=stack["bucket"], Key="index.html")["ContentLength"] > 0
    again = run(SHAREWALL, "active-posts", "content", "--revision", "local", *target, env=LOCAL_CREDENTIALS)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == [f"fingerprint={fingerprint}", "changed=false"]


def test_make_runs_pytest_and_modules_with_the_virtualenvs_python():
    tests = run("make", "-n", "test", "TESTS=tests/test_recipes.py -q -k unknown_role").stdout.splitlines()
    assert tests[-1] == (f'PATH="{ROOT}/.tools/sam/bin:$PATH" .venv/bin/python -m pytest '
                         "tests/test_recipes.py -q -k unknown_role")
    module = run("make", "-n", "run", "ARGS=-m site_builder.openapi --check").stdout.splitlines()
    assert module[-1] == ".venv/bin/python -m site_builder.openapi --check"
    # the lines make would run work as written, from the repository
    ran = run("bash", "-c", tests[-1].replace("-q", "-q -p no:cacheprovider -o addopts="))
    assert ran.returncode == 0 and "1 passed" in ran.stdout, ran.stdout + ran.stderr
    assert run("bash", "-c", module[-1]).returncode == 0


def test_make_serve_passes_its_ports():
    line = run("make", "-n", "serve", "PORT=9001", "AWS_PORT=5001").stdout.splitlines()[-1]
    assert line.split() == [".venv/bin/sharewall", "serve", "--port", "9001", "--aws-port", "5001"]


@pytest.mark.parametrize("script", ["bench/api.py", "bench/claims.py"])
def test_a_benchmarks_help_says_what_it_measures_and_runs_nothing(script):
    started = time.monotonic()
    shown = run(sys.executable, script, "--help", timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"usage: {Path(script).name} [-h]")
    usage, options = f"usage: {Path(script).name} [-h]\n", "options:\n  -h, --help  show this help message and exit\n"
    assert shown.stdout.startswith(usage) and shown.stdout.endswith(options)
    # between them the script's description and nothing else: no figure measured
    description = ast.get_docstring(ast.parse((ROOT / script).read_text(encoding="utf-8")), clean=False)
    assert shown.stdout[len(usage):-len(options)].strip() == description.strip()
    assert time.monotonic() - started < 60


def test_the_demo_ships_no_feed_so_a_forks_import_has_nothing_to_fail_on():
    sources = yaml.safe_load((ROOT / "content" / "sources.yml").read_text(encoding="utf-8"))
    assert [key for key, source in sources.items() if "feed" in source] == []
    imported = run(SHAREWALL, "import", "content")
    assert imported.returncode == 0, imported.stderr
    assert "no source in content/sources.yml has a feed" in imported.stdout + imported.stderr


def test_invites_help_names_a_running_reimbursed_campaign_of_the_demo():
    shown = run(SHAREWALL, "invite", "create", "--help")
    example = re.search(r"e\.g\.\s+([a-z0-9-]+(?:-\s*[a-z0-9-]+)*)\.", shown.stdout).group(1)
    example = re.sub(r"\s+", "", example)  # click wraps the help text at a hyphen
    campaigns = yaml.safe_load((ROOT / "content" / "campaigns.yml").read_text(encoding="utf-8"))
    assert example in campaigns
    campaign = campaigns[example]
    assert campaign["reimbursed"] is True and campaign["start"] <= date.today() <= campaign["end"]
