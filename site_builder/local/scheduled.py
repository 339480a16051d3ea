"""Scheduled functions on the local stack: `POST /_local/run/<LogicalId>` runs one now, with the event its
EventBridge schedule would hand over, and the local stand-ins of what production keeps in Secrets Manager.

Only the dev server has the route (CloudFront sends nothing of /_local/ anywhere; the wall gate lets it through
to this server alone), and it answers only a request from this machine that no other site's page sent.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from ipaddress import ip_address

from site_builder.local.template import resources_of_type

RUN_PREFIX = "/_local/run/"
SCHEDULE_EVENTS = ("Schedule", "ScheduleV2")
# `sharewall serve --parameter NAME=VALUE` values that are no template parameter: production keeps them in a
# secret the named parameter points to; locally that secret is made from the value. NAME -> (variable, secret name)
LOCAL_SECRETS = {"DigestTeamsWebhookUrl": ("DIGEST_TEAMS_SECRET", "sharewall-local-digest-teams-webhook")}
# template parameters naming an e-mail sender: locally a verified identity of moto's SES
SENDERS = ("DigestEmailFrom",)


class LocalRunRefused(Exception):
    """The request may not run a function: (status, one line why)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Scheduled:
    """A function of template.yaml that a schedule invokes."""

    function: str  # logical id
    handler: str  # module.function


# The --parameter pairs without the local-only ones; (template pairs, local-only NAME -> VALUE)
def local_parameters(pairs: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    found, rest = {}, []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if sep and name in LOCAL_SECRETS:
            found[name] = value
        else:
            rest.append(pair)
    return tuple(rest), found


# Make the local secrets of `values` in moto and point the functions at them; verify the senders in moto's SES
def set_up(values: dict[str, str], parameters: dict[str, str]) -> None:
    import boto3

    manager = boto3.client("secretsmanager")
    for name, value in values.items():
        variable, secret = LOCAL_SECRETS[name]
        os.environ[variable] = manager.create_secret(Name=secret, SecretString=value)["ARN"]
    ses = boto3.client("sesv2")
    verified = {identity["IdentityName"] for identity in ses.list_email_identities()["EmailIdentities"]}
    for name in SENDERS:
        if parameters.get(name) and parameters[name] not in verified:  # the invites' sender may be the same
            ses.create_email_identity(EmailIdentity=parameters[name])


# The template's functions with a schedule among their events, by logical id
def scheduled_functions(template: dict) -> dict[str, Scheduled]:
    default = (template.get("Globals") or {}).get("Function", {}).get("Handler")
    found = {}
    for name, resource in resources_of_type(template, "AWS::Serverless::Function").items():
        props = resource.get("Properties") or {}
        if any(event.get("Type") in SCHEDULE_EVENTS for event in (props.get("Events") or {}).values()):
            found[name] = Scheduled(name, props.get("Handler") or default)
    return found


# LocalRunRefused unless the request comes from this machine and no other site's page sent it (a form of any
# page the browser shows could post here: its Origin or Sec-Fetch-Site says so)
def check_local(client: str, origin: str | None, fetch_site: str | None, own_origin: str) -> None:
    try:
        loopback = ip_address(client.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LocalRunRefused(403, "Forbidden: scheduled functions run only for requests from this machine")
    if (origin and origin.lower() != own_origin.lower()) or (fetch_site and fetch_site not in ("same-origin", "none")):
        raise LocalRunRefused(403, "Forbidden: another site's page may not run scheduled functions")


# The event the schedule hands over: its Input (template.yaml), here with the time it is run, or the body's time
def schedule_event(body: bytes) -> dict:
    scheduled = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if body.strip():
        try:
            given = json.loads(body)
            scheduled = str(given["scheduled"]) if isinstance(given, dict) and "scheduled" in given else scheduled
            datetime.fromisoformat(scheduled.replace("Z", "+00:00"))
        except (ValueError, TypeError):
            raise LocalRunRefused(400, 'Bad Request: the body is empty or {"scheduled": "<ISO 8601 time>"}') from None
    return {"scheduled": scheduled}
