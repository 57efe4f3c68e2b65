"""The result of a lab check run, shaped like Exercism's results.json: a status, message and output per check.

`LabReport.to_dict()` is what `lambdalearn lab check --json` prints and what the progress database keeps;
the lab screen draws the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS, FAIL, ERROR = "pass", "fail", "error"


@dataclass(frozen=True)
class CheckResult:
    """One check: `pass`, `fail` (the function did not do what was expected) or `error` (the check could not
    run, e.g. a broken function.yaml). `message` says what was expected and what happened; `output` holds the
    function's last log lines."""

    name: str
    status: str
    message: str = ""
    output: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "status": self.status, "message": self.message,
                "output": list(self.output)}


@dataclass(frozen=True)
class LabReport:
    """Every check of one run against one workspace."""

    lab: str
    checks: tuple[CheckResult, ...]
    duration_ms: int = 0
    pack: str | None = None
    error: str | None = None  # the run could not start at all (then `checks` are all errors)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def checks_passed(self) -> int:
        return sum(check.passed for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "lab": self.lab,
            "passed": self.passed,
            "checks": [check.to_dict() for check in self.checks],
            "duration_ms": self.duration_ms,
        }
        if self.pack is not None:
            data["pack"] = self.pack
        if self.error is not None:
            data["error"] = self.error
        return data
