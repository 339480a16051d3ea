"""Production's security headers for `sharewall serve`: read from template.yaml's headers policies.

CloudFront adds to a response the headers of the `AWS::CloudFront::ResponseHeadersPolicy` of the cache
behaviour whose PathPattern matches the request's path (the first in the distribution's order, else the
default behaviour's: `SiteHeadersPolicy` for the wall, `AdminHeadersPolicy` for the editor at /admin/*);
the local server picks the policy the same way and sends the same headers, so a page that breaks its
Content-Security-Policy breaks locally and in tests too. Only what cannot hold on `http://127.0.0.1`
differs, each for a reason:
- AWS endpoints in the CSP (the receipts bucket's S3 origin) become the local moto endpoint, and the
  identity provider's origin becomes the configured `sign_in` provider's (or stays the dev issuer's);
- `Strict-Transport-Security` is left out: browsers ignore it over plain http (RFC 6797 §8.1), and on
  `localhost` it would only pin other local development servers to https;
- `upgrade-insecure-requests` and `block-all-mixed-content` are left out: the local site *is* http,
  so upgrading its own requests would break every one of them;
- `report-uri`/`report-to` are left out: a local browser must not report to production's endpoint;
- local services production does not have get their origins added (`extra_sources`: the editor's
  decap-server in the admin policy's connect-src).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlsplit

from site_builder.local.template import resources_of_type

POLICY_TYPE = "AWS::CloudFront::ResponseHeadersPolicy"
POLICY_ID = "SiteHeadersPolicy"
ADMIN_POLICY_ID = "AdminHeadersPolicy"
DISTRIBUTION_TYPE = "AWS::CloudFront::Distribution"
_HTTPS_ONLY_DIRECTIVES = {"upgrade-insecure-requests", "block-all-mixed-content", "report-uri", "report-to"}


class HeadersPolicyError(ValueError):
    """The template's headers policy cannot be read into headers."""


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, or "" when it has none."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# CloudFormation takes a boolean property as a YAML boolean or as the string "true"/"false"
def _on(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def deep_resolve(value: Any, resolve: Callable[[Any], Any]) -> Any:
    """`value` with every intrinsic function (`Ref`, `Fn::…`) in it replaced by `resolve`'s answer."""
    if isinstance(value, dict):
        if len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::")):
            return resolve(value)
        return {key: deep_resolve(item, resolve) for key, item in value.items()}
    if isinstance(value, list):
        return [deep_resolve(item, resolve) for item in value]
    return value


def policy_config(template: dict, policy_id: str = POLICY_ID) -> dict | None:
    """The `ResponseHeadersPolicyConfig` of the policy `policy_id` (unresolved), None when the template has no
    headers policy; for the site's policy, the template's only one stands in when it has another name."""
    policies = resources_of_type(template, POLICY_TYPE)
    if not policies:
        return None
    resource = policies.get(policy_id)
    if resource is None and policy_id == POLICY_ID:
        resource = next(iter(policies.values()))
    if resource is None:
        raise HeadersPolicyError(f"template.yaml: Resources.{policy_id} is no {POLICY_TYPE}")
    config = (resource.get("Properties") or {}).get("ResponseHeadersPolicyConfig")
    if not isinstance(config, dict):
        raise HeadersPolicyError(f"template.yaml: Resources.{policy_id}.Properties.ResponseHeadersPolicyConfig "
                                 "is missing")
    return config


def path_pattern_matches(pattern: str, path: str) -> bool:
    """Whether CloudFront's cache behaviour PathPattern `pattern` matches the URL path `path`: case-sensitive,
    `*` any run of characters (also `/` and none), `?` exactly one, the leading `/` optional."""
    return _pattern(pattern).fullmatch(path.lstrip("/")) is not None


# A PathPattern as a compiled expression, made once per pattern (every response asks for its headers)
@lru_cache(maxsize=64)
def _pattern(pattern: str) -> re.Pattern[str]:
    text = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern.lstrip("/"))
    return re.compile(text, flags=re.DOTALL)


def behaviour_policies(template: dict) -> tuple[list[tuple[str, str | None]], str | None]:
    """The distribution's cache behaviours as (PathPattern, headers policy id or None) in CloudFront's order,
    and the default behaviour's policy id; ([], None) without a distribution."""
    distributions = resources_of_type(template, DISTRIBUTION_TYPE)
    if not distributions:
        return [], None
    name, resource = next(iter(distributions.items()))
    config = ((resource.get("Properties") or {}).get("DistributionConfig")) or {}

    def policy_of(behaviour: dict, where: str) -> str | None:
        value = behaviour.get("ResponseHeadersPolicyId")
        if value is None:
            return None
        if not (isinstance(value, dict) and isinstance(value.get("Ref"), str)):
            raise HeadersPolicyError(f"template.yaml: Resources.{name}.{where}.ResponseHeadersPolicyId: only a Ref to "
                                     "a policy of the template can be served locally")
        return value["Ref"]

    behaviours = [(str(item.get("PathPattern", "")), policy_of(item, f"CacheBehaviors[{index}]"))
                  for index, item in enumerate(config.get("CacheBehaviors") or [])]
    return behaviours, policy_of(config.get("DefaultCacheBehavior") or {}, "DefaultCacheBehavior")


def policy_for_path(behaviours: list[tuple[str, str | None]], default: str | None, path: str) -> str | None:
    """The headers policy CloudFront applies to `path`: the first behaviour whose pattern matches, else the
    default behaviour's."""
    return next((policy for pattern, policy in behaviours if path_pattern_matches(pattern, path)), default)


def policy_headers(config: dict) -> dict[str, str]:
    """The headers a resolved `ResponseHeadersPolicyConfig` makes CloudFront add, by header name."""
    security = config.get("SecurityHeadersConfig") or {}
    headers: dict[str, str] = {}
    if csp := security.get("ContentSecurityPolicy"):
        headers["Content-Security-Policy"] = " ".join(str(csp["ContentSecurityPolicy"]).split())
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if frame := security.get("FrameOptions"):
        headers["X-Frame-Options"] = str(frame["FrameOption"]).upper()
    if referrer := security.get("ReferrerPolicy"):
        headers["Referrer-Policy"] = str(referrer["ReferrerPolicy"])
    if hsts := security.get("StrictTransportSecurity"):
        value = f"max-age={int(hsts['AccessControlMaxAgeSec'])}"
        value += "; includeSubDomains" if _on(hsts.get("IncludeSubdomains")) else ""
        headers["Strict-Transport-Security"] = value + ("; preload" if _on(hsts.get("Preload")) else "")
    if xss := security.get("XSSProtection"):
        value = "1" if _on(xss.get("Protection")) else "0"
        if _on(xss.get("Protection")) and _on(xss.get("ModeBlock")):
            value += "; mode=block"
        elif _on(xss.get("Protection")) and xss.get("ReportUri"):
            value += f"; report={xss['ReportUri']}"
        headers["X-XSS-Protection"] = value
    for item in (config.get("CustomHeadersConfig") or {}).get("Items") or []:
        headers[str(item["Header"])] = str(item["Value"])
    return headers


def local_csp(policy: str, origins: dict[str, list[str]], aws_endpoint: str,
              extra_sources: dict[str, list[str]] | None = None) -> str:
    """Production's CSP for the local server: AWS origins -> `aws_endpoint`, `origins` replaced, https-only
    directives dropped, `extra_sources` (directive -> sources) added. `origins` maps a production origin to
    the local ones that stand in for it."""
    local_aws = origin_of(aws_endpoint)
    directives = []
    for directive in policy.split(";"):
        tokens = directive.split()
        if not tokens or tokens[0].lower() in _HTTPS_ONLY_DIRECTIVES:
            continue
        sources: list[str] = []
        for token in tokens[1:]:
            host = urlsplit(token if "://" in token else f"https://{token}").hostname or ""
            replaced = origins.get(origin_of(token)) or origins.get(token)
            if replaced is not None:
                found = replaced
            elif local_aws and (host == "amazonaws.com" or host.endswith(".amazonaws.com")):
                found = [local_aws]
            else:
                found = [token]
            sources += [source for source in found if source not in sources]
        added = (extra_sources or {}).get(tokens[0].lower(), [])
        sources += [source for source in added if source not in sources]
        directives.append(" ".join([tokens[0], *sources]))
    return "; ".join(directives)


def local_security_headers(template: dict, resolve: Callable[[Any], Any], *, issuer: str, aws_endpoint: str = "",
                           sign_in_urls: tuple[str, ...] | list[str] = (), policy_id: str = POLICY_ID,
                           extra_sources: dict[str, list[str]] | None = None) -> dict[str, str]:
    """The headers `sharewall serve` sends for the policy `policy_id` (default: the wall's): the template's
    policy made to work on http loopback (see the module's description); {} when the template has no
    headers policy.

    `issuer` is the JwtIssuer the template was resolved with: its origin is the identity provider's in the
    CSP, which locally becomes the origins of `sign_in_urls` (mkdocs.yml's sign_in), when there are any.
    AWS origins become `aws_endpoint`'s (the moto server), when given. `extra_sources` (CSP directive ->
    sources) are added for local services.
    """
    config = policy_config(template, policy_id)
    if config is None:
        return {}
    try:
        headers = policy_headers(deep_resolve(config, resolve))
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise HeadersPolicyError(f"template.yaml: Resources.{policy_id}: cannot read {error!r}") from None
    headers.pop("Strict-Transport-Security", None)
    if "Content-Security-Policy" in headers:
        local_idp = list(dict.fromkeys(origin_of(url) for url in sign_in_urls if origin_of(url)))
        origins = {origin_of(issuer): local_idp} if local_idp and origin_of(issuer) else {}
        headers["Content-Security-Policy"] = local_csp(headers["Content-Security-Policy"], origins, aws_endpoint,
                                                       extra_sources)
    return headers


@dataclass
class PathHeaders:
    """The local security headers per request path, as CloudFront chooses them (see `policy_for_path`)."""

    behaviours: list[tuple[str, str | None]] = field(default_factory=list)
    default: str | None = None
    by_policy: dict[str | None, dict[str, str]] = field(default_factory=dict)

    def for_path(self, path: str) -> dict[str, str]:
        """The headers of the response to a request for `path` (the URL's path, before any rewrite)."""
        return self.by_policy.get(policy_for_path(self.behaviours, self.default, path), {})


def local_headers_by_path(template: dict, resolve: Callable[[Any], Any], *, issuer: str, aws_endpoint: str = "",
                          sign_in_urls: tuple[str, ...] | list[str] = (),
                          extra_sources: dict[str, dict[str, list[str]]] | None = None) -> PathHeaders:
    """Every headers policy the distribution's behaviours use, made local like `local_security_headers`
    (`extra_sources`: policy id -> directive -> sources). Without a distribution, the wall's policy
    answers every path."""
    behaviours, default = behaviour_policies(template)
    if not behaviours and default is None:
        default = POLICY_ID
    by_policy: dict[str | None, dict[str, str]] = {}
    for policy_id in dict.fromkeys([default, *(policy for _, policy in behaviours)]):
        if policy_id is not None:
            by_policy[policy_id] = local_security_headers(
                template, resolve, issuer=issuer, aws_endpoint=aws_endpoint, sign_in_urls=sign_in_urls,
                policy_id=policy_id, extra_sources=(extra_sources or {}).get(policy_id))
    return PathHeaders(behaviours, default, by_policy)
