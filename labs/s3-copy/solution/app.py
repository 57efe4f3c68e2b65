"""Archive every upload: when a file lands in the uploads bucket, copy it to the archive bucket.

S3 invokes this function asynchronously with an event that names the bucket and the key of the new
object (not its content): the function reads the object and writes the copy with boto3.
"""

import os
from urllib.parse import unquote_plus

import boto3

ARCHIVE_BUCKET = os.environ["ARCHIVE_BUCKET"]
s3 = boto3.client("s3")  # created once per execution environment, reused by warm starts


def handler(event, context):
    copied = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        s3.put_object(Bucket=ARCHIVE_BUCKET, Key=key, Body=body)
        print(f"copied s3://{bucket}/{key} to s3://{ARCHIVE_BUCKET}/{key} ({len(body)} bytes)")
        copied.append(key)
    return {"copied": copied}
