"""`sharewall invite create --language` and `--email` against the real local server (#20): the link opens the claim
page of the invite's language, the e-mail goes out through the local stack's SES, a language the site does not
have is refused naming the field."""

from __future__ import annotations

import re
import uuid

from site_builder.local.devauth import dev_token
from tests.test_claims_cli_and_template import invite_cli


def test_invite_create_in_a_language_links_to_that_claim_page_and_lists_it(local_server):
    api, comms = local_server + "api", dev_token("cli-comms", ["employee", "comms"])
    for language, folder in (("en", "en/"), ("fr", "fr/"), ("de", "")):
        name = f"CLI Guest {uuid.uuid4().hex[:6]}"
        created = invite_cli("create", "--name", name, "--campaign", "creator-programme", "--language", language,
                             token=comms, api=api)
        assert created.returncode == 0, created.stderr
        invite_id = re.search(rf"^invite ([0-9a-f]{{16}}) for {re.escape(name)} \(creator-programme, {language}\)",
                              created.stdout, re.M).group(1)
        assert re.search(rf"^{re.escape(local_server)}{folder}claim/#invite={invite_id}\.[\w-]{{43}}$", created.stdout, re.M)
        assert "e-mail" not in created.stdout + created.stderr  # no address: nothing mailed, nothing said about it
        assert re.search(rf"^{invite_id}\s+active\s+\S+\s+{language}\s", invite_cli("list", token=comms, api=api).stdout, re.M)
    on_site = invite_cli("create", "--name", "X", "--campaign", "creator-programme", "--language", "en",
                         "--site", "https://wall.example.com", token=comms, api=api)
    assert re.search(r"^https://wall\.example\.com/en/claim/#invite=", on_site.stdout, re.M), on_site.stdout


def test_invite_create_with_an_address_mails_the_link(local_server):
    api, comms = local_server + "api", dev_token("cli-comms", ["employee", "comms"])
    mailed = invite_cli("create", "--name", "Mailed Guest", "--email", "guest@example.org", "--campaign",
                        "creator-programme", "--language", "en", token=comms, api=api)
    assert mailed.returncode == 0, mailed.stderr
    assert "the link was sent by e-mail" in mailed.stdout and "guest@example.org" not in mailed.stdout


def test_a_language_the_site_does_not_have_is_refused_naming_it(local_server):
    refused = invite_cli("create", "--name", "X", "--campaign", "creator-programme", "--language", "pl",
                         token=dev_token("cli-comms", ["comms"]), api=local_server + "api")
    assert refused.returncode == 1 and "language" in refused.stderr and "HTTP 400" in refused.stderr
    assert "Traceback" not in refused.stderr
