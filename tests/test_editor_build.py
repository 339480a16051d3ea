"""The build writes the editor at /admin/: Decap's bundle from the project's node_modules, the editor's files and a
configuration per interface language; no wall page references any of it; without the package, one warning line
and the rest of the site.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
import yaml

from site_builder.editor.build import bundle
from site_builder.plugin import build_site

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "node_modules" / "decap-cms" / "dist"
LANGUAGES = ("de", "en", "fr")  # mkdocs.yml's interface: the theme's language, then the alternates
pytestmark = pytest.mark.skipif(not (DIST / "decap-cms.js").is_file(), reason="decap-cms is not installed (npm ci)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The repository's demo wall, built as `sharewall build` builds it."""
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("demo") / "site")


# A copy of the project (mkdocs.yml, content, templates) under `root`, with node_modules linked in or not
def project(root: Path, node_modules: bool) -> Path:
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    if node_modules:
        os.symlink(ROOT / "node_modules", root / "node_modules")
    return root / "mkdocs.yml"


def test_admin_holds_the_editor_decaps_bundle_and_a_config_per_interface_language(demo: Path) -> None:
    admin = demo / "admin"
    for name in ("index.html", "editor-boot.js", "editor.js", "editor.css", "decap-cms.js"):
        assert (admin / name).is_file(), name
    chunks = {path.name for path in DIST.glob("*.decap-cms.js")}
    assert chunks and chunks <= {path.name for path in admin.iterdir()}  # every chunk Decap may load
    assert not list(admin.glob("*.map")) and not list(admin.glob("*.cms.js")) and not (admin / "cms.js").exists()
    assert (admin / "decap-cms.js").read_bytes() == (DIST / "decap-cms.js").read_bytes()
    for language in LANGUAGES:
        config = yaml.safe_load((admin / f"config.{language}.yml").read_text(encoding="utf-8"))
        assert config["locale"] == language and config["publish_mode"] == "editorial_workflow"
        assert config["backend"]["name"] == "github" and config["backend"]["base_url"] == "http://localhost:8000"
        assert "local_backend" not in config  # only the build `sharewall serve` makes with decap-server
        posts, pages = config["collections"]
        assert posts["folder"] == "content/posts" and len(posts["fields"]) > 10
        assert [entry["file"] for entry in pages["files"]] == [
            "content/guidelines.md", "content/guidelines.en.md", "content/guidelines.fr.md"]
        assert (admin / f"editor.{language}.json").is_file()
    assert not (demo / "en" / "admin").exists()  # the main build writes it once, for every language


def test_no_wall_page_references_the_editor(demo: Path) -> None:
    for page in demo.rglob("*.html"):
        if page.relative_to(demo).parts[0] == "admin":
            continue
        text = page.read_text(encoding="utf-8")
        assert "decap" not in text.lower() and "admin/" not in text, page.relative_to(demo)
    for script in (demo / "assets" / "sharewall").rglob("*.js"):
        assert "decap-cms" not in script.read_text(encoding="utf-8"), script.relative_to(demo)


def test_the_local_backend_only_in_a_build_given_decap_servers_url(tmp_path: Path) -> None:
    config_file = project(tmp_path / "project", node_modules=True)
    site = build_site(config_file, tmp_path / "site", dev_sign_in=True,
                      editor_local_backend="http://127.0.0.1:8123/api/v1")
    for language in LANGUAGES:
        config = yaml.safe_load((site / "admin" / f"config.{language}.yml").read_text(encoding="utf-8"))
        assert config["local_backend"] == {"url": "http://127.0.0.1:8123/api/v1",
                                           "allowed_hosts": ["127.0.0.1", "localhost"]}


def test_a_build_for_a_serve_origin_signs_in_there_whatever_site_url_says(tmp_path: Path) -> None:
    config_file = project(tmp_path / "project", node_modules=True)  # site_url: http://localhost:8000/
    site = build_site(config_file, tmp_path / "site", dev_sign_in=True, editor_origin="http://127.0.0.1:8123")
    for language in LANGUAGES:
        config = yaml.safe_load((site / "admin" / f"config.{language}.yml").read_text(encoding="utf-8"))
        assert config["backend"]["base_url"] == "http://127.0.0.1:8123"  # Decap opens <base_url>/api/cms/auth
        assert config["site_url"] == "http://127.0.0.1:8123/"
        assert "local_backend" not in config


def test_without_the_package_one_warning_line_and_the_rest_is_built(tmp_path: Path, caplog) -> None:
    config_file = project(tmp_path / "project", node_modules=False)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.sharewall"):
        site = build_site(config_file, tmp_path / "site")
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
                and "editor" in record.getMessage()]
    assert len(warnings) == 1 and "decap-cms" in warnings[0] and "npm ci" in warnings[0]
    assert not (site / "admin").exists()
    assert (site / "index.html").is_file() and (site / "en" / "index.html").is_file()


def test_a_wrong_editor_option_fails_the_build_naming_it(tmp_path: Path, caplog) -> None:
    from mkdocs.exceptions import Abort

    config_file = project(tmp_path / "project", node_modules=False)
    text = config_file.read_text(encoding="utf-8").replace('repo: ""', "repo: not-a-repository")
    config_file.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(config_file, tmp_path / "site")
    assert "editor.repo" in caplog.text
    assert not (tmp_path / "site" / "index.html").exists()


def test_the_bundle_is_decap_cms_js_its_chunks_licence_and_wasm() -> None:
    names = {path.name for path in bundle(ROOT)}
    assert "decap-cms.js" in names and "decap-cms.js.LICENSE.txt" in names
    assert not {name for name in names if name.endswith((".map", ".css")) or name.endswith(".cms.js")
                and not name.endswith(".decap-cms.js")}
    assert bundle(ROOT / "content") is None


def test_publish_serves_the_config_as_yaml_briefly_cached_like_the_json() -> None:
    from site_builder import publish

    assert publish.content_type("admin/config.de.yml") == "text/yaml; charset=utf-8"
    assert publish.cache_control("admin/config.de.yml") == publish.cache_control("admin/editor.de.json") == publish.SHORT
    assert publish.content_type("admin/dd5d52671a5763720504.wasm") == "application/wasm"
