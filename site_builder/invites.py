"""`sharewall invite create|list|revoke`: comms' invite links from the command line, against the API.

A thin HTTP client of `POST /invites`, `GET /invites` and `DELETE /invites/{id}`; the caller's
bearer token comes from `--token` or the environment variable SHAREWALL_TOKEN.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import click

API = click.option("--api", envvar="SHAREWALL_API", required=True,
                   help="Base URL of the Sharewall API, e.g. https://wall.example.com/api (or SHAREWALL_API).")
TOKEN = click.option("--token", envvar="SHAREWALL_TOKEN", required=True, show_envvar=True,
                     help="Your bearer token (comms role); better passed as SHAREWALL_TOKEN than on the command line.")


class ApiCallError(click.ClickException):
    """The API refused or could not be reached: its error message, never a traceback."""


def request(api: str, token: str, method: str, path: str, body: dict | None = None) -> Any:
    """One JSON call; ApiCallError with the API's own error message on any failure."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{api.rstrip('/')}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read())["error"]
            message = f"{detail['message']} ({detail['code']}, HTTP {error.code})"
        except (ValueError, KeyError, TypeError):
            message = f"HTTP {error.code} {error.reason}"
        raise ApiCallError(message) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ApiCallError(f"cannot reach {api}: {getattr(error, 'reason', error)}") from None


@click.group()
def invite() -> None:
    """Invite links for influencers' expense claims (comms role)."""


@invite.command()
@click.option("--name", required=True, help="Who is invited (shown to finance and on the claim form).")
@click.option("--email", default=None, help="Their e-mail address: the API mails them the link (SES, in the invite's "
              "language); the address is used to send it and never stored. Without it, pass the printed link on yourself.")
@click.option("--campaign", required=True, help="The campaign the expenses belong to: a running, reimbursed key of content/campaigns.yml, e.g. creator-programme.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 90), help="How long the link is valid.")
@click.option("--language", default=None, help="The language of the claim page the link opens and of the e-mail: one of "
              "the interface languages (de, en, fr); the API refuses others. Default: the site's first, German.")
@click.option("--site", default=None, help="Site URL to build the link with when the API does not know it.")
@API
@TOKEN
def create(name: str, email: str | None, campaign: str, days: int, language: str | None, site: str | None, api: str,
           token: str) -> None:
    """Create an invite and print its link (shown once: only a hash of it is kept), mailed too when --email is given."""
    body = {"name": name, "campaign": campaign, "days": days, **({"language": language} if language else {}),
            **({"email": email, "send_email": True} if email else {})}
    created = request(api, token, "POST", "/invites", body)
    # with --site: the same claim page (under the invite's language's folder, as the API's link has it) there
    folder = f"{created['language']}/" if f"/{created['language']}/claim/#" in created["link"] else ""
    link = f"{site.rstrip('/')}/{folder}claim/#invite={created['token']}" if site else created["link"]
    click.echo(f"invite {created['id']} for {created['name']} ({created['campaign']}, {created['language']}), "
               f"valid until {created['expires_at']}")
    if created.get("mail") == "sent":
        click.echo("the link was sent by e-mail")
    elif created.get("mail") == "failed":
        click.echo("the e-mail could not be sent (see the function's log): pass the link on yourself", err=True)
    click.echo(link)


@invite.command(name="list")
@API
@TOKEN
def listing(api: str, token: str) -> None:
    """List invites, newest first, with their state (active, expired, revoked) and language."""
    cursor = None
    while True:
        page = request(api, token, "GET", "/invites" + (f"?cursor={cursor}" if cursor else ""))
        for item in page["invites"]:
            click.echo(f"{item['id']}  {item['state']:<8} {item['expires_at'][:10]}  {item.get('language', 'de'):<3} "
                       f"{item['campaign']:<20} {item['name']}")
        cursor = page.get("next")
        if not cursor:
            return


@invite.command()
@click.argument("invite_id")
@API
@TOKEN
def revoke(invite_id: str, api: str, token: str) -> None:
    """Withdraw an invite: its link stops working at once; its claims stay on record."""
    revoked = request(api, token, "DELETE", f"/invites/{invite_id}")
    click.echo(f"invite {revoked['id']} revoked at {revoked['revoked_at']}")
