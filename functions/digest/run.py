"""One run of the digest: for every language and channel, the new posts, sent at most once that day.

A channel's failure never stops the others. A send that certainly failed gives its day back and makes the
run fail at the end (so Lambda retries it, and the retry sends only what is still missing); one whose
outcome is unknown keeps its day and is counted in the metric the alarm watches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from digest import card as cards
from digest import mail as mails
from digest import site
from digest.channels import OutcomeUnknown, SendFailed
from digest.ledger import Ledger
from digest.selection import Selection, select
from digest.settings import Settings


@dataclass(frozen=True)
class Outcome:
    channel: str
    language: str
    result: str  # sent | nothing new | sent already | failed | unknown
    posts: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class Senders:
    """How the channels send (the real ones by default; tests and the preview may swap them)."""

    teams: Callable[[str, dict], None]
    mail: Callable[[str, str, str, str, str, str], None]
    teams_url: Callable[[], str]


class DigestFailed(Exception):
    """At least one channel certainly failed to send: the run fails, so that it is retried."""


# Everything one run sends at `now`
def run(settings: Settings, now: datetime, senders: Senders, ledger: Ledger,
        read: Callable[[str], bytes] = site.read_site_file) -> list[Outcome]:
    if not settings.channels:
        return []
    published = site.published(settings.site_url, read)
    codes = settings.languages or tuple(published.languages)
    unknown_codes = [code for code in codes if code not in published.languages]
    if unknown_codes:
        raise site.SiteError(f"DIGEST_LANGUAGES names {', '.join(unknown_codes)}, which the site does not publish "
                             f"(it has {', '.join(published.languages)})")
    day = now.astimezone(settings.zone).date()
    outcomes = []
    for code in codes:
        language = published.languages[code]
        entries = site.posts(language, published, settings.site_url, read)
        for channel in settings.channels:
            if channel == "email" and code not in settings.email_to:
                continue
            outcomes.append(_one(channel, language, entries, settings, now, day, senders, ledger))
    return outcomes


# One channel in one language: pick, take the day, send, and record how it went
def _one(channel, language, entries, settings, now, day, senders, ledger) -> Outcome:
    selection = select(entries, now, ledger.seen(channel, language.code), settings.max_posts)
    if not selection:
        return Outcome(channel, language.code, "nothing new")
    if not ledger.claim(channel, language.code, day, now):
        return Outcome(channel, language.code, "sent already")
    slugs = [entry.slug for entry in selection.shown]
    try:
        _send(channel, selection, language, settings, senders)
    except SendFailed as error:
        ledger.release(channel, language.code, day)
        return Outcome(channel, language.code, "failed", tuple(slugs), str(error))
    except OutcomeUnknown as error:
        ledger.unknown(channel, language.code, day, slugs, selection.active)
        return Outcome(channel, language.code, "unknown", tuple(slugs), str(error))
    except Exception as error:  # anything else happens before the message leaves (e.g. an unreadable secret)
        ledger.release(channel, language.code, day)
        return Outcome(channel, language.code, "failed", tuple(slugs), f"not sent: {type(error).__name__}")
    ledger.sent(channel, language.code, day, slugs, selection.active)
    return Outcome(channel, language.code, "sent", tuple(slugs))


# The card to the Workflow, or the mail to the language's list
def _send(channel: str, selection: Selection, language: site.Language, settings: Settings, senders: Senders) -> None:
    if channel == "teams":
        senders.teams(senders.teams_url(), cards.message(cards.card(selection, language)))
        return
    address = settings.email_to[language.code]
    mail = mails.mail(selection, language, address)
    senders.mail(settings.email_from, address, mail.subject, mail.text, mail.html, language.code)
