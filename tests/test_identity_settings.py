"""Who holds which role is set in one place: the template's GroupsClaim and RoleGroups.

The functions read them as GROUPS_CLAIM and ROLE_GROUPS; `sharewall build --production` hands the same
values to the site's sign_in, so the browser shows the pages of exactly the roles the API grants. A
mkdocs.yml that says otherwise is refused: with Entra ID's app roles (`roles`) in the stack but the
site reading `groups`, comms and finance would find their pages blocked while the API accepts them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from site_builder.local.template import load_template
from site_builder.settings import SignIn
from tests.test_publish import SIGN_IN, make_project, sharewall

ROOT = Path(__file__).resolve().parents[1]
OWN_PAYER = ["--parameter", "PayerName=Example AG", "--parameter", "PayerIban=DE89370400440532013000"]
ENTRA = ["--parameter", "GroupsClaim=roles"]
GROUP_IDS = "finance=0f1e-77,comms=aa11-22,employee=e1e1-33"


def project(root: Path, sign_in: str = SIGN_IN) -> Path:
    """A wall with the real template's identity and payer parameters next to its mkdocs.yml."""
    config = make_project(root, sign_in=sign_in)
    with config.open("a", encoding="utf-8") as handle:
        handle.write("      alternates: {en: {}}\n")  # an English interface too, built into en/
    parameters = load_template(ROOT / "template.yaml")["Parameters"]
    keep = {name: parameters[name] for name in ("GroupsClaim", "RoleGroups", "PayerName", "PayerIban")}
    (root / "template.yaml").write_text(yaml.safe_dump({"Parameters": keep, "Resources": {}}), encoding="utf-8")
    return config


def browser_sign_in(site: Path) -> dict:
    """What the pages' scripts read of the provider (the sharewall-config element of the wall)."""
    page = (site / "index.html").read_text(encoding="utf-8")
    config = re.search(r'<script id="sharewall-config" type="application/json">(.*?)</script>', page, re.DOTALL)
    return json.loads(config.group(1))["signIn"]


def test_the_site_reads_roles_as_the_deploy_parameters_say(tmp_path):
    result = sharewall("build", "--production", "--config", str(project(tmp_path)), *OWN_PAYER, *ENTRA,
                       "--parameter", f"RoleGroups={GROUP_IDS}")
    assert result.exit_code == 0, result.output
    sign_in = browser_sign_in(tmp_path / "site")
    assert sign_in["groupsClaim"] == "roles"
    assert sign_in["roleGroups"] == {"0f1e-77": "finance", "aa11-22": "comms", "e1e1-33": "employee"}
    english = browser_sign_in(tmp_path / "site" / "en")  # the other interface language reads them alike
    assert (english["groupsClaim"], english["roleGroups"]) == ("roles", sign_in["roleGroups"])


def test_without_the_parameters_the_site_reads_the_functions_defaults(tmp_path):
    result = sharewall("build", "--production", "--config", str(project(tmp_path)), *OWN_PAYER)
    assert result.exit_code == 0, result.output
    sign_in = browser_sign_in(tmp_path / "site")
    assert (sign_in["groupsClaim"], sign_in["roleGroups"]) == ("groups", None)


def test_a_groups_claim_in_mkdocs_yml_that_differs_from_the_stacks_is_refused(tmp_path):
    # the operators guide's old Entra ID steps: SHAREWALL_GROUPS_CLAIM=roles for the stack, nothing for the site
    stale = SIGN_IN.replace("client_id: wall", "client_id: wall, groups_claim: groups")
    result = sharewall("build", "--production", "--config", str(project(tmp_path / "a", stale)), *OWN_PAYER, *ENTRA)
    assert result.exit_code == 1
    assert ("mkdocs.yml: plugins.sharewall.sign_in.groups_claim: 'groups', but the functions read GroupsClaim "
            "'roles' (--parameter); delete groups_claim from mkdocs.yml (the build takes GroupsClaim) or set "
            "GroupsClaim (repository variable SHAREWALL_GROUPS_CLAIM) to it") in result.output
    assert not (tmp_path / "a" / "site").exists()

    roles_only_here = SIGN_IN.replace("client_id: wall", "client_id: wall, groups_claim: roles")
    result = sharewall("build", "--production", "--config", str(project(tmp_path / "b", roles_only_here)), *OWN_PAYER)
    assert result.exit_code == 1
    assert "sign_in.groups_claim: 'roles', but the functions read GroupsClaim 'groups' (template.yaml Default)" \
        in result.output


def test_role_groups_must_grant_what_the_stack_grants(tmp_path):
    named = SIGN_IN.replace("client_id: wall", f"client_id: wall, role_groups: '{GROUP_IDS}'")
    missing = sharewall("build", "--production", "--config", str(project(tmp_path / "a", named)), *OWN_PAYER)
    assert missing.exit_code == 1
    assert f"sign_in.role_groups: '{GROUP_IDS}', but the functions read RoleGroups ''" in missing.output
    assert "repository variable SHAREWALL_ROLE_GROUPS" in missing.output

    reordered = ",".join(reversed(GROUP_IDS.split(",")))  # the same grants in another order: no mismatch
    same = sharewall("build", "--production", "--config", str(project(tmp_path / "b", named)), *OWN_PAYER,
                     "--parameter", f"RoleGroups={reordered}")
    assert same.exit_code == 0, same.output
    assert browser_sign_in(tmp_path / "b" / "site")["roleGroups"]["0f1e-77"] == "finance"


def test_the_functions_the_workflow_and_the_site_share_one_source():
    template = load_template(ROOT / "template.yaml")
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["GROUPS_CLAIM"] == {"Ref": "GroupsClaim"} and variables["ROLE_GROUPS"] == {"Ref": "RoleGroups"}
    # the site's defaults are the stack's (and sharewall_common.identity's: `groups`, no group ids)
    assert template["Parameters"]["GroupsClaim"]["Default"] == SignIn.model_fields["groups_claim"].default == "groups"
    assert template["Parameters"]["RoleGroups"]["Default"] == SignIn.model_fields["role_groups"].default == ""
    env = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))["env"]
    assert env["PARAMETER_GroupsClaim"] == "${{ vars.SHAREWALL_GROUPS_CLAIM }}"
    assert env["PARAMETER_RoleGroups"] == "${{ vars.SHAREWALL_ROLE_GROUPS }}"


def test_the_operators_guide_sets_the_roles_in_one_place():
    guide = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    entra = guide[guide.index("\n### The identity provider"):guide.index("\n### The one-time bootstrap")]
    assert "`SHAREWALL_GROUPS_CLAIM` = `roles`" in entra
    assert "groups_claim" not in entra.split("Repository variables")[0]  # mkdocs.yml's sign_in names no roles
    assert "sharewall build --production" in entra  # which carries them into the site
