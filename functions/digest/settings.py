"""What the digest is configured with: template.yaml's Digest* parameters, as the function's environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

LANGUAGE = re.compile(r"[a-z]{2,3}")
ADDRESS = re.compile(r"[^@\s,=]+@[^@\s,=]+\.[^@\s,=]+")


class SettingsError(ValueError):
    """A variable of the digest's environment is malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """The channels, languages and limits of one run."""

    languages: tuple[str, ...] | None  # None: every interface language the site publishes
    max_posts: int
    teams_secret: str  # the secret holding the Teams Workflow's URL; "" leaves Teams out
    email_to: dict[str, str] = field(default_factory=dict)  # interface language -> list address
    email_from: str = ""
    table: str = ""
    site_url: str = ""
    timezone: str = "Europe/Berlin"

    # Where the day of a run is counted
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # The channels that are set up: Teams with its secret, e-mail with a sender
    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(name for name, on in (("teams", bool(self.teams_secret)),
                                           ("email", bool(self.email_from and self.email_to))) if on)


# The settings from the environment; SettingsError naming the variable that is wrong
def from_environ(environ: Mapping[str, str] = os.environ) -> Settings:
    return Settings(
        languages=_languages(environ.get("DIGEST_LANGUAGES", "all")),
        max_posts=_max_posts(environ.get("DIGEST_MAX_POSTS", "5")),
        teams_secret=environ.get("DIGEST_TEAMS_SECRET", "").strip(),
        email_to=_addresses(environ.get("DIGEST_EMAIL_TO", "")),
        email_from=_sender(environ.get("DIGEST_EMAIL_FROM", "")),
        table=environ.get("APP_TABLE", ""),
        site_url=environ.get("SITE_URL", ""),
        timezone=environ.get("TIMEZONE", "Europe/Berlin"),
    )


# DIGEST_LANGUAGES: `all` (None) or language codes
def _languages(value: str) -> tuple[str, ...] | None:
    value = value.strip()
    if value in ("", "all"):
        return None
    codes = tuple(dict.fromkeys(code.strip() for code in value.split(",")))
    wrong = [code for code in codes if not LANGUAGE.fullmatch(code)]
    if wrong:
        raise SettingsError(f"DIGEST_LANGUAGES: {', '.join(map(repr, wrong))} is no language code; "
                            "use all or codes like de,en")
    return codes


# DIGEST_MAX_POSTS: 1 to 20, as template.yaml allows
def _max_posts(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 20:
        raise SettingsError(f"DIGEST_MAX_POSTS: {value!r} is not a whole number from 1 to 20")
    return int(value)


# DIGEST_EMAIL_TO: language=address pairs, comma-separated
def _addresses(value: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in value.split(","))):
        code, sep, address = (text.strip() for text in pair.partition("="))
        if not sep or not LANGUAGE.fullmatch(code) or not ADDRESS.fullmatch(address):
            raise SettingsError(f"DIGEST_EMAIL_TO: {pair!r} is not language=address (e.g. de=wall-de@example.com)")
        found[code] = address
    return found


# DIGEST_EMAIL_FROM: one address or none
def _sender(value: str) -> str:
    value = value.strip()
    if value and not ADDRESS.fullmatch(value):
        raise SettingsError(f"DIGEST_EMAIL_FROM: {value!r} is not an e-mail address")
    return value
