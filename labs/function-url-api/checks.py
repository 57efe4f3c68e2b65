"""The function-url-api lab: every check is a real HTTP request to the learner's function URL on loopback."""

import hashlib
import json


def note_id(text):
    return "n-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def check_get_known_note(lab):
    catalogue = lab.lab_module("catalogue").NOTES
    reply = lab.http("GET", "/notes/n-1")
    assert reply.status == 200, f"GET /notes/n-1 answered {reply.status}, expected 200 (body: {reply.body[:200]})"
    assert reply.headers.get("content-type", "").startswith("application/json"), (
        f"content-type should be application/json, got {reply.headers.get('content-type')!r}"
    )
    assert reply.json() == {"id": "n-1", "text": catalogue["n-1"]}, f"unexpected note: {reply.body[:200]}"


def check_get_unknown_note(lab):
    missing = "n-" + lab.word(6)
    reply = lab.http("GET", f"/notes/{missing}")
    assert reply.status == 404, f"GET /notes/{missing} answered {reply.status}, expected 404"
    assert reply.json() == {"message": f"note {missing} not found"}, f"unexpected body: {reply.body[:200]}"


def check_post_creates(lab):
    text = f"buy {lab.word(5)} and {lab.word(7)}"
    reply = lab.http("POST", "/notes", body=json.dumps({"text": text}), headers={"Content-Type": "application/json"})
    assert reply.status == 201, f"POST /notes answered {reply.status}, expected 201 (body: {reply.body[:200]})"
    expected = {"id": note_id(text), "text": text}
    assert reply.json() == expected, f"POST /notes answered {reply.body[:200]}, expected {json.dumps(expected)}"
    assert reply.headers.get("location") == f"/notes/{expected['id']}", (
        f"the location header should be /notes/{expected['id']}, got {reply.headers.get('location')!r}"
    )


def check_post_rejects_bad_bodies(lab):
    for body in ("{not json", json.dumps({"title": lab.word()}), json.dumps({"text": ""})):
        reply = lab.http("POST", "/notes", body=body, headers={"Content-Type": "application/json"})
        assert reply.status == 400, (
            f"POST /notes with body {body!r} answered {reply.status}; expected 400"
            + (" (a 502 means the function raised an error)" if reply.status == 502 else "")
        )
        assert "message" in reply.json(), "a 400 should explain itself in a message field"


def check_other_methods(lab):
    for method, path in (("DELETE", "/notes/n-1"), ("PUT", "/notes")):
        reply = lab.http(method, path)
        assert reply.status == 405, f"{method} {path} answered {reply.status}, expected 405"
        assert reply.headers.get("allow", "").replace(" ", "") == "GET,POST", (
            f"a 405 should carry an allow header listing GET, POST; got {reply.headers.get('allow')!r}"
        )
