"""The invite by e-mail: Amazon SES sends the link in the invite's language, from INVITE_EMAIL_FROM.

The subject and body come from the interface catalogues as the build published them
(`sharewall/invite-mail.json`, read like the campaigns by `sharewall_common.published`): one
`{"subject", "body"}` per language with the placeholders {name}, {campaign} and {link}. The recipient's
address is only handed to SES: never stored, never logged. Any failure (no sender configured, no texts,
SES refusing) is reported as False; the invite exists either way.
"""

from __future__ import annotations

import json
import os
import re

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from sharewall_common.aws import client
from sharewall_common.published import Published, Unavailable

PUBLISHED_NAME = "invite-mail.json"  # the build writes sharewall/invite-mail.json from the catalogues' invite_mail
PLACEHOLDER = re.compile(r"\{(name|campaign|link)\}")

logger = Logger(service="claims", child=True)


# The published texts by language; ValueError (the copy at hand is kept) when the file is no such mapping
def _texts_from_published(data: bytes) -> dict[str, dict[str, str]]:
    texts = json.loads(data)
    if not isinstance(texts, dict) or not all(
            isinstance(text, dict) and isinstance(text.get("subject"), str) and isinstance(text.get("body"), str)
            for text in texts.values()):
        raise ValueError(f"{PUBLISHED_NAME} must map languages to {{\"subject\": …, \"body\": …}}")
    return texts


published = Published(PUBLISHED_NAME, _texts_from_published, service="claims")


# The text with its placeholders filled in one pass (a name holding "{link}" stays that text)
def _filled(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


# Mail the invite link to `address` in `language`; True when SES took the message
def send_invite(address: str, language: str, *, name: str, campaign: str, link: str) -> bool:
    sender = os.environ.get("INVITE_EMAIL_FROM", "")
    if not sender:
        logger.warning("invite e-mail not sent: no sender configured (InviteEmailFrom)")
        return False
    try:
        texts = published.get().get(language)
    except Unavailable:
        texts = None
    if not texts:
        logger.warning("invite e-mail not sent: no texts for the language", extra={"language": language})
        return False
    values = {"name": name, "campaign": campaign, "link": link}
    try:
        client("sesv2").send_email(
            FromEmailAddress=sender, Destination={"ToAddresses": [address]},
            Content={"Simple": {"Subject": {"Data": _filled(texts["subject"], values), "Charset": "UTF-8"},
                                "Body": {"Text": {"Data": _filled(texts["body"], values), "Charset": "UTF-8"}}}})
    except (BotoCoreError, ClientError) as error:
        code = error.response["Error"].get("Code", "") if isinstance(error, ClientError) else type(error).__name__
        logger.warning("invite e-mail not sent: SES refused", extra={"error_code": code})  # never the address
        return False
    return True
