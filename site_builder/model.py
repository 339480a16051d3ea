"""The content model: a post, its front matter, a source, topics, a page's front matter, one issue.

The types every other module of the core reads, below them all: they validate one value each and read
no file and apply no rule across fields (`content` loads files into them, `rules` checks them), so
`content` <- `rules` <- the adapters import this one way. Nothing here knows MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints, ValidationInfo, field_validator

# the field rules a suggestion shares with a post live with the functions' code (one implementation)
from sharewall_common.campaigns import Campaign
from sharewall_common.postfields import SLUG, SUGGESTIONS_MAX, SUMMARY_MAX, TITLE_MAX, https
from site_builder.settings import Settings

HASHTAG = re.compile(r"\w+")
POST_GLOB = "posts/*/*.md"
TOPIC_LABEL_MAX = 40  # a label fits a filter option and a chip on a card


@dataclass(frozen=True, order=True)
class Issue:
    """One problem of one file: printed as `path:line: message`."""

    path: str
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# --- models -----------------------------------------------------------------------------------


SourceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class Source(BaseModel):
    """Where content comes from: a key of `content/sources.yml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # one name, or one per interface language: `{de: Vorschläge aus dem Team, en: Suggestions from the team}`
    name: SourceName | dict[str, SourceName]
    kind: Literal["department", "management", "employee", "influencer"]
    feed: str | None = None
    language: str | None = Field(default=None, min_length=2, max_length=20)  # of drafts imported from `feed`

    @field_validator("feed")
    @classmethod
    def _https_feed(cls, value: str | None) -> str | None:
        return None if value is None else https(value)

    @field_validator("name")
    @classmethod
    def _some_name(cls, value: str | dict[str, str]) -> str | dict[str, str]:
        if isinstance(value, dict) and not value:
            raise ValueError("give the source a name, or one per language")
        return value

    def named(self, language: str) -> Source:
        """The source with its name in `language` (else its first one): what the wall of that language shows."""
        if isinstance(self.name, str):
            return self
        return self.model_copy(update={"name": self.name.get(language) or next(iter(self.name.values()))})


class Topic(RootModel[dict[str, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                                   max_length=TOPIC_LABEL_MAX)]]]):
    """A topic of `content/topics.yml`: its label per language, e.g. `{de: Nachhaltigkeit, en: Sustainability}`."""

    model_config = ConfigDict(frozen=True)


@dataclass(frozen=True)
class Topics:
    """What `content/topics.yml` declares: every topic slug posts may name, with its labels."""

    labels: dict[str, Topic] = field(default_factory=dict)  # the valid entries
    declared: frozenset[str] = frozenset()  # every key written, valid or not (a broken entry is one error, not many)

    def labels_in(self, language: str) -> dict[str, str]:
        """slug -> label in `language` (the build's UI language); a topic without one shows its slug."""
        return {slug: topic.root.get(language, slug) for slug, topic in self.labels.items()}


class FrontMatter(BaseModel):
    """The fields an author writes at the top of a post (DESIGN.md, "A post")."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    link: str
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    source: str = Field(min_length=1)
    language: str = Field(min_length=1)
    publish: datetime
    expires: datetime | None = None
    topics: tuple[str, ...] = ()
    image: str | None = None
    image_alt: str | None = Field(default=None, min_length=1, max_length=300)
    disclosure: Literal["employee", "sponsored", "none"] = "employee"
    campaign: str | None = None
    networks: tuple[str, ...] | None = None
    hashtags: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = Field(min_length=1, max_length=SUGGESTIONS_MAX)
    draft: bool = Field(default=False, strict=True)  # imported or suggested, awaiting comms: in no output
    track: bool = Field(default=True, strict=True)  # false: shares its plain UTM link, no /go/ link counting clicks

    @field_validator("link")
    @classmethod
    def _https_link(cls, value: str) -> str:
        return https(value)

    @field_validator("publish", "expires", mode="before")
    @classmethod
    def _site_time(cls, value: Any, info: ValidationInfo) -> Any:
        return _parse_time(value, info.field_name, (info.context or {}).get("settings", Settings()))

    @field_validator("topics", "campaign")
    @classmethod
    def _slugs(cls, value: Any) -> Any:
        for slug in (value,) if isinstance(value, str) else value or ():
            if not SLUG.fullmatch(slug):
                raise ValueError(f"{slug!r} is not a slug; use lower-case letters, digits and '-'")
        return value

    @field_validator("hashtags")
    @classmethod
    def _hashtags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for tag in value:
            if not HASHTAG.fullmatch(tag):
                raise ValueError(f"{tag!r} is not a hashtag; write letters and digits without '#'")
        return value

    @field_validator("suggestions")
    @classmethod
    def _filled(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not text.strip() for text in value):
            raise ValueError("must not contain an empty text")
        return value


class Post(FrontMatter):
    """A validated post with what the file name and body add."""

    slug: str
    path: str  # relative to the content folder, with '/'
    body: str = ""
    body_line: int = 1  # the file line the body starts on

    @property
    def campaign_or_slug(self) -> str:
        return self.campaign or self.slug

    @property
    def image_is_url(self) -> bool:
        """The image is served from elsewhere (an https:// URL), not a file under content/."""
        return self.image is not None and self.image.lower().startswith("https://")

    def is_active(self, now: datetime) -> bool:
        """On the wall from `publish` (inclusive) until `expires` (exclusive); a draft never."""
        return not self.draft and self.publish <= now and (self.expires is None or now < self.expires)


DERIVED = frozenset(Post.model_fields) - frozenset(FrontMatter.model_fields)


class SearchOptions(BaseModel):
    """`search:` of a page: only whether the search index leaves it out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exclude: bool = Field(default=False, strict=True)


class PageFrontMatter(BaseModel):
    """The fields a Markdown page that is not a post may set (the shipped pages use them all): anything else,
    like a `template:` outside the site's page templates, is refused by `check` and the build."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = Field(default=None, min_length=1, max_length=SUMMARY_MAX)
    # the page templates of templates/ a page may use (post.html, wall.html and signin.html are the plugin's)
    template: Literal["main.html", "claims.html", "stats.html", "suggestions.html", "statement.html"] | None = None
    sharewall_app: Literal["claim", "finance", "invites", "suggest", "review"] | None = None
    roles: tuple[Literal["employee", "comms", "finance"], ...] = ()  # who the page is for (site.js explains it)
    hide: tuple[Literal["toc", "navigation", "footer", "path"], ...] = ()
    search: SearchOptions | None = None

    @field_validator("roles", "hide", mode="before")
    @classmethod
    def _one_or_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


@dataclass
class Content:
    """Everything under `content/`: the valid posts (newest first), sources, campaigns and all issues."""

    posts: list[Post] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    topics: Topics | None = None  # None: no topics.yml, any slug is a topic and shows as itself
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file walk() found, relative to content/: what may be published

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    def active(self, now: datetime) -> list[Post]:
        return [post for post in self.posts if post.is_active(now)]

    def topic_labels(self, language: str) -> dict[str, str]:
        """slug -> label of every declared topic in the UI `language`; empty without topics.yml (slugs show)."""
        return self.topics.labels_in(language) if self.topics else {}


def is_post_file(path: str) -> bool:
    """Whether `path` (relative to content/, with '/') is read as a post: POST_GLOB against the whole path."""
    return PurePosixPath("/", path).match(f"/{POST_GLOB}")


def _parse_time(value: Any, name: str, settings: Settings) -> datetime:
    """Dates and times as authors write them; naive ones are in the site timezone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not a valid date; use YYYY-MM-DD or YYYY-MM-DD HH:MM (optionally with an offset like +01:00)"
            ) from None
        if name == "expires" and len(value.strip()) == 10:
            moment += timedelta(days=1)  # a date alone expires at the end of that day
    else:
        raise ValueError(f"{value!r} is not a date; use YYYY-MM-DD or YYYY-MM-DD HH:MM")
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.zone)
