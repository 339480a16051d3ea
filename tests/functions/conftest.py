"""Claims tests: every log record written during a test must hold no IBAN, e-mail or invite token."""

from __future__ import annotations

import json
import logging

import pytest

from tests.functions.claims_client import SENSITIVE


def _rendered(record: logging.LogRecord) -> str:
    """The record as the Powertools JSON formatter writes it, plus every attribute it carries."""
    powertools = logging.getLogger("claims")
    formatter = next((handler.formatter for handler in powertools.handlers if handler.formatter), None)
    text = formatter.format(record) if formatter and record.name.startswith("claims") else record.getMessage()
    return text + json.dumps({key: repr(value) for key, value in vars(record).items()})


@pytest.fixture(autouse=True)
def no_personal_data_in_logs(request, caplog):
    """Capture what the functions log, then search every record for the test's personal data."""
    if "claims" not in request.node.nodeid:
        yield
        return
    caplog.set_level(logging.INFO)  # the level the functions log at
    yield
    records = [_rendered(record) for phase in ("setup", "call") for record in caplog.get_records(phase)]
    for secret in {value for value in SENSITIVE if value}:
        variants = {secret, json.dumps(secret)[1:-1]}
        if "@" not in secret and "." in secret:
            variants.add(secret.split(".", 1)[1])  # the secret half of an invite token alone
        leaked = [text[:200] for text in records if any(variant in text for variant in variants)]
        assert not leaked, f"personal data {secret[:6]}… found in logs: {leaked[:2]}"
