"""The editor's local stack: `sharewall serve` with decap-server (git mode, loopback only, never on the working
copy) and the headers policy CloudFront would pick per path (/admin/* the editor's, every other the wall's)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from site_builder.local.editor_backend import (CLONE_DIR, SERVER_SCRIPT, EditorBackendError, editor_clone, info,
                                               start_editor_backend)
from site_builder.local.headers import (ADMIN_POLICY_ID, POLICY_ID, HeadersPolicyError, behaviour_policies,
                                        local_headers_by_path, path_pattern_matches, policy_for_path)
from site_builder.local.template import load_template
from tests.local_serve import ROOT, ServeProcess, request

TEMPLATE = ROOT / "template.yaml"
NODE = shutil.which("node")
HAS_DECAP_SERVER = (ROOT / SERVER_SCRIPT).is_file()
HAS_DECAP_CMS = (ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file()
needs_decap_server = pytest.mark.skipif(not (NODE and HAS_DECAP_SERVER), reason="needs Node and npm ci (decap-server)")
STAND_IN_API = "http://127.0.0.1:9"  # EditorApiOrigin of the served stack: a loopback GitHub stand-in's origin


# ---------------------------------------------------------------- CloudFront's path patterns, unit


@pytest.mark.parametrize("pattern, path, matches", [
    ("/admin/*", "/admin/", True),
    ("/admin/*", "/admin/index.html", True),
    ("/admin/*", "/admin/a/b/config.en.yml", True),
    ("admin/*", "/admin/x.js", True),  # the leading slash is optional
    ("/admin/*", "/admin", False),  # the pattern needs the slash: /admin is the default behaviour's
    ("/admin/*", "/Admin/", False),  # case-sensitive
    ("/admin/*", "/administrator/", False),
    ("/admin/*", "/en/admin/", False),
    ("/api/*", "/api/cms/auth", True),
    ("/images/*.jpg", "/images/a/b.jpg", True),  # * also spans slashes
    ("/images/*.jpg", "/images/a.jpeg", False),
    ("/p?.html", "/p1.html", True),
    ("/p?.html", "/p12.html", False),  # ? is exactly one character
    ("/a.b", "/axb", False),  # every other character is itself
    ("*", "/anything/at/all", True),
])
def test_path_patterns_match_like_cloudfront(pattern, path, matches):
    assert path_pattern_matches(pattern, path) is matches


def test_the_first_matching_behaviour_wins_else_the_default():
    behaviours = [("/a/*", "First"), ("/a/b/*", "Second"), ("*.js", None)]
    assert policy_for_path(behaviours, "Default", "/a/b/c") == "First"
    assert policy_for_path(behaviours, "Default", "/x.js") is None  # a behaviour without a policy adds none
    assert policy_for_path(behaviours, "Default", "/b/") == "Default"


@pytest.mark.parametrize("path, policy", [
    ("/admin/", ADMIN_POLICY_ID), ("/admin/index.html", ADMIN_POLICY_ID), ("/admin/config.de.yml", ADMIN_POLICY_ID),
    ("/admin", POLICY_ID), ("/", POLICY_ID), ("/en/", POLICY_ID), ("/api/cms/auth", POLICY_ID), ("/go/p/x", POLICY_ID),
    ("/ADMIN/", POLICY_ID),
])
def test_the_templates_distribution_gives_admin_its_own_policy_and_every_other_path_the_sites(path, policy):
    behaviours, default = behaviour_policies(load_template(TEMPLATE))
    assert default == POLICY_ID
    assert policy_for_path(behaviours, default, path) == policy


def _resolve_defaults(template: dict):
    """A resolver for the two policies' CSPs with the parameters' defaults and a made-up issuer and bucket."""
    def resolve(value):
        (name, body), = value.items()
        if name == "Ref":
            return template["Parameters"].get(body, {}).get("Default", f"<{body}>")
        if name == "Fn::Sub":  # its own variables (the IdP's host) become idp.example
            text, variables = (body, {}) if isinstance(body, str) else body
            return re.sub(r"\$\{([^}]+)\}", lambda found: "idp.example" if found.group(1) in variables
                          else str(resolve({"Ref": found.group(1)})), text)
        return f"<{name}>"
    return resolve


def test_local_headers_add_the_editor_backend_to_the_admin_policys_connect_src_only():
    template = load_template(TEMPLATE)
    headers = local_headers_by_path(template, _resolve_defaults(template), issuer="https://idp.example/v2.0",
                                    extra_sources={ADMIN_POLICY_ID: {"connect-src": ["http://127.0.0.1:4321"]}})
    admin = _directives(headers.for_path("/admin/")["Content-Security-Policy"])
    site = _directives(headers.for_path("/")["Content-Security-Policy"])
    assert admin["connect-src"] == ["'self'", "blob:", "https://api.github.com", "http://127.0.0.1:4321"]
    assert admin["script-src"] == ["'self'", "'unsafe-eval'"] and admin["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "http://127.0.0.1:4321" not in site["connect-src"] and site["script-src"] == ["'self'"]
    for path in ("/admin/", "/"):  # the other security headers on both, HSTS left out on http
        assert headers.for_path(path)["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers.for_path(path)


def test_a_behaviour_naming_a_policy_outside_the_template_is_refused_with_its_place():
    template = {"Resources": {"D": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "DefaultCacheBehavior": {"ResponseHeadersPolicyId": {"Ref": "SiteHeadersPolicy"}},
        "CacheBehaviors": [{"PathPattern": "/x/*", "ResponseHeadersPolicyId": "67f7725c-managed"}]}}}}}
    with pytest.raises(HeadersPolicyError, match=r"Resources\.D\.CacheBehaviors\[0\]\.ResponseHeadersPolicyId"):
        behaviour_policies(template)


def _directives(csp: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in csp.split("; ")}


# ---------------------------------------------------------------- decap-server on a clone, never the working copy


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def _persist_draft(url: str, slug: str) -> None:
    """What the editor sends when it saves a new post in the editorial workflow."""
    body = {"action": "persistEntry", "params": {
        "branch": "main", "cmsLabelPrefix": "decap-cms/",
        "entry": {"slug": slug, "path": f"content/posts/2026/{slug}.md", "raw": "---\ntitle: T\n---\nBody\n"},
        "assets": [], "options": {"collectionName": "posts", "commitMessage": f"Create {slug}", "useWorkflow": True,
                                  "status": "draft"}}}
    sent = urllib.request.Request(url + "/api/v1", data=json.dumps(body).encode(), method="POST",
                                  headers={"content-type": "application/json"})
    with urllib.request.urlopen(sent, timeout=30) as response:
        assert response.status == 200, response.read()


@pytest.fixture
def project(tmp_path):
    """A project repository of its own with decap-server in its node_modules, an uncommitted change and an
    ignored .sharewall/."""
    folder = tmp_path / "project"
    _git("init", "-q", "-b", "main", str(folder), cwd=tmp_path)
    (folder / ".gitignore").write_text("node_modules/\n.sharewall/\n")
    (folder / "content").mkdir()
    (folder / "content" / "a.md").write_text("a\n")
    _git("add", ".gitignore", "content/a.md", cwd=folder)
    _git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one", cwd=folder)
    (folder / "node_modules").mkdir()
    (folder / "node_modules" / "decap-server").symlink_to(ROOT / "node_modules" / "decap-server")
    (folder / "content" / "a.md").write_text("a, changed and not committed\n")
    return folder


@needs_decap_server
def test_decap_server_works_on_a_clone_and_the_working_copy_stays_as_it_was(project):
    head, status = _git("rev-parse", "HEAD", cwd=project), _git("status", "--porcelain", cwd=project)
    backend = start_editor_backend(project, "http://127.0.0.1:8000", NODE)
    try:
        assert backend.repository == (project / CLONE_DIR).resolve()
        assert info(backend.url)["type"] == "local_git"
        _persist_draft(backend.url, "first")
    finally:
        backend.close()
    assert _git("rev-parse", "HEAD", cwd=project) == head and _git("status", "--porcelain", cwd=project) == status
    assert _git("branch", "--show-current", cwd=project) == "main"
    assert _git("branch", "--list", "cms/*", cwd=project) == ""
    clone = project / CLONE_DIR
    assert _git("config", "branch.cms/posts/first.description", cwd=clone) == "decap-cms/draft"
    # the next start: the base branch follows the working copy's new commit, the editor's drafts stay
    _git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-am", "two", cwd=project)
    editor_clone(project)
    assert _git("rev-parse", "main", cwd=clone) == _git("rev-parse", "HEAD", cwd=project)
    assert _git("branch", "--show-current", cwd=clone) == "main" and _git("status", "--porcelain", cwd=clone) == ""
    assert "cms/posts/first" in _git("branch", "--list", "cms/*", cwd=clone)


def test_without_node_or_decap_server_or_a_repository_one_line_says_why(project, tmp_path):
    with pytest.raises(EditorBackendError, match="^node was not found: .*install Node.js"):
        start_editor_backend(project, "http://127.0.0.1:8000", None)
    (project / "node_modules" / "decap-server").unlink()
    with pytest.raises(EditorBackendError, match=r"^decap-server is not installed .*run `npm ci`$"):
        start_editor_backend(project, "http://127.0.0.1:8000", NODE or "node")
    plain = tmp_path / "plain"
    (plain / "node_modules").mkdir(parents=True)
    (plain / "node_modules" / "decap-server").symlink_to(ROOT / "node_modules" / "decap-server")
    with pytest.raises(EditorBackendError, match="is not a git repository"):
        start_editor_backend(plain, "http://127.0.0.1:8000", NODE or "node")
    assert not (plain / CLONE_DIR).exists()


# ---------------------------------------------------------------- sharewall serve with the editor's backend


def _listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port` (Linux's /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def _editor_url(server: ServeProcess) -> str:
    """decap-server's origin, from serve's `editor:` line."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        server.errors.seek(0)
        found = re.search(r"local backend decap-server: (http://127\.0\.0\.1:\d+)", server.errors.read())
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError("serve printed no editor line")


@pytest.fixture(scope="module")
def editor_serve(tmp_path_factory):
    """`sharewall serve --editor-repo <a clone>`: (server, decap-server's URL, the clone, the checkout's branch)."""
    if not (NODE and HAS_DECAP_SERVER):
        pytest.skip("needs Node and npm ci (decap-server)")
    clone = tmp_path_factory.mktemp("editor-repo") / "repo"
    _git("clone", "--quiet", str(ROOT), str(clone), cwd=ROOT)
    branch = _git("symbolic-ref", "HEAD", cwd=ROOT)
    server = ServeProcess(tmp_path_factory.mktemp("editor-site"), editor_repo=clone,
                          parameters=(f"EditorApiOrigin={STAND_IN_API}",))
    try:
        yield server, _editor_url(server), clone, branch
    finally:
        server.stop()


def _template_csp(policy_id: str, **parameters: str) -> str:
    """A policy's CSP as template.yaml writes it, with `parameters` put in."""
    csp = load_template(TEMPLATE)["Resources"][policy_id]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    csp = csp if isinstance(csp, str) else csp[0]
    for name, value in parameters.items():
        csp = csp.replace("${" + name + "}", value)
    return " ".join(csp.split())


def test_serve_runs_decap_server_in_git_mode_on_loopback_only(editor_serve):
    server, url, clone, _ = editor_serve
    assert info(url) == {"repo": clone.name, "publish_modes": ["simple", "editorial_workflow"], "type": "local_git"}
    port = int(url.rsplit(":", 1)[1])
    assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and no other address, IPv6 neither


def test_admin_gets_the_admin_policy_with_the_backend_and_every_other_page_the_sites(editor_serve):
    server, url, _, _ = editor_serve
    status, headers, _ = request(server.url + "admin/")
    assert status == 200 or not HAS_DECAP_CMS
    admin = _directives(headers["content-security-policy"])
    expected = _directives(_template_csp(ADMIN_POLICY_ID, EditorApiOrigin=STAND_IN_API))
    expected["connect-src"].append(url)
    assert admin == expected
    _, headers, _ = request(server.url)
    site = _directives(headers["content-security-policy"])
    assert site["script-src"] == ["'self'"] and site["style-src"] == ["'self'"] and url not in site["connect-src"]
    assert set(site) == set(_directives(_template_csp(POLICY_ID)))


def test_the_built_editor_config_names_the_local_backend(editor_serve):
    server, url, _, _ = editor_serve
    status, _, body = request(server.url + "admin/config.en.yml")
    if not HAS_DECAP_CMS:
        pytest.skip("needs npm ci (decap-cms): the build leaves /admin/ out without it")
    assert status == 200, body
    config = yaml.safe_load(body)
    assert config["local_backend"]["url"] == url + "/api/v1"


def test_without_the_editor_backend_the_editor_config_has_no_local_backend(local_server):
    status, headers, body = request(local_server + "admin/config.en.yml")
    if not HAS_DECAP_CMS:
        pytest.skip("needs npm ci (decap-cms): the build leaves /admin/ out without it")
    assert status == 200, body
    assert "local_backend" not in yaml.safe_load(body)
    assert _directives(headers["content-security-policy"])["connect-src"] == ["'self'", "blob:", "https://api.github.com"]


def test_without_the_editor_backend_decap_signs_in_at_the_serve_origin(local_server):
    """The GitHub backend's base_url is where serve runs (its /api/cms/auth), not mkdocs.yml's site_url (port 8000)."""
    status, _, body = request(local_server + "admin/config.de.yml")
    if not HAS_DECAP_CMS:
        pytest.skip("needs npm ci (decap-cms): the build leaves /admin/ out without it")
    assert status == 200, body
    config = yaml.safe_load(body)
    assert config["backend"]["base_url"] == local_server.rstrip("/") and config["site_url"] == local_server
    assert config["backend"]["auth_endpoint"] == "api/cms/auth"


def test_the_local_server_types_files_as_the_site_bucket_does(local_server):
    """One mapping (publish.content_type) for production's bucket and serve: the editor's YAML config is text/yaml
    locally too (served as application/octet-stream, Decap would not read it as its configuration)."""
    from site_builder.publish import content_type

    paths = ["", "index.html", "feed.xml", "posts.json", "sitemap.xml.gz", "assets/sharewall/composer.js",
             "assets/sharewall/claims.css"]
    if HAS_DECAP_CMS:
        paths += ["admin/config.en.yml", "admin/config.de.yml", "admin/editor.en.json", "admin/decap-cms.js",
                  "admin/editor.css"]
    for path in paths:
        status, headers, body = request(local_server + path, headers={"accept-encoding": "identity"})
        assert status == 200, (path, body[:200])
        assert headers["content-type"] == content_type(path or "index.html"), path
    if HAS_DECAP_CMS:
        assert request(local_server + "admin/config.en.yml")[1]["content-type"] == "text/yaml; charset=utf-8"


def test_serve_leaves_the_checkout_alone_and_stops_decap_server_when_it_stops(tmp_path_factory):
    if not (NODE and HAS_DECAP_SERVER):
        pytest.skip("needs Node and npm ci (decap-server)")
    clone = tmp_path_factory.mktemp("editor-repo-stop") / "repo"
    _git("clone", "--quiet", str(ROOT), str(clone), cwd=ROOT)
    branch = _git("symbolic-ref", "HEAD", cwd=ROOT)
    server = ServeProcess(tmp_path_factory.mktemp("editor-site-stop"), editor_repo=clone)
    try:
        url = _editor_url(server)
        _persist_draft(url, "from-the-editor")
    finally:
        server.stop()
    with pytest.raises(urllib.error.URLError):
        info(url, timeout=2)
    assert _git("symbolic-ref", "HEAD", cwd=ROOT) == branch
    assert "cms/posts/from-the-editor" not in _git("branch", "--list", "cms/*", cwd=ROOT)
    assert "cms/posts/from-the-editor" in _git("branch", "--list", "cms/*", cwd=clone)
