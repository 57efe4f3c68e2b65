"""Make a "thumbnail" of each uploaded text file (its first line, in capitals) in another bucket, so that
writing it does not trigger this function again."""

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
        s3.put_object(Bucket=os.environ["THUMBNAIL_BUCKET"], Key=f"thumbnails/{name}", Body=thumbnail.encode())
        print(f"thumbnail of {key} written")
    return {"done": len(event["Records"])}
