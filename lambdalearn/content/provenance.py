"""Where a taught number comes from: an AWS documentation page, and the date it was last checked there.

The question loader (a deck item's `source` and `verified`) and the lesson loader (a cheat sheet's
`cheat_sheet: {sources, verified}`) read both through these helpers, so they accept and refuse the same
values with the same messages.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from lambdalearn.content.fields import Fields

AWS_DOC_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def aws_doc_url_problem(url: str) -> str | None:
    """Why `url` is not an https page of AWS's documentation, or None when it is one."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in AWS_DOC_HOSTS):
        return None
    return f"'{url}' is not an https URL of an AWS documentation page (docs.aws.amazon.com)"


def read_verified(fields: Fields, key: str = "verified") -> date | None:
    """The real calendar date at `key` (YAML date or YYYY-MM-DD text); a problem is recorded for anything else."""
    raw = fields.mapping.get(key)
    verified = raw if isinstance(raw, date) else None
    if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
        try:
            verified = date.fromisoformat(raw.strip())
        except ValueError:
            pass
    if raw is not None and verified is None:
        fields.problem(key, f"expected a date as YYYY-MM-DD, got '{raw}'")
    return verified


def require_together(fields: Fields, page_key: str, date_key: str = "verified") -> None:
    """A fact's page and the date it was checked go together: record a problem when only one is given."""
    for present, missing in ((page_key, date_key), (date_key, page_key)):
        if fields.has(present) and not fields.has(missing):
            fields.problem(present, f"give '{missing}' with '{present}': a fact's page and the date it was checked go together")
