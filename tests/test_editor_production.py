"""`sharewall build --production` and the editor at /admin/: it commits to the repository the suggestions' GitHub
App works in (mkdocs.yml's editor.repo, else the stack's SuggestionsRepository; both set and different: refused),
and its sign-in and API calls go where the stack lets them (site_url's origin is SiteOrigin, editor.api_root's
origin is EditorApiOrigin), else the build refuses with one line naming both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from site_builder.local.template import load_template
from site_builder.production import editor_problems, origin
from tests.test_publish import SIGN_IN, make_project, sharewall

ROOT = Path(__file__).resolve().parents[1]
HAS_DECAP_CMS = (ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file()
OWN_PAYER = ("--parameter", "PayerName=Example AG", "--parameter", "PayerIban=DE89370400440532013000")
PARAMETERS = ("PayerName", "PayerIban", "SiteOrigin", "SuggestionsRepository", "EditorApiOrigin")


def project(root: Path, editor: str | None = None, site_url: str = "https://wall.example.com/") -> Path:
    """A wall with the real template's payer, site and editor parameters and Decap's bundle; its mkdocs.yml.

    `editor` is the sharewall plugin's `editor:` option as YAML flow (none: the option's defaults)."""
    config = make_project(root, site_url=site_url, sign_in=SIGN_IN)
    if editor is not None:
        with config.open("a", encoding="utf-8") as handle:
            handle.write(f"      editor: {editor}\n")
    parameters = load_template(ROOT / "template.yaml")["Parameters"]
    keep = {name: parameters[name] for name in PARAMETERS}
    (root / "template.yaml").write_text(yaml.safe_dump({"Parameters": keep, "Resources": {}}), encoding="utf-8")
    if HAS_DECAP_CMS:
        os.symlink(ROOT / "node_modules", root / "node_modules")
    return config


def production(config: Path, *parameters: str):
    pairs = [item for parameter in parameters for item in ("--parameter", parameter)]
    return sharewall("build", "--production", "--config", str(config), *OWN_PAYER, *pairs)


def backend(site: Path) -> dict:
    """The editor's Decap backend as the production build wrote it (the main language's config)."""
    return yaml.safe_load((site / "admin" / "config.de.yml").read_text(encoding="utf-8"))["backend"]


def problem_lines(result) -> list[str]:
    return [line.strip() for line in result.output.splitlines()[1:] if line.startswith("  ")]


# ---------------------------------------------------------------- the repository


def test_an_empty_editor_repo_takes_the_stacks_suggestions_repository(tmp_path):
    config = project(tmp_path, editor='{repo: ""}')
    result = production(config, "SuggestionsRepository=example-org/wall-content", "SiteOrigin=https://wall.example.com")
    assert result.exit_code == 0, result.output
    if not HAS_DECAP_CMS:
        pytest.skip("needs npm ci (decap-cms): the build leaves /admin/ out without it")
    found = backend(tmp_path / "site")
    assert found["repo"] == "example-org/wall-content"
    assert found["base_url"] == "https://wall.example.com"  # site_url's origin in production, not a serve origin


def test_the_editor_repo_of_mkdocs_yml_is_kept_when_the_stack_names_the_same_or_none(tmp_path):
    same = production(project(tmp_path / "a", editor="{repo: Example-Org/Wall-Content}"),
                      "SuggestionsRepository=example-org/wall-content")  # GitHub's names ignore case
    assert same.exit_code == 0, same.output
    alone = production(project(tmp_path / "b", editor="{repo: example-org/wall-content}"))
    assert alone.exit_code == 0, alone.output
    if HAS_DECAP_CMS:
        assert backend(tmp_path / "a" / "site")["repo"] == "Example-Org/Wall-Content"
        assert backend(tmp_path / "b" / "site")["repo"] == "example-org/wall-content"


def test_an_editor_repo_other_than_the_suggestions_repository_is_refused_naming_both(tmp_path):
    config = project(tmp_path, editor="{repo: example-org/old-wall}")
    result = production(config, "SuggestionsRepository=example-org/wall-content")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "mkdocs.yml: plugins.sharewall.editor.repo: 'example-org/old-wall', but the suggestions' GitHub App, which "
        "signs the editor in, works in SuggestionsRepository 'example-org/wall-content' (--parameter); leave "
        "editor.repo empty (the build takes SuggestionsRepository) or set both to the same repository"]
    assert not (tmp_path / "site").exists()


def test_without_any_repository_the_build_says_so_and_builds(tmp_path):
    result = production(project(tmp_path))
    assert result.exit_code == 0, result.output
    assert ("mkdocs.yml: plugins.sharewall.editor.repo and SuggestionsRepository are both empty: the editor at "
            "/admin/ cannot sign in at GitHub") in result.output
    if HAS_DECAP_CMS:
        assert "repo" not in backend(tmp_path / "site")


def test_a_suggestions_repository_from_samconfig_is_checked_like_the_template_would(tmp_path):
    config = project(tmp_path)
    (tmp_path / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "PayerName=\\"Example AG\\" '
        'PayerIban=DE89370400440532013000 SuggestionsRepository=not-a-repository"\n', encoding="utf-8")
    result = sharewall("build", "--production", "--config", str(config))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "samconfig.toml [default]: SuggestionsRepository: 'not-a-repository' is not a GitHub repository like "
        "owner/name"]


# ---------------------------------------------------------------- the origins


def test_a_site_url_on_another_origin_than_site_origin_is_refused(tmp_path):
    config = project(tmp_path, site_url="https://wall.example.com/news/")
    other = production(config, "SiteOrigin=https://d111111abcdef8.cloudfront.net")
    assert other.exit_code == 1
    assert problem_lines(other) == [
        "mkdocs.yml: site_url: 'https://wall.example.com/news/' is served from https://wall.example.com, but the "
        "stack's SiteOrigin is 'https://d111111abcdef8.cloudfront.net' (--parameter); the editor's sign-in answers "
        "only to SiteOrigin while Decap waits for it at site_url's origin (it would hang): set both to the wall's "
        "one address"]
    assert not (tmp_path / "site").exists()
    # the same origin written otherwise (upper case, the default port) is the same origin
    same = production(config, "SiteOrigin=https://WALL.example.com:443")
    assert same.exit_code == 0, same.output


def test_site_origin_unknown_to_the_build_is_not_compared(tmp_path):
    # SiteOrigin has no default: without samconfig.toml or --parameter the build cannot know it
    result = production(project(tmp_path))
    assert result.exit_code == 0, result.output


def test_an_api_root_outside_editor_api_origin_is_refused(tmp_path):
    enterprise = project(tmp_path / "a", editor="{api_root: 'https://github.example.com/api/v3'}")
    refused = production(enterprise)  # EditorApiOrigin's default: https://api.github.com
    assert refused.exit_code == 1
    assert problem_lines(refused) == [
        "mkdocs.yml: plugins.sharewall.editor.api_root: 'https://github.example.com/api/v3', but the admin page's "
        "Content-Security-Policy lets the editor connect only to EditorApiOrigin 'https://api.github.com' "
        "(template.yaml Default); set EditorApiOrigin to https://github.example.com or api_root to an address there"]
    allowed = production(enterprise, "EditorApiOrigin=https://github.example.com")
    assert allowed.exit_code == 0, allowed.output
    if HAS_DECAP_CMS:
        assert backend(tmp_path / "a" / "site")["api_root"] == "https://github.example.com/api/v3"

    stand_in = project(tmp_path / "b", editor="{api_root: 'https://api.github.com'}")
    moved = production(stand_in, "EditorApiOrigin=https://github.example.com")
    assert moved.exit_code == 1
    assert "EditorApiOrigin 'https://github.example.com' (--parameter)" in moved.output


def test_every_problem_is_listed_at_once(tmp_path):
    config = project(tmp_path, editor="{repo: a/b, api_root: 'https://github.example.com'}")
    result = production(config, "SuggestionsRepository=c/d", "SiteOrigin=https://other.example.com")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "Error: 3 problems for production, nothing was built:"
    assert [line.split(": ")[1] for line in problem_lines(result)] == [
        "plugins.sharewall.editor.repo", "site_url", "plugins.sharewall.editor.api_root"]


# ---------------------------------------------------------------- the pure core


@pytest.mark.parametrize("url, expected", [
    ("https://wall.example.com/", "https://wall.example.com"),
    ("https://Wall.Example.com:443/a/b?c#d", "https://wall.example.com"),
    ("HTTPS://wall.example.com:8443", "https://wall.example.com:8443"),
    ("http://127.0.0.1:80/", "http://127.0.0.1"),
    ("http://[::1]:8000/", "http://[::1]:8000"),
    ("wall.example.com", None),
    ("https://wall.example.com:99999/", None),
])
def test_origins_compare_as_a_browser_compares_them(url, expected):
    assert origin(url) == expected


def test_a_site_url_with_its_own_problem_is_not_also_compared_with_site_origin():
    values = {"SiteOrigin": "https://wall.example.com"}
    assert editor_problems("mkdocs.yml", "http://localhost:8000/", None, values, {}) == []
    assert editor_problems("mkdocs.yml", None, None, values, {}) == []
