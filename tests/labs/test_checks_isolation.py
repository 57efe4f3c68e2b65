"""A pack's checks.py runs in a child process: no secrets from the learner's shell, nothing left running.

(The trust model: labs run the pack's Python with the learner's rights; see the README. What lambdalearn
can do is keep the learner's environment and AWS credentials out of reach and end what the check started.)
"""

from __future__ import annotations

import asyncio
import os
import time

from lambdalearn.labs.report import ERROR, PASS
from lambdalearn.labs.runner import LabRunner, run_checks
from lambdalearn.runtime.environment import DUMMY_CREDENTIALS

from .conftest import add_lab
from .test_runner import ECHO_APP, workspace_with


def one_check(lab_pack, lab_id, checks_py):
    return add_lab(lab_pack, lab_id, "checks:\n  - name: python\n    python: check_it\n", ECHO_APP, checks_py=checks_py)


def test_checks_py_sees_none_of_the_learners_environment_and_only_dummy_aws_settings(lab_pack, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "s3cr3t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-key")
    monkeypatch.setenv("AWS_PROFILE", "production")
    spec = one_check(lab_pack, "env", (
        "import os\n\n"
        "def check_it(lab):\n"
        "    assert 'SECRET_TOKEN' not in os.environ, 'saw SECRET_TOKEN'\n"
        "    assert 'AWS_PROFILE' not in os.environ, 'saw AWS_PROFILE'\n"
        f"    assert os.environ['AWS_SECRET_ACCESS_KEY'] == {DUMMY_CREDENTIALS['AWS_SECRET_ACCESS_KEY']!r}\n"
        "    assert os.environ['AWS_ENDPOINT_URL'].startswith('http://127.0.0.1:')\n"
        "    assert os.environ['AWS_SHARED_CREDENTIALS_FILE'] == os.devnull\n"
        "    assert lab.invoke({'a': 1})[0].payload == {'a': 1}\n"
    ))
    [check] = run_checks(spec, workspace_with(spec, tmp_path)).checks
    assert check.status == PASS, check.message


def test_what_checks_py_started_is_ended_with_it(lab_pack, tmp_path):
    pid_file = tmp_path / "sleeper.pid"
    spec = one_check(lab_pack, "sleeper", (
        "import subprocess\n\n"
        "def check_it(lab):\n"
        "    sleeper = subprocess.Popen(['sleep', '305'])\n"
        f"    open({str(pid_file)!r}, 'w').write(str(sleeper.pid))\n"
    ))
    [check] = run_checks(spec, workspace_with(spec, tmp_path)).checks
    assert check.status == PASS, check.message
    pid = int(pid_file.read_text())
    for _ in range(100):  # reaped by init after SIGKILL: poll until it is gone (a guard, not a timing)
        if not _alive(pid):
            break
        time.sleep(0.05)
    assert not _alive(pid), "sleep 305 outlived its check"


def test_a_check_that_exits_or_cannot_load_is_an_error_of_that_check(lab_pack, tmp_path):
    spec = one_check(lab_pack, "exits", "import sys\n\ndef check_it(lab):\n    sys.exit(3)\n")
    [exits] = asyncio.run(LabRunner(spec, workspace_with(spec, tmp_path)).run()).checks
    assert (exits.status, exits.message) == (ERROR, "the check could not run: SystemExit: 3")
    spec = one_check(lab_pack, "broken", "import no_such_module_anywhere\n\ndef check_it(lab):\n    pass\n")
    [broken] = run_checks(spec, workspace_with(spec, tmp_path / "b")).checks
    assert broken.status == ERROR
    assert broken.message == ("checks.py could not be loaded: ModuleNotFoundError: "
                              "No module named 'no_such_module_anywhere'")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead: only its process table entry is left
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False
