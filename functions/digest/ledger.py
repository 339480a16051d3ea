"""The digest's records in the application table (key range `DIGEST#`, the only one its role may touch).

Per channel and language: one item a day (`DAY#<date>`), written on the condition that it does not exist
before anything is sent (so overlapping runs and retries send at most once that day), and the posts the last
sent digest saw (`LAST`). A send that certainly failed deletes the day's item again, so a retry may send.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sharewall_common.aws import client

KEEP = timedelta(days=60)  # the day items expire (TTL) after this; LAST is kept
SENDING, SENT, UNKNOWN = "sending", "sent", "unknown"


class Ledger:
    """The once-a-day records of one table."""

    def __init__(self, table: str):
        self.table = table

    # The item of a channel and language: a day's (`DAY#<date>`) or the last digest's (`LAST`)
    @staticmethod
    def _key(channel: str, language: str, sort: str) -> dict:
        return {"pk": {"S": f"DIGEST#{channel}#{language}"}, "sk": {"S": sort}}

    # The posts the last digest sent on this channel in this language saw; None before the first
    def seen(self, channel: str, language: str) -> frozenset[str] | None:
        item = client("dynamodb").get_item(TableName=self.table, Key=self._key(channel, language, "LAST"),
                                           ConsistentRead=True).get("Item")
        return frozenset(item["seen"]["SS"]) - {""} if item else None

    # Take the day for this channel and language; False when a run took it already (sent, sending or unknown)
    def claim(self, channel: str, language: str, day: date, now: datetime) -> bool:
        from botocore.exceptions import ClientError

        try:
            client("dynamodb").put_item(
                TableName=self.table,
                Item={**self._key(channel, language, f"DAY#{day.isoformat()}"), "state": {"S": SENDING},
                      "at": {"S": now.isoformat(timespec="seconds")},
                      "ttl": {"N": str(int((now + KEEP).timestamp()))}},
                ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # The day's digest went out: say so, and remember the posts it saw for the next one
    def sent(self, channel: str, language: str, day: date, posts: list[str], seen: frozenset[str]) -> None:
        self._state(channel, language, day, SENT, posts)
        self._remember(channel, language, day, seen)

    # Nobody knows whether it went out: the day stays taken (never twice), and its posts count as seen
    def unknown(self, channel: str, language: str, day: date, posts: list[str], seen: frozenset[str]) -> None:
        self._state(channel, language, day, UNKNOWN, posts)
        self._remember(channel, language, day, seen)

    # The posts active when this digest went out: the next one shows only others
    def _remember(self, channel: str, language: str, day: date, seen: frozenset[str]) -> None:
        client("dynamodb").put_item(TableName=self.table, Item={
            **self._key(channel, language, "LAST"), "day": {"S": day.isoformat()},
            "seen": {"SS": sorted(seen) or [""]}})  # a string set cannot be empty

    # It certainly did not go out: give the day back, so the next attempt sends it
    def release(self, channel: str, language: str, day: date) -> None:
        client("dynamodb").delete_item(TableName=self.table,
                                       Key=self._key(channel, language, f"DAY#{day.isoformat()}"),
                                       ConditionExpression="#state = :sending",
                                       ExpressionAttributeNames={"#state": "state"},
                                       ExpressionAttributeValues={":sending": {"S": SENDING}})

    # The day's record says how its digest went, and which posts it showed
    def _state(self, channel: str, language: str, day: date, state: str, posts: list[str]) -> None:
        client("dynamodb").update_item(
            TableName=self.table, Key=self._key(channel, language, f"DAY#{day.isoformat()}"),
            UpdateExpression="SET #state = :state, posts = :posts",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":state": {"S": state}, ":posts": {"L": [{"S": slug} for slug in posts]}})
