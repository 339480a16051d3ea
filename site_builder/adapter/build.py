"""Building the site like `mkdocs build` would: what `sharewall build` and `sharewall serve` call."""

from __future__ import annotations

import os
from pathlib import Path


# Build `config_file`'s site (into `site_dir` when given); `dev_sign_in` for `sharewall serve` (sign in on the local
# dev page, not at the provider), `identity` for `build --production` (roles read as the functions read them),
# `editor_local_backend` for `sharewall serve` running decap-server (its API URL, …/api/v1: the editor commits there),
# `editor_origin` for `sharewall serve` (the origin it serves at: the editor signs in at GitHub through its
# /api/cms/auth, whatever site_url says), `editor_repo` for `build --production` (the stack's SuggestionsRepository
# when mkdocs.yml names no editor.repo)
def build_site(config_file: str | os.PathLike = "mkdocs.yml", site_dir: str | os.PathLike | None = None,
               *, dev_sign_in: bool = False, identity: dict[str, str] | None = None,
               editor_local_backend: str | None = None, editor_origin: str | None = None,
               editor_repo: str | None = None) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    options = {"site_dir": str(Path(site_dir).resolve())} if site_dir else {}
    config = load_config(str(config_file), **options)
    plugin = config.plugins.get("sharewall")
    given = {"dev_sign_in": dev_sign_in, "identity": dict(identity or {}), "editor_local_backend": editor_local_backend,
             "editor_origin": editor_origin, "editor_repo": editor_repo}
    for name, value in given.items():
        if value and hasattr(plugin, name):  # the sharewall plugin (a site may leave it out)
            setattr(plugin, name, value)
    build(config)
    return Path(config.site_dir)
