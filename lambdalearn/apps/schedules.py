"""Schedule expressions of Schedule and ScheduleV2 events: how often a `rate(...)` or `cron(...)` fires.

A local run fires a rate schedule every period of AWS time; a cron expression is approximated by the period
of its finest field (every minute, hour or day), which is what a short run can show.
"""

from __future__ import annotations

import re

_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def period_s(expression: str) -> float | None:
    """Seconds between firings, or None for an expression that is not rate(...) or cron(...)."""
    rate = _RATE.fullmatch(expression.strip())
    if rate:
        return int(rate.group(1)) * _UNITS[rate.group(2).rstrip("s")]
    if expression.startswith("cron(") and expression.endswith(")"):
        minutes, hours = (expression[5:-1].split() + ["*", "*"])[:2]
        if minutes == "*" or minutes.startswith("0/") or minutes.startswith("*/"):
            step = minutes.split("/")[1] if "/" in minutes else "1"
            return int(step) * 60 if step.isdigit() else 60.0
        if hours == "*":
            return 3600.0
        return 86400.0
    return None
