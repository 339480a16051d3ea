"""Synthetic data for the benchmarks: N valid posts in a temporary project, as comms would write them;
items loaded into DynamoDB in bulk."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

TOPICS = ["surface", "events", "careers", "press", "sustainability", "engineering", "culture", "privacy"]
SOURCES = "comms: {name: Comms, kind: department}\nboard: {name: Board, kind: management}\nteam: {name: Team, kind: employee}\n"
WORDS = ("wall share voice team product launch booth fair data privacy cloud device pen lettering people "
         "trust network article report expert release").split()


def write_posts(root: Path, count: int, expired_share: float = 0.0, now: datetime | None = None, seed: int = 7) -> Path:
    """Write `count` posts under `root/content`; `expired_share` of them expired before `now`."""
    now = now or datetime.now()
    rng = random.Random(seed)
    content = root / "content"
    (content / "posts").mkdir(parents=True, exist_ok=True)
    (content / "sources.yml").write_text(SOURCES, encoding="utf-8")
    (content / "index.md").write_text("# Wall\n", encoding="utf-8")
    for index in range(count):
        publish = now - timedelta(days=2 + index % 700, hours=index % 24)
        expired = rng.random() < expired_share
        expires = f"expires: {(publish + timedelta(days=1)):%Y-%m-%d %H:%M}\n" if expired else ""
        language = "de" if index % 3 else "en"
        sentence = " ".join(rng.choice(WORDS) for _ in range(14)).capitalize()
        year = f"{publish:%Y}"
        folder = content / "posts" / year
        folder.mkdir(exist_ok=True)
        (folder / f"post-{index:06d}.md").write_text(
            "---\n"
            f"title: Post {index} about {rng.choice(WORDS)}\n"
            f"link: https://news.example.com/{index}\n"
            f"summary: {sentence}.\n"
            f"source: {rng.choice(['comms', 'board', 'team'])}\n"
            f"language: {language}\n"
            f"publish: {publish:%Y-%m-%d %H:%M}\n{expires}"
            f"topics: [{rng.choice(TOPICS)}, {rng.choice(TOPICS)}]\n"
            f"hashtags: [Sharewall]\n"
            "suggestions:\n"
            f"  - {sentence} – read more.\n"
            f"  - {sentence[:60]}!\n"
            "---\n"
            f"## Briefing\n\n{sentence}. {sentence}.\n\n- Talking point one\n- Talking point two\n",
            encoding="utf-8",
        )
    return content


def put_items(dynamodb, table: str, items: list[dict]) -> None:
    """Put `items` (DynamoDB JSON) into `table` in batches of 25, retrying what DynamoDB leaves unprocessed."""
    for start in range(0, len(items), 25):
        request = {table: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
        while request:
            request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems") or None
