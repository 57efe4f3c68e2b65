"""The line-mode commands import only what they use (issue 20: `quiz --plain` to its first question in 0.25 s,
`stats` in 0.15 s): on a warm start, no parser, no app framework, no entry-point scan, no sqlite-utils."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

NOT_ON_A_WARM_START = ["importlib.metadata", "sqlite_utils", "yaml", "markdown_it", "textual", "boto3", "plotext"]

RUN = """
import json, sys
from lambdalearn.cli import cli
try:
    cli(sys.argv[1:], prog_name="lambdalearn")
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name in WATCHED or name.split(".")[0] in WATCHED)),
      file=sys.stderr)
"""


@pytest.mark.parametrize("command", [["quiz", "--plain", "--limit", "1"], ["stats"], ["stats", "--json"]])
def test_a_warm_start_imports_no_parser_and_scans_no_distribution(tmp_path, command):
    work = tmp_path / "cwd"  # sys.path[0] of `python -c`: aged, as the entry-point record keys on its mtime
    work.mkdir()
    then = time.time_ns() - 3600 * 10**9
    os.utime(work, ns=(then, then))
    code = f"WATCHED = {NOT_ON_A_WARM_START!r}\n{RUN}"
    run = [sys.executable, "-c", code, "--data-dir", str(tmp_path / "data"), *command]
    first = subprocess.run(run, cwd=work, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True)
    assert "yaml" in json.loads(first.stderr.splitlines()[-1])  # the first start parses the course
    warm = subprocess.run(run, cwd=work, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True)
    assert json.loads(warm.stderr.splitlines()[-1]) == []
