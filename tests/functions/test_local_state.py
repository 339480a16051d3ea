"""What the tests compare to say a request changed nothing (`fingerprint`) sees every kind of write."""

from __future__ import annotations

import boto3

from site_builder.local.aws import fingerprint, snapshot


def test_the_fingerprint_sees_every_write(fresh_tables):
    bucket, table = fresh_tables.buckets["ReceiptsBucket"], fresh_tables.tables["AppTable"]
    s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")
    s3.put_object(Bucket=bucket, Key="pending/x/state-test", Body=b"%PDF-1.4\n")
    before = fingerprint(fresh_tables)
    assert fingerprint(fresh_tables) == before  # reading changes nothing
    assert any(key == "pending/x/state-test" for key, *_ in before["buckets"]["ReceiptsBucket"])
    writes = [
        lambda: s3.put_object(Bucket=bucket, Key="pending/x/state-test", Body=b"%PDF-1.4\n"),  # the same bytes again
        lambda: s3.delete_object(Bucket=bucket, Key="pending/x/state-test"),
        lambda: dynamodb.put_item(TableName=table, Item={"pk": {"S": "STATE#test"}, "sk": {"S": "STATE"}}),
    ]
    for write in writes:
        seen = fingerprint(fresh_tables)
        write()
        assert fingerprint(fresh_tables) != seen, write
    # `sharewall serve --data` saves the same items
    assert snapshot(fresh_tables)["tables"]["AppTable"] == [{"pk": {"S": "STATE#test"}, "sk": {"S": "STATE"}}]
