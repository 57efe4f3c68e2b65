"""A notes API on a function URL.

GET  /notes/{id}   -> 200 {"id", "text"}, or 404 {"message": "note {id} not found"}
POST /notes        -> 201 {"id", "text"} with a location header /notes/{id}, where id = note_id(text);
                      400 {"message": ...} when the body is not JSON or has no text
anything else      -> 405 with an allow header "GET, POST"
"""

import base64
import hashlib
import json

from catalogue import NOTES


def note_id(text):
    return "n-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def reply(status, body, **headers):
    return {"statusCode": status, "headers": {"content-type": "application/json", **headers}, "body": json.dumps(body)}


def read_json(event):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return json.loads(body)


def handler(event, context):
    method = event["requestContext"]["http"]["method"]
    path = event["rawPath"]
    if method == "GET" and path.startswith("/notes/"):
        wanted = path.removeprefix("/notes/")
        if wanted not in NOTES:
            return reply(404, {"message": f"note {wanted} not found"})
        return reply(200, {"id": wanted, "text": NOTES[wanted]})
    if method == "POST" and path == "/notes":
        try:
            text = read_json(event).get("text")
        except (ValueError, AttributeError):
            return reply(400, {"message": "the body must be a JSON object"})
        if not isinstance(text, str) or not text:
            return reply(400, {"message": "text is required"})
        created = {"id": note_id(text), "text": text}
        return reply(201, created, location=f"/notes/{created['id']}")
    return reply(405, {"message": f"{method} {path} is not supported"}, allow="GET, POST")
