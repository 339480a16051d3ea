"""DynamoDB attribute values to and from plain Python, without importing boto3.

boto3's TypeSerializer would pull its resource layer and s3transfer into the cold start (see aws.py);
Powertools (loaded anyway) has the deserializer, and the serializer covers what the functions write.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

# Numbers come back as Decimal, as from boto3's TypeDeserializer
deserialize = TypeDeserializer().deserialize


def serialize(value: Any) -> dict:
    """A Python value as a DynamoDB attribute value, like boto3's TypeSerializer for the types we store."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):  # before int: a bool is an int to Python
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {key: serialize(item) for key, item in value.items()}}
    if isinstance(value, list):
        return {"L": [serialize(item) for item in value]}
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def to_item(data: dict) -> dict:
    """A plain dict as a DynamoDB item; None values are left out."""
    return {key: serialize(value) for key, value in data.items() if value is not None}


def from_item(item: dict) -> dict:
    """A DynamoDB item as a plain dict, its numbers as int: the functions store only integers
    (cents, counts, epochs, pull request numbers)."""
    return _integers({key: deserialize(value) for key, value in item.items()})


def _integers(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; ours are all integers."""
    if isinstance(value, dict):
        return {key: _integers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integers(item) for item in value]
    return int(value) if type(value).__name__ == "Decimal" else value


def expression_values(**values: Any) -> dict:
    """ExpressionAttributeValues: `:name` for each keyword."""
    return {f":{key}": serialize(value) for key, value in values.items()}
