"""Shared fixtures: a real moto server on loopback with the resources of template.yaml."""

from __future__ import annotations

import os
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest

from site_builder.adapter.outputs import published_claims_csv, published_invite_mail
from site_builder.local.aws import create_resources, reset_tables, set_local_env, start_moto
from site_builder.local.server import serve_catalogue
from site_builder.networks import NETWORKS
from sharewall_common.campaigns import Campaign, published_campaigns
from sharewall_common.expenses import published_policy
from tests.interface_languages import interface_languages
from tests.local_serve import ServeProcess, crowd_today, keep_crowds

ROOT = Path(__file__).resolve().parent.parent
# The wall the function tests share posts of: slug -> (source, networks offered)
WALL = {
    "arm-migration": ("engineering", list(NETWORKS)),
    "q3-results": ("finance-team", list(NETWORKS)),
    "email-only": ("people", ["email"]),
    **{f"post-{n}": (f"source-{n % 3}", list(NETWORKS)) for n in range(7)},
}

_TODAY = date.today()
# The campaigns the function tests' published site declares: invites may name only fair-2026
TEST_CAMPAIGNS = {
    "fair-2026": Campaign(name={"de": "Herbstmesse", "en": "Autumn fair"}, start=_TODAY - timedelta(days=30),
                          end=_TODAY + timedelta(days=60), reimbursed=True),
    "brand-2026": Campaign(name="Brand", start=_TODAY - timedelta(days=30), end=_TODAY + timedelta(days=60),
                           reimbursed=False),
    "fair-2025": Campaign(name="Fair 2025", start=_TODAY - timedelta(days=400), end=_TODAY - timedelta(days=2),
                          reimbursed=True),
    "fair-2027": Campaign(name="Fair 2027", start=_TODAY + timedelta(days=200), end=_TODAY + timedelta(days=230),
                          reimbursed=True),
}


@pytest.fixture(autouse=True)
def _crowds_outlast_midnight():
    """The served stacks' crowds of today share again once the site's day has changed (see keep_crowds)."""
    keep_crowds()


@pytest.fixture(scope="session")
def moto_endpoint():
    """A ThreadedMotoServer on 127.0.0.1 (OS-picked port); boto3 in this process talks to it over HTTP."""
    server, endpoint = start_moto()
    set_local_env(endpoint)
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def site_origin(tmp_path_factory):
    """The published site as far as the functions see it: the wall's catalogue and expense policy on loopback."""
    root = tmp_path_factory.mktemp("published")
    posts = [{"slug": slug, "source": source, "networks": networks} for slug, (source, networks) in WALL.items()]
    origin, server = serve_catalogue(root, posts)
    # and the expense policy the claims function enforces, published by the build from content/expenses.yml
    (root / "sharewall" / "expenses.json").write_bytes(
        published_policy((ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")))
    # and the campaigns invites may name, as the build publishes them (dates around today: the tests never age)
    (root / "sharewall" / "campaigns.json").write_bytes(published_campaigns(TEST_CAMPAIGNS, timezone.utc))
    # and the invite e-mail's texts and the claims CSV's words in every interface language, as the build publishes
    # them from the catalogues
    for path, data in {**published_invite_mail(interface_languages()), **published_claims_csv(interface_languages())}.items():
        (root / path).write_bytes(data)
    yield origin
    server.shutdown()


@pytest.fixture(scope="session")
def aws_resources(moto_endpoint, site_origin):
    """Tables, buckets and secrets created from template.yaml's own definitions; the functions' env set."""

    local = create_resources(ROOT / "template.yaml", {"SiteOrigin": site_origin})
    os.environ.update(local.function_environment())
    return local


@pytest.fixture
def fresh_tables(aws_resources):
    """The template's tables, emptied before the test."""
    reset_tables(aws_resources)
    return aws_resources


@pytest.fixture(scope="session")
def local_server(tmp_path_factory):
    """One `sharewall serve` for the session (browser and local-server tests); its base URL.

    Five colleagues have shared today, so today's statistics are shown (template.yaml withholds periods
    of fewer than five people) and every test's own share shows up in them.
    """
    server = ServeProcess(tmp_path_factory.mktemp("served-site"))
    crowd_today(server.url)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def gated_server(tmp_path_factory):
    """`sharewall serve --parameter WallAccess=employees` of the repository's site, production's gate in front;
    (base URL, the built site it serves). Read-only users: the gate, smoke and public-page tests."""
    site = tmp_path_factory.mktemp("gated-site")
    server = ServeProcess(site, parameters=("WallAccess=employees",))
    yield server.url, site
    server.stop()


@pytest.fixture(scope="session")
def sparse_server(tmp_path_factory):
    """A second `sharewall serve` where only two colleagues have shared today: fewer than the five people
    template.yaml requires, so today is withheld (tests may add people, as long as they stay under five)."""
    server = ServeProcess(tmp_path_factory.mktemp("sparse-site"))
    crowd_today(server.url, people=2)
    yield server.url
    server.stop()
