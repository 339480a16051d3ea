"""`sharewall smoke`: the deploy's check of the live site, run here against the local stack with production's
gate (`sharewall serve --parameter WallAccess=employees`) and against stand-ins that break one promise each."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.cli import main
from site_builder.local.server import serve_directory
from tests.test_csp_regions import BUCKET, production_csp


def smoke(*args: str):
    return CliRunner().invoke(main, ["smoke", *args])


def failed_lines(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line]


def test_the_local_stack_with_productions_gate_passes(gated_server):
    url, _ = gated_server
    result = smoke("--url", url)
    assert result.exit_code == 0, result.output
    passed = int(result.stderr.split("smoke: ")[1].split()[0])
    assert passed >= 20, result.stderr  # the gate, two claim pages with everything they load, the API


def test_a_public_wall_expected_but_a_gated_one_found_fails_with_one_line(gated_server):
    url, _ = gated_server
    result = smoke("--url", url, "--wall-access", "public")
    assert result.exit_code == 1
    assert failed_lines(result) == ["/: expected 200 on a public wall, got 302"]


def test_a_plain_file_server_of_the_built_site_fails(gated_server):
    _, site = gated_server
    url, server = serve_directory(Path(site))
    try:
        result = smoke("--url", url)
    finally:
        server.shutdown()
    assert result.exit_code == 1
    lines = failed_lines(result)
    assert lines[0] == "/: expected a redirect to /signin/ without a session, got 200"
    assert "/claim/: no Content-Security-Policy" in lines and "/en/claim/: no Content-Security-Policy" in lines
    assert lines[-1] == "/api/stats: expected 401 without a token, got 404"


def test_with_a_region_the_csp_must_allow_the_upload_url_of_that_region(gated_server):
    _, site = gated_server
    # the built site with production's headers for a stack in eu-central-1 (no gate, no API: those lines fail too)
    url, server = serve_directory(Path(site), headers={"Content-Security-Policy": production_csp("eu-central-1")})
    try:
        right = smoke("--url", url, "--region", "eu-central-1")
        wrong = smoke("--url", url, "--region", "eu-west-1")
    finally:
        server.shutdown()
    assert not [line for line in failed_lines(right) if line.startswith("CSP")], right.output
    assert [line for line in failed_lines(wrong) if line.startswith("CSP")] == [
        f"CSP: connect-src does not allow the receipt upload URL https://{BUCKET}.s3.eu-west-1.amazonaws.com/ "
        "(region eu-west-1)",
        f"CSP: form-action does not allow the receipt upload URL https://{BUCKET}.s3.eu-west-1.amazonaws.com/ "
        "(region eu-west-1)"]


def test_a_site_that_cannot_be_reached_is_one_line_per_check():
    result = smoke("--url", "http://127.0.0.1:9/")
    assert result.exit_code == 1
    assert len(failed_lines(result)) == 3 and all("got" in line for line in failed_lines(result))
