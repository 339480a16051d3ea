"""Site settings: the `sharewall` entry of the project's `mkdocs.yml`, read without MkDocs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sharewall_common.identity import role_groups
from site_builder.networks import NETWORKS


class Disclosure(BaseModel):
    """The locked disclosure texts of one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sponsored: str = Field(min_length=1, max_length=40)  # put at the start of sponsored posts
    employee: str = Field(min_length=1, max_length=40)  # put at the end of employee posts
    label: str = Field(default="Werbung / Ad", min_length=1, max_length=40)  # badge on the card


DEFAULT_DISCLOSURES = {
    "de": Disclosure(sponsored="Werbung |", employee="#Mitarbeiterin #Mitarbeiter", label="Werbung"),
    "en": Disclosure(sponsored="Ad |", employee="#employee", label="Ad"),
}


LOOPBACK_HTTP = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)")


class SignIn(BaseModel):
    """The company's OIDC identity provider: employees sign in with the authorization code flow and PKCE.

    Register the site's sign-in page (`<site>/signin/`) as a redirect URI of a public client (no secret)
    whose token endpoint allows the site's origin (CORS). The token the site keeps is what the HTTP
    API's JWT authorizer checks: its `aud` must be the template's JwtAudience.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    authorize_url: str  # the provider's authorization endpoint
    token_url: str  # its token endpoint
    client_id: str = Field(min_length=1)
    scope: str = "openid profile"
    token: Literal["id_token", "access_token"] = "id_token"  # which token of the response to send
    # OIDC RP-initiated logout: signing out also ends the session at the provider, which sends the browser
    # back to the sign-in page (register `<site>/signin/` as a post-logout redirect URI too); None: only here
    end_session_url: str | None = None
    # Who sees the pages of a role (the API checks again): the token's groups claim and, like the template's
    # RoleGroups, `role=group,…` when groups are ids (Entra ID); empty: the groups named like the roles
    groups_claim: str = Field(default="groups", min_length=1)
    role_groups: str = ""

    @field_validator("authorize_url", "token_url", "end_session_url")
    @classmethod
    def _secure(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith("https://") or LOOPBACK_HTTP.match(value)):
            raise ValueError(f"{value!r}: an identity provider is reached over https (plain http only on loopback)")
        return value

    @field_validator("role_groups")
    @classmethod
    def _role_groups(cls, value: str) -> str:
        try:
            role_groups(value)  # the functions' own reading of RoleGroups
        except RuntimeError as error:
            raise ValueError(str(error).removeprefix("ROLE_GROUPS: ")) from None
        return value

    def browser(self) -> dict[str, Any]:
        """What the browser's scripts need of the provider: sign-in, sign-out and where roles are read."""
        groups = role_groups(self.role_groups) if self.role_groups.strip() else None  # None: names are roles
        return {"authorize": self.authorize_url, "token": self.token_url, "clientId": self.client_id,
                "scope": self.scope, "use": self.token, "endSession": self.end_session_url,
                "groupsClaim": self.groups_claim, "roleGroups": groups}


MKDOCS_EXTENSIONS = ("toc", "tables", "fenced_code")  # what MkDocs adds to every site's markdown_extensions


class Settings(BaseModel):
    """What the content rules need to know about the site."""

    # MkDocs validates the plugin's own options (`enabled`…); here only ours matter
    model_config = ConfigDict(extra="ignore", frozen=True)

    timezone: str = "Europe/Berlin"
    languages: tuple[str, ...] = ("de", "en")
    networks: tuple[str, ...] = tuple(NETWORKS)
    disclosures: dict[str, Disclosure] = Field(default_factory=lambda: dict(DEFAULT_DISCLOSURES))
    utm_medium: str = "employee-advocacy"
    api: str = "/api"
    site_url: str | None = None  # mkdocs.yml's site_url (the main language's): tracked share links start there
    page_size: int = Field(default=24, ge=1, le=500)
    # where people report a barrier (the accessibility statement, templates/statement.html): comms' mailbox
    comms_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    sign_in: SignIn | None = None  # None: locally the dev sign-in, elsewhere no sign-in link
    # mkdocs.yml's markdown_extensions (with MkDocs' built-in ones) and their options: `sharewall check`
    # renders every page as the build does, to report what the sanitiser would remove
    markdown_extensions: tuple[str, ...] = MKDOCS_EXTENSIONS
    markdown_configs: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # the interface's languages (theme.language, then each of `alternates`) and a folder of the site's own
    # catalogues (`locales`, next to mkdocs.yml), read before the packaged site_builder/locales/
    interface: tuple[str, ...] = ()
    locales: str | None = None
    templates: str | None = None  # the theme's custom_dir: templates and page scripts, searched for the strings' uses

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r}; use an IANA name like Europe/Berlin") from None
        return value

    @field_validator("networks")
    @classmethod
    def _known_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in NETWORKS]
        if unknown:
            raise ValueError(f"unknown networks {unknown}; allowed: {', '.join(NETWORKS)}")
        return value

    @model_validator(mode="after")
    def _disclosure_per_language(self) -> Settings:
        missing = [lang for lang in self.languages if lang not in self.disclosures]
        if missing:
            raise ValueError(f"disclosures missing for languages {missing}")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def catalogued(self) -> tuple[str, ...]:
        """The languages that need a complete catalogue: the interface's and the posts' (`languages`)."""
        return tuple(dict.fromkeys((*self.interface, *self.languages)))


class SettingsError(ValueError):
    """The `sharewall` settings are invalid; the message names the file and every wrong field."""


def describe(error: ValidationError) -> str:
    """Pydantic's findings as `field.path: what is wrong`, one after the other."""
    return "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors())


def validate_settings(options: dict[str, Any], source: str | Path) -> Settings:
    """Settings from the plugin's options; SettingsError naming `source` and the fields when they are wrong."""
    try:
        return Settings.model_validate(options)
    except ValidationError as error:
        raise SettingsError(f"{source}: invalid sharewall settings: {describe(error)}") from None


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` and `!ENV` tags are MkDocs' business, not ours."""


_IgnoreTagsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_settings(config_file: str | Path = "mkdocs.yml") -> Settings:
    """Read the `sharewall` plugin entry of `config_file`; defaults when there is none."""
    path = Path(config_file)
    if not path.is_file():
        return Settings()
    with path.open(encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=_IgnoreTagsLoader) or {}
    options = plugin_options(config.get("plugins") or [])
    site_url = config.get("site_url") if isinstance(config.get("site_url"), str) else None
    return validate_settings({**options, **markdown_options(config), **interface_options(config, options, path),
                              "site_url": site_url}, path)


def interface_options(config: dict[str, Any], options: dict[str, Any], config_file: str | Path) -> dict[str, Any]:
    """The interface's languages (the theme's, then the plugin's `alternates`) and the site's catalogue folder."""
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    main = str(theme.get("language") or "en").split("-")[0].lower()
    alternates = options.get("alternates") if isinstance(options.get("alternates"), dict) else {}
    folder = Path(config_file).parent
    locales, templates = options.get("locales"), theme.get("custom_dir")
    return {"interface": (main, *(code for code in alternates if code != main)),
            "locales": str(folder / locales) if isinstance(locales, str) and locales else None,
            "templates": str(folder / templates) if isinstance(templates, str) and templates else None}


def markdown_options(config: dict[str, Any]) -> dict[str, Any]:
    """`markdown_extensions` of mkdocs.yml (names, or {name: options}) as the build hands them to Markdown."""
    names, configs = list(MKDOCS_EXTENSIONS), {}
    for entry in config.get("markdown_extensions") or ():
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        if not isinstance(name, str):
            continue
        if name not in names:
            names.append(name)
        if isinstance(options, dict):
            configs[name] = options
    return {"markdown_extensions": tuple(names), "markdown_configs": configs}


def plugin_options(plugins: list[Any] | dict[str, Any]) -> dict[str, Any]:
    """Find the options of the `sharewall` plugin in MkDocs' list-or-dict `plugins` setting."""
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(entry.items())) if isinstance(entry, dict) else (entry, None) for entry in plugins
    )
    for name, options in entries:
        if name == "sharewall":
            return dict(options or {})
    return {}
