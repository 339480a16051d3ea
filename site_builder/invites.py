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
@click.option("--email", required=True, help="Their e-mail address, to send the link to.")
@click.option("--campaign", required=True, help="The campaign the expenses belong to: a running, reimbursed key of content/campaigns.yml, e.g. creator-programme.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 90), help="How long the link is valid.")
@click.option("--site", default=None, help="Site URL to build the link with when the API does not know it.")
@API
@TOKEN
def create(name: str, email: str, campaign: str, days: int, site: str | None, api: str, token: str) -> None:
    """Create an invite and print its link (shown once: only a hash of it is kept)."""
    created = request(api, token, "POST", "/invites", {"name": name, "email": email, "campaign": campaign, "days": days})
    link = f"{site.rstrip('/')}/claim/#invite={created['token']}" if site else created["link"]
    click.echo(f"invite {created['id']} for {created['name']} ({created['campaign']}), valid until {created['expires_at']}")
    click.echo(link)


@invite.command(name="list")
@API
@TOKEN
def listing(api: str, token: str) -> None:
    """List invites, newest first, with their state (active, expired, revoked)."""
    cursor = None
    while True:
        page = request(api, token, "GET", "/invites" + (f"?cursor={cursor}" if cursor else ""))
        for item in page["invites"]:
            click.echo(f"{item['id']}  {item['state']:<8} {item['expires_at'][:10]}  {item['campaign']:<20} {item['name']}")
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
