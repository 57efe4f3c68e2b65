"""A notes API on a function URL.

GET  /notes/{id}   -> 200 {"id", "text"}, or 404 {"message": "note {id} not found"}
POST /notes        -> 201 {"id", "text"} with a location header /notes/{id}, where id = note_id(text);
                      400 {"message": ...} when the body is not JSON or has no text
anything else      -> 405 with an allow header "GET, POST"
"""

import hashlib
import json

from catalogue import NOTES


def note_id(text):
    return "n-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def handler(event, context):
    # TODO: route on the method and path. Today every request gets the whole catalogue with a 200.
    return NOTES
