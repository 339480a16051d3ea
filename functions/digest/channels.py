"""Sending a digest: the Teams Workflow's webhook over HTTPS, the e-mail through Amazon SES.

Each send ends one of three ways: delivered; `SendFailed` when it certainly did not go out (no connection,
or an answer that refused it), which may be retried; `OutcomeUnknown` when it may have gone out (the
request left and no answer came), which must not be repeated. The webhook's URL is a secret: no message
here names it.
"""

from __future__ import annotations

import http.client
import json
from functools import lru_cache
from ipaddress import ip_address
from urllib.parse import urlsplit

CONNECT_SECONDS = 5
ANSWER_SECONDS = 15  # Teams' Workflows answer 202 within seconds


class SendFailed(Exception):
    """Certainly not delivered: retrying is safe."""


class OutcomeUnknown(Exception):
    """Perhaps delivered: never repeated."""


# POST the message to the Workflow's URL (https; http only to a loopback address, for the local stack)
def post_to_teams(url: str, message: dict) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or (parts.scheme == "http" and not _loopback(parts.hostname)):
        raise SendFailed("the Teams webhook secret holds no https URL")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=CONNECT_SECONDS)
    try:
        try:
            connection.connect()
        except OSError as error:  # nothing was sent
            raise SendFailed(f"the Teams Workflow cannot be reached ({type(error).__name__})") from None
        connection.sock.settimeout(ANSWER_SECONDS)
        target = parts.path or "/"
        target += f"?{parts.query}" if parts.query else ""
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        try:
            connection.request("POST", target, body, {"Content-Type": "application/json; charset=utf-8"})
            response = connection.getresponse()
            response.read(65536)
        except (OSError, http.client.HTTPException) as error:  # sent, perhaps received: no answer
            raise OutcomeUnknown(f"the Teams Workflow did not answer ({type(error).__name__})") from None
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise SendFailed(f"the Teams Workflow refused the message with HTTP {response.status}")


# A host of this machine (the local stack's stand-in Workflow), the only one plain http may reach
def _loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


# One SES client per container, made on the first mail
@lru_cache(maxsize=1)
def _ses():
    # no retries of its own: a repeated SendEmail after a timeout could deliver twice
    from botocore.config import Config
    from botocore.session import get_session

    return get_session().create_client("sesv2", config=Config(
        connect_timeout=CONNECT_SECONDS, read_timeout=ANSWER_SECONDS, retries={"total_max_attempts": 1}))


# The MIME message: multipart/alternative of the text and the HTML, nothing remote, no tracking header
def mime(sender: str, to: str, subject: str, text: str, html: str, language: str) -> bytes:
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage(policy=SMTP)
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to the sender
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message.as_bytes()


# One multipart mail (text and HTML) from `sender` to the list `to` through SES
def send_mail(sender: str, to: str, subject: str, text: str, html: str, language: str) -> None:
    from botocore.exceptions import (BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError,
                                     ReadTimeoutError)

    try:
        _ses().send_email(FromEmailAddress=sender, Destination={"ToAddresses": [to]},
                          Content={"Raw": {"Data": mime(sender, to, subject, text, html, language)}})
    except ClientError as error:  # SES answered: it refused (unverified sender, sandbox, throttling)
        raise SendFailed(f"SES refused the mail: {error.response['Error'].get('Code', 'error')}") from None
    except (EndpointConnectionError, ConnectTimeoutError) as error:  # never reached SES
        raise SendFailed(f"SES cannot be reached ({type(error).__name__})") from None
    except (ReadTimeoutError, BotoCoreError) as error:
        raise OutcomeUnknown(f"SES did not answer ({type(error).__name__})") from None
