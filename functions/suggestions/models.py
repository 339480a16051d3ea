"""What the suggestions routes accept: a post's fields under the content model's own rules."""

from __future__ import annotations

import os
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from sharewall_common.postfields import SUMMARY_MAX, TITLE_MAX, control_character, https, slug

SUGGESTION_ID = r"^[0-9a-z]{26}$"
LINK_MAX = 2000
TEXT_MAX = 200  # fits X and Mastodon with link and disclosure; Bluesky counts the whole link: check says so in review
TOPICS_MAX = 10
REASON_MAX = 500
TAG = re.compile(r"<[A-Za-z/!?]")  # the start of HTML markup: a share text is plain text

def _refuse(message: str) -> PydanticCustomError:
    """A field's error whose message reads `<field>: <message>` in the API's answer (no "Value error, ")."""
    return PydanticCustomError("invalid", message)


# No control character in any text field: the one-line ones hold none at all, multi-line ones line breaks only
def _no_control(value: str | None, *, multiline: bool) -> str | None:
    found = control_character(value, multiline=multiline) if value is not None else None
    if found is not None:
        code = f"U+{ord(found):04X}"
        raise PydanticCustomError("control_character", "must not contain the control character {character}"
                                  + ("; line breaks are the only ones allowed" if multiline else ""), {"character": code})
    return value


Topic = Annotated[str, Field(min_length=1, max_length=40)]


def languages() -> tuple[str, ...]:
    """The site's languages (env LANGUAGES, mkdocs.yml's `languages`; a test keeps them equal)."""
    return tuple(part.strip() for part in os.environ.get("LANGUAGES", "de,en").split(",") if part.strip())


# Documented as the enum of the site's languages (the check below says it in the API's words)
Language = Annotated[str, Field(min_length=1, max_length=10, json_schema_extra=lambda schema: schema.update(
    enum=list(languages())), description="one of the site's languages")]


class SuggestionIn(BaseModel):
    """An employee's suggestion: becomes title, link, summary, language, topics and first suggestion of a post."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    link: str = Field(max_length=LINK_MAX, description="the public https:// page (their blog post, article, talk)")
    title: str = Field(min_length=1, max_length=TITLE_MAX, description="becomes the post's title")
    why: str = Field(min_length=1, max_length=SUMMARY_MAX, description="why colleagues would care: the post's summary")
    text: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX, description="a first share text")
    topics: list[Topic] = Field(default_factory=list, max_length=TOPICS_MAX, description="topic slugs")
    language: Language
    rights: StrictBool = Field(description="the link is public and theirs, or theirs to share: must be true")
    name_me: StrictBool = Field(default=False, description="comms may see (and the post may name) the suggester")

    @field_validator("link")
    @classmethod
    def _https_link(cls, value: str) -> str:
        try:
            return https(value)
        except ValueError as error:
            raise _refuse(str(error)) from None

    @field_validator("topics")
    @classmethod
    def _slugs(cls, value: list[str]) -> list[str]:
        for topic in value:
            try:
                slug(topic)
            except ValueError as error:
                raise _refuse(str(error)) from None
        if len(set(value)) != len(value):
            raise _refuse("must not name a topic twice")
        return value

    @field_validator("why")
    @classmethod
    def _paragraphs(cls, value: str) -> str:
        return _no_control(value, multiline=True)

    @field_validator("text")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        _no_control(value, multiline=True)
        if value is not None and TAG.search(value):
            raise _refuse("must be plain text, without HTML markup")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in languages():
            raise _refuse(f"must be one of {', '.join(languages())}, got {value[:10]!r}")
        return value

    @field_validator("rights")
    @classmethod
    def _confirmed(cls, value: bool) -> bool:
        if value is not True:
            raise _refuse("must be true: confirm the link is public and yours, or yours to share")
        return value

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise _refuse("must be one line")
        return _no_control(value, multiline=False)


class DecisionIn(BaseModel):
    """Comms' decision: accept (a draft pull request), or decline with the reason the suggester reads."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: Literal["accept", "decline"]
    reason: str | None = Field(default=None, min_length=1, max_length=REASON_MAX, validate_default=True,
                               description="required to decline: the suggester reads it")

    @field_validator("reason")
    @classmethod
    def _reason_for_decline(cls, value: str | None, info: ValidationInfo) -> str | None:
        action = info.data.get("action")
        if action == "decline" and not value:
            raise _refuse("required to decline: the suggester reads it")
        if action == "accept" and value:
            raise _refuse("only for decline")
        return _no_control(value, multiline=True)
