"""Render a job's thumbnails."""

from thumbnails import render_thumbnail


def handler(event, context):
    # TODO: a big job takes longer than the function's timeout, and Lambda kills the invocation mid-way: the
    # caller gets a Sandbox.Timedout error and no idea which images were done. Check
    # context.get_remaining_time_in_millis() before each image, stop while there is still time to answer,
    # and return the images you did not get to in "remaining".
    processed = []
    for image_id in event["images"]:
        render_thumbnail(image_id)
        processed.append(image_id)
    return {"job": event["job"], "processed": processed, "remaining": []}
