"""Reading an event a learner supplies (a JSON file or a JSON string), with errors that point at the spot.

`lambdalearn invoke`, `lambdalearn playground` and the playground screen all take events this way, so a bad
file reads the same everywhere: `events/order.json:3:14: invalid JSON: Expecting ',' delimiter`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class EventInputError(ValueError):
    """An event that cannot be used, in one line that names the file (or the option), line and column."""


def parse_event_json(text: str, source: str) -> Any:
    """The JSON value in `text`; `source` names where it came from in the error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise EventInputError(f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None


def read_event_file(path: Path) -> Any:
    """The JSON event in the file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EventInputError(f"cannot read event file {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise EventInputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_event_json(text, str(path))
