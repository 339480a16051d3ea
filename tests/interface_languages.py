"""The site's interface languages as mkdocs.yml configures them, for tests that run in every one of them."""

from __future__ import annotations

from pathlib import Path

import yaml

from site_builder.settings import _IgnoreTagsLoader, plugin_options

MKDOCS_YML = Path(__file__).resolve().parents[1] / "mkdocs.yml"


# The theme's language (built at the site's root) first, then each of the sharewall plugin's `alternates`
def interface_languages(config_file: Path = MKDOCS_YML) -> list[str]:
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader) or {}
    main = str((config.get("theme") or {}).get("language") or "en").split("-")[0].lower()
    return [main, *(plugin_options(config.get("plugins") or []).get("alternates") or {})]
