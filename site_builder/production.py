"""Production guards: what `sharewall build --production` refuses before it builds anything.

A production wall must name its own https address (`site_url`), sign employees in at the company's
identity provider (`sign_in`) and pay expense claims from the company's own account, not the demo
payer. The payer is no setting of the site: it is the `PayerName`/`PayerIban` parameters of
template.yaml, so the check reads them as `sam deploy` would resolve them: the template's defaults,
over them the `parameter_overrides` of samconfig.toml's chosen environment, or instead of those the
`--parameter` values given on the command line (as `--parameter-overrides` replaces samconfig's).
A payer the build cannot see at all is refused too: the check must not pass by looking at nothing.

Who holds which role is read from one place: the template's GroupsClaim and RoleGroups (repository
variables SHAREWALL_GROUPS_CLAIM and SHAREWALL_ROLE_GROUPS in the deploy workflow), which the functions
get as GROUPS_CLAIM and ROLE_GROUPS. The production build hands the same values to the site's
`sign_in` (`site_identity`), so the pages a browser shows follow the roles the API grants. mkdocs.yml
need not name them; where it does and says otherwise, the build refuses (`identity_problems`): the
browser would hide pages the API allows, or show pages the API refuses.

The editor at /admin/ (Decap CMS) signs in through the GitHub App of the suggestions, so it commits to the
repository that App opens pull requests in: mkdocs.yml's `editor.repo` may stay empty and the production build
takes the stack's SuggestionsRepository (`editor_repo`); where both are set they must agree (`editor_problems`).
So must the origins the editor's sign-in runs between: the OAuth function posts its answer only to SiteOrigin,
while Decap waits for it from site_url's origin, and the admin page's CSP lets Decap reach only EditorApiOrigin,
where editor.api_root sends it.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_builder.editor.config import REPOSITORY  # GitHub's owner/name, as the editor's options take it

DEMO_PAYER = {"PayerIban": "DE02120300000000202051", "PayerName": "Sharewall Demo GmbH"}
# sign_in's identity settings -> the template parameters the functions read them from
IDENTITY = {"groups_claim": "GroupsClaim", "role_groups": "RoleGroups"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
DEFAULT_PORTS = {"http": 80, "https": 443}


class ProductionError(ValueError):
    """The site is not fit for production; the message names the file and field of every problem."""


def site_url_problem(site_url: str | None) -> str | None:
    """Why `site_url` is no production address, or None."""
    if not site_url:
        return "missing; set the wall's https:// address"
    parts = urlsplit(site_url)
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        return f"{site_url!r} is a local address; set the wall's public https:// address"
    if parts.scheme != "https":
        return f"{site_url!r} is not https; the wall is served over https only"
    return None


def sign_in_problems(sign_in: dict[str, Any] | None) -> list[str]:
    """What is missing or local in the `sign_in` setting (the company's OIDC provider)."""
    if not sign_in:
        return ["missing; production signs employees in at the company's identity provider "
                "(authorize_url, token_url, client_id)"]
    problems = [f"{name}: missing" for name in ("authorize_url", "token_url", "client_id") if not sign_in.get(name)]
    for name in ("authorize_url", "token_url"):
        value = str(sign_in.get(name) or "")
        if value and not value.startswith("https://"):
            problems.append(f"{name}: {value!r} is not an https:// address of the identity provider")
    return problems


def payer_problems(values: dict[str, str], sources: dict[str, str]) -> list[str]:
    """The demo payer (or none at all) in the deploy parameters; `sources` says where each value came from."""
    problems = []
    for name, demo in DEMO_PAYER.items():
        value = values.get(name, "").strip()
        if not value:
            problems.append(f"{name}: no value; pass --parameter {name}=... as `sam deploy` gets it")
        elif value == demo:
            problems.append(f"{sources.get(name, 'template.yaml')}: {name}: {value!r} is the demo payer; "
                            "set your company's own account")
    return problems


def site_identity(values: dict[str, str]) -> dict[str, str]:
    """sign_in's `groups_claim` and `role_groups` as the functions get them from the deploy parameters.

    A parameter the template does not have (or gives no value) leaves the site's own default, which is
    the functions' default too (GROUPS_CLAIM `groups`, ROLE_GROUPS empty).
    """
    from site_builder.settings import SignIn

    return {field: values[parameter] if parameter in values else str(SignIn.model_fields[field].default)
            for field, parameter in IDENTITY.items()}


def _same_roles(field: str, site: str, stack: str) -> bool:
    if field != "role_groups":
        return site == stack
    from sharewall_common.identity import role_groups

    try:
        return role_groups(site) == role_groups(stack)  # the same grants in any order or spacing
    except RuntimeError:
        return site.strip() == stack.strip()


def identity_problems(config_name: str, sign_in: dict[str, Any] | None, values: dict[str, str],
                      sources: dict[str, str]) -> list[str]:
    """Where mkdocs.yml's sign_in reads roles otherwise than the functions (GroupsClaim, RoleGroups)."""
    problems = []
    deployed = site_identity(values)
    for field, parameter in IDENTITY.items():
        if not sign_in or field not in sign_in:
            continue  # the build takes the parameter's value
        site, stack = str(sign_in[field] if sign_in[field] is not None else ""), deployed[field]
        if not _same_roles(field, site, stack):
            source = sources.get(parameter, "the functions' default")
            problems.append(f"{config_name}: plugins.sharewall.sign_in.{field}: {site!r}, but the functions read "
                            f"{parameter} {stack!r} ({source}); delete {field} from {config_name} (the build takes "
                            f"{parameter}) or set {parameter} (repository variable {_variable(parameter)}) to it")
    return problems


# The origin of a URL as a browser compares it (scheme and host in lower case, no default port), or None
def origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != DEFAULT_PORTS.get(scheme) else "")


def editor_repo(editor: dict[str, Any] | None, values: dict[str, str]) -> str | None:
    """The repository the production editor commits to: mkdocs.yml's editor.repo, else SuggestionsRepository."""
    return str((editor or {}).get("repo") or "").strip() or values.get("SuggestionsRepository", "").strip() or None


def editor_problems(config_name: str, site_url: str | None, editor: dict[str, Any] | None, values: dict[str, str],
                    sources: dict[str, str]) -> list[str]:
    """Where the editor's repository, the site's origin or GitHub's API disagree with the stack's parameters."""
    problems = []
    site_repo = str((editor or {}).get("repo") or "").strip()
    stack_repo = values.get("SuggestionsRepository", "").strip()
    stack_source = sources.get("SuggestionsRepository", "template.yaml Default")
    if stack_repo and not REPOSITORY.fullmatch(stack_repo):
        problems.append(f"{stack_source}: SuggestionsRepository: {stack_repo!r} is not a GitHub repository like "
                        "owner/name")
    elif site_repo and stack_repo and site_repo.lower() != stack_repo.lower():
        problems.append(f"{config_name}: plugins.sharewall.editor.repo: {site_repo!r}, but the suggestions' GitHub "
                        f"App, which signs the editor in, works in SuggestionsRepository {stack_repo!r} "
                        f"({stack_source}); leave editor.repo empty (the build takes SuggestionsRepository) or set "
                        "both to the same repository")
    stack_site = values.get("SiteOrigin", "").strip()
    if stack_site and site_url and not site_url_problem(site_url) and origin(site_url) != origin(stack_site):
        problems.append(f"{config_name}: site_url: {site_url!r} is served from {origin(site_url)}, but the stack's "
                        f"SiteOrigin is {stack_site!r} ({sources.get('SiteOrigin', 'template.yaml')}); the editor's "
                        "sign-in answers only to SiteOrigin while Decap waits for it at site_url's origin (it "
                        "would hang): set both to the wall's one address")
    api_root = str((editor or {}).get("api_root") or "").strip()
    stack_api = values.get("EditorApiOrigin", "").strip()
    if editor is not None and api_root and stack_api and origin(api_root) != origin(stack_api):
        problems.append(f"{config_name}: plugins.sharewall.editor.api_root: {api_root!r}, but the admin page's "
                        f"Content-Security-Policy lets the editor connect only to EditorApiOrigin {stack_api!r} "
                        f"({sources.get('EditorApiOrigin', 'template.yaml Default')}); set EditorApiOrigin to "
                        f"{origin(api_root) or 'its origin'} or api_root to an address there")
    return problems


def _variable(parameter: str) -> str:
    return "SHAREWALL_" + "_".join(word.upper() for word in re.findall(r"[A-Z][a-z]*", parameter))


def deploy_parameters(template: dict, samconfig: Path, config_env: str,
                      overrides: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The parameter values `sam deploy --config-env ENV` would use, and where each came from."""
    values = {name: str(spec["Default"]) for name, spec in (template.get("Parameters") or {}).items()
              if "Default" in spec}
    sources = {name: "template.yaml Default" for name in values}
    if overrides:
        given, origin = overrides, "--parameter"
    else:
        given, origin = samconfig_overrides(samconfig, config_env), f"{samconfig.name} [{config_env}]"
    values.update(given)
    sources.update({name: origin for name in given})
    return values, sources


def samconfig_overrides(samconfig: Path, config_env: str) -> dict[str, str]:
    """`parameter_overrides` of `[ENV.deploy.parameters]` (or `[ENV.global.parameters]`) in samconfig.toml."""
    if not samconfig.is_file():
        return {}
    try:
        config = tomllib.loads(samconfig.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProductionError(f"{samconfig}: not valid TOML: {error}") from None
    env = config.get(config_env) or {}
    for command in ("deploy", "global"):
        raw = ((env.get(command) or {}).get("parameters") or {}).get("parameter_overrides")
        if raw:
            pairs = shlex.split(raw) if isinstance(raw, str) else [str(item) for item in raw]
            return dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    return {}


def check(config_file: Path, site_url: str | None, sign_in: dict[str, Any] | None,
          parameters: dict[str, str], parameter_sources: dict[str, str], editor: dict[str, Any] | None = None) -> None:
    """Raise ProductionError listing every problem, each naming its file and field."""
    problems = []
    if problem := site_url_problem(site_url):
        problems.append(f"{config_file.name}: site_url: {problem}")
    problems += [f"{config_file.name}: plugins.sharewall.sign_in: {problem}" for problem in sign_in_problems(sign_in)]
    problems += identity_problems(config_file.name, sign_in, parameters, parameter_sources)
    problems += editor_problems(config_file.name, site_url, editor, parameters, parameter_sources)
    problems += payer_problems(parameters, parameter_sources)
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems)
        raise ProductionError(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} for production, nothing was built:\n{listing}")


def site_settings(config_file: Path) -> tuple[str | None, dict[str, Any] | None, dict[str, Any] | None]:
    """`site_url`, the sharewall `sign_in` and `editor` options as MkDocs reads mkdocs.yml (so `!ENV` values count)."""
    from mkdocs.config import load_config  # MkDocs is loaded only by the commands that build
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
    except ConfigurationError as error:
        raise ProductionError(f"{config_file}: {error}") from None
    plugin = config.plugins.get("sharewall")
    sign_in = dict(plugin.config.sign_in or {}) if plugin is not None else None
    editor = dict(plugin.config.editor or {}) if plugin is not None else None
    return config.site_url or None, sign_in, editor
