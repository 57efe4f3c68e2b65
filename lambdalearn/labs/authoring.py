"""The authoring check (Rustlings' `dev check`): every starter fails a check and every solution passes them all.

Each side runs in a clean workspace copied from the lab folder, exactly as a learner's would be, so a lab
whose starter already passes (nothing to learn) or whose solution fails (a broken lab) is caught before it
ships. `lambdalearn pack check` runs this for every lab of a pack.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.labs import LabSpec
from lambdalearn.labs.report import LabReport
from lambdalearn.labs.runner import run_checks
from lambdalearn.labs.workspace import start_workspace


@dataclass(frozen=True)
class LabVerdict:
    """What the authoring check found for one lab; `problems` is empty when the lab is sound."""

    lab: str
    starter: LabReport
    solution: LabReport

    @property
    def problems(self) -> list[str]:
        found = []
        if self.starter.passed:
            found.append("the starter passes every check: it leaves the learner nothing to do")
        for check in self.solution.checks:
            if not check.passed:
                first_line = check.message.splitlines()[0] if check.message else check.status
                found.append(f"the solution fails '{check.name}': {first_line}")
        if self.solution.error and not self.solution.checks:
            found.append(f"the solution cannot run: {self.solution.error}")
        return found


def check_lab(spec: LabSpec) -> LabVerdict:
    """Run the lab's checks on a clean starter workspace and on a clean solution workspace."""
    with tempfile.TemporaryDirectory(prefix=f"lambdalearn-pack-check-{spec.id}-") as scratch:
        starter = Path(scratch) / "starter"
        start_workspace(spec, starter)
        solution = Path(scratch) / "solution"
        start_workspace(spec, solution)
        shutil.copytree(spec.solution, solution, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        return LabVerdict(spec.id, run_checks(spec, starter), run_checks(spec, solution))
