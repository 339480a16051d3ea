"""The `sharewall` plugin's options in mkdocs.yml, typed for MkDocs, and the content core's Settings made of them."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from site_builder import rules
from site_builder.editor.config import Backend, EditorError
from site_builder.networks import NETWORKS
from site_builder.settings import (DEFAULT_DISCLOSURES, Disclosure, Settings, SettingsError, interface_options,
                                   validate_settings)


# The defaults of `Settings`, so the plugin's options and `sharewall check` cannot drift apart
def _default(name: str):
    return Settings.model_fields[name].default


# The locked disclosure texts of one language
class DisclosureConfig(Config):
    sponsored = opt.Type(str)
    employee = opt.Type(str)
    label = opt.Type(str, default=Disclosure.model_fields["label"].default)


# One more interface language, built into `<site>/<code>/`: the nav's titles in it (content pages
# have twins `<name>.<code>.md`; posts are the same in every interface language)
class AlternateConfig(Config):
    nav = opt.Type(dict, default={})


# The editor at /admin/ (site_builder/editor): the GitHub repository it commits to, its base branch and GitHub's
# REST API; editor.config.Backend checks them
class EditorConfig(Config):
    repo = opt.Type(str, default=Backend.repo)  # owner/name; empty: the editor says it cannot sign in at GitHub
    branch = opt.Type(str, default=Backend.branch)
    api_root = opt.Type(str, default=Backend.api_root)  # GitHub Enterprise's, or a loopback stand-in in tests


# The plugin's options: the same fields as `Settings`, typed for MkDocs
class SharewallConfig(Config):
    enabled = opt.Type(bool, default=True)
    timezone = opt.Type(str, default=_default("timezone"))
    languages = opt.ListOfItems(opt.Type(str), default=list(_default("languages")))
    networks = opt.ListOfItems(opt.Choice(tuple(NETWORKS)), default=list(_default("networks")))
    disclosures = opt.DictOfItems(
        opt.SubConfig(DisclosureConfig),
        default={language: value.model_dump() for language, value in DEFAULT_DISCLOSURES.items()},
    )
    utm_medium = opt.Type(str, default=_default("utm_medium"))
    api = opt.Type(str, default=_default("api"))
    page_size = opt.Type(int, default=_default("page_size"))
    comms_email = opt.Optional(opt.Type(str))  # where people report a barrier; settings.Settings checks it
    sign_in = opt.Type(dict, default={})  # the identity provider; settings.SignIn checks its fields
    alternates = opt.DictOfItems(opt.SubConfig(AlternateConfig), default={})  # interface languages beyond the theme's
    locales = opt.Type(str, default="")  # a folder of the site's own catalogues (<code>.yml), next to mkdocs.yml
    editor = opt.SubConfig(EditorConfig)  # the editor at /admin/: where it commits


# The settings the content core understands, from the typed options and MkDocs' config; `main_language` is the
# theme's (the main build's) and `sign_in` the provider's settings with the deploy's roles, None to sign in locally
def settings_of(options: SharewallConfig, config: MkDocsConfig, main_language: str, sign_in: dict | None,
                site_url: str | None = None) -> Settings:
    config.mdx_configs.update(rules.markdown_configs(config.mdx_configs))  # headings never get a site id
    values = {
        **{key: options[key] for key in ("timezone", "utm_medium", "api", "page_size")},
        "languages": tuple(options.languages),
        "networks": tuple(options.networks),
        "comms_email": options.comms_email,
        "disclosures": {lang: dict(value) for lang, value in options.disclosures.items()},
        "sign_in": sign_in,
        "site_url": site_url,
        "markdown_extensions": tuple(name for name in config.markdown_extensions if isinstance(name, str)),
        "markdown_configs": dict(config.mdx_configs),
        **interface_options({"theme": {"language": main_language, "custom_dir": config.theme.custom_dir}},
                            {"alternates": dict(options.alternates), "locales": options.locales},
                            config.config_file_path),
    }
    try:
        return validate_settings(values, config.config_file_path)
    except SettingsError as error:
        raise PluginError(f"sharewall: {error}") from None


# The editor's backend from its options; `local` is decap-server's API when `sharewall serve` runs it, `repo` the
# repository an empty editor.repo stands for (build --production: the stack's SuggestionsRepository)
def editor_backend(options: SharewallConfig, local: str | None, repo: str | None = None) -> Backend:
    try:
        return Backend(repo=options.editor.repo or repo or "", branch=options.editor.branch,
                       api_root=options.editor.api_root, local=local)
    except EditorError as error:
        raise PluginError(f"sharewall: {error}") from None
