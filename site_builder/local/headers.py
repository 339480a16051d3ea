"""Production's security headers for `sharewall serve`: read from template.yaml's `SiteHeadersPolicy`.

CloudFront adds the headers of that `AWS::CloudFront::ResponseHeadersPolicy` to every response of the
wall; the local server sends the same ones, so a page that breaks the Content-Security-Policy breaks
locally and in tests too. Only what cannot hold on `http://127.0.0.1` differs, each for a reason:
- AWS endpoints in the CSP (the receipts bucket's S3 origin) become the local moto endpoint, and the
  identity provider's origin becomes the configured `sign_in` provider's (or stays the dev issuer's);
- `Strict-Transport-Security` is left out: browsers ignore it over plain http (RFC 6797 §8.1), and on
  `localhost` it would only pin other local development servers to https;
- `upgrade-insecure-requests` and `block-all-mixed-content` are left out: the local site *is* http,
  so upgrading its own requests would break every one of them;
- `report-uri`/`report-to` are left out: a local browser must not report to production's endpoint.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

from site_builder.local.template import resources_of_type

POLICY_TYPE = "AWS::CloudFront::ResponseHeadersPolicy"
POLICY_ID = "SiteHeadersPolicy"
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


def policy_config(template: dict) -> dict | None:
    """The `ResponseHeadersPolicyConfig` of `SiteHeadersPolicy` (unresolved), None when the template has none."""
    policies = resources_of_type(template, POLICY_TYPE)
    if not policies:
        return None
    resource = policies.get(POLICY_ID) or next(iter(policies.values()))
    config = (resource.get("Properties") or {}).get("ResponseHeadersPolicyConfig")
    if not isinstance(config, dict):
        raise HeadersPolicyError(f"template.yaml: Resources.{POLICY_ID}.Properties.ResponseHeadersPolicyConfig "
                                 "is missing")
    return config


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


def local_csp(policy: str, origins: dict[str, list[str]], aws_endpoint: str) -> str:
    """Production's CSP for the local server: AWS origins -> `aws_endpoint`, `origins` replaced, https-only
    directives dropped. `origins` maps a production origin to the local ones that stand in for it."""
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
        directives.append(" ".join([tokens[0], *sources]))
    return "; ".join(directives)


def local_security_headers(template: dict, resolve: Callable[[Any], Any], *, issuer: str, aws_endpoint: str = "",
                           sign_in_urls: tuple[str, ...] | list[str] = ()) -> dict[str, str]:
    """The headers `sharewall serve` sends on every response: the template's policy made to work on http
    loopback (see the module's description); {} when the template has no headers policy.

    `issuer` is the JwtIssuer the template was resolved with: its origin is the identity provider's in the
    CSP, which locally becomes the origins of `sign_in_urls` (mkdocs.yml's sign_in), when there are any.
    AWS origins become `aws_endpoint`'s (the moto server), when given.
    """
    config = policy_config(template)
    if config is None:
        return {}
    try:
        headers = policy_headers(deep_resolve(config, resolve))
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise HeadersPolicyError(f"template.yaml: Resources.{POLICY_ID}: cannot read {error!r}") from None
    headers.pop("Strict-Transport-Security", None)
    if "Content-Security-Policy" in headers:
        local_idp = list(dict.fromkeys(origin_of(url) for url in sign_in_urls if origin_of(url)))
        origins = {origin_of(issuer): local_idp} if local_idp and origin_of(issuer) else {}
        headers["Content-Security-Policy"] = local_csp(headers["Content-Security-Policy"], origins, aws_endpoint)
    return headers
