"""Archive every upload: when a file lands in the uploads bucket, copy it to the archive bucket.

S3 invokes this function asynchronously with an event that names the bucket and the key of the new
object (not its content): the function reads the object and writes the copy with boto3.
"""

import os

import boto3

ARCHIVE_BUCKET = os.environ["ARCHIVE_BUCKET"]


def handler(event, context):
    s3 = boto3.client("s3")  # TODO: create the client once, outside the handler, so warm starts reuse it
    record = event["Records"][0]  # TODO: an event may carry several records; copy them all
    bucket = record["s3"]["bucket"]["name"]
    key = record["s3"]["object"]["key"]  # TODO: S3 URL-encodes the key in the event
    # TODO: read the object from `bucket` and write the same bytes to ARCHIVE_BUCKET under the same key
    print(f"would copy s3://{bucket}/{key}")
    return {"copied": []}
