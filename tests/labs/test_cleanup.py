"""A check run leaves nothing behind: no environment process, no fork server, no moto server, no staging
folder, whether it ends normally or is interrupted with Ctrl-C (SIGINT to the process group, as a terminal
sends it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from lambdalearn.labs.runner import run_checks
from lambdalearn.labs.workspace import start_workspace
from lambdalearn.runtime import procfs
from tests.labs.conftest import spec_of

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def make_sleepy_lab(pack: Path, seconds: float) -> None:
    """A lab whose handler sleeps, with an S3 bucket (so a moto server runs)."""
    lab = pack / "labs" / "sleepy"
    for name in ("starter", "solution"):
        (lab / name).mkdir(parents=True)
        (lab / name / "app.py").write_text(f"import time\n\ndef handler(event, context):\n    time.sleep({seconds})\n    return {{}}\n")
    (lab / "README.md").write_text("# Sleepy\n")
    (lab / "lab.yaml").write_text(
        "id: sleepy\ntitle: Sleepy\nlesson: basics\ndifficulty: beginner\nxp: 1\nminutes: 1\n"
        "function: {handler: app.handler, timeout: 60}\n"
        "editable: [app.py]\nresources: {buckets: [{name: sleepy-bucket}]}\n"
        "checks:\n  - name: sleeps\n    vars: {n: {int: [1, 2]}}\n    invoke: {count: 2, concurrency: 2}\n"
        "    expect: {status: success}\n"
    )


def processes_working_in(folder: Path) -> list[int]:
    """Live processes whose current directory is inside `folder` (environments run in the staged code)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cwd = os.readlink(f"/proc/{name}/cwd")
            except OSError:
                continue
            if cwd.startswith(str(folder)) and procfs.is_alive(int(name)):
                found.append(int(name))
    return found


def children_of(parent: int) -> list[int]:
    children = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                children.append(int(name))
    return children


def wait_until(condition, limit_s: float = 30.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_finished_run_leaves_no_process(lab_pack, tmp_path, monkeypatch):
    make_sleepy_lab(lab_pack, 0.1)
    spec = spec_of(lab_pack, "sleepy")
    start_workspace(spec, tmp_path / "ws")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = set(children_of(os.getpid()))
    assert run_checks(spec, tmp_path / "ws").passed
    assert processes_working_in(scratch) == []
    assert list(scratch.iterdir()) == []
    assert [pid for pid in children_of(os.getpid()) if pid not in before and procfs.is_alive(pid)] == []


def test_ctrl_c_during_a_check_leaves_nothing_behind(lab_pack, tmp_path):
    make_sleepy_lab(lab_pack, 30)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    script = (
        "import sys\n"
        "from lambdalearn.content.loader import load_pack\n"
        "from lambdalearn.labs.runner import run_checks\n"
        "from lambdalearn.labs.workspace import start_workspace\n"
        "spec = next(f.spec for f in load_pack(sys.argv[1]).labs if f.id == 'sleepy')\n"
        "start_workspace(spec, sys.argv[2])\n"
        "run_checks(spec, sys.argv[2])\n"
    )
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", script, str(lab_pack), str(tmp_path / "ws")], env=env,
                               start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: len(processes_working_in(scratch)) == 2), process.stderr.read1().decode() if process.poll() is not None else "no environments"
        helpers = children_of(process.pid)
        environments = processes_working_in(scratch)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    stderr = process.stderr.read().decode()
    assert "KeyboardInterrupt" in stderr  # interrupted, not finished
    assert helpers, "the fork server should have been a child of the run"
    assert wait_until(lambda: not any(procfs.is_alive(pid) for pid in [*helpers, *environments]), 5)
    assert processes_working_in(scratch) == []
    assert not list(scratch.glob("lambdalearn-lab-*"))  # the staging folder is gone too
    assert not list(scratch.glob("lambdalearn-runtime-*"))


def moto_servers_of(parent: int) -> list[int]:
    servers = []
    for pid in children_of(parent):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ThreadedMotoServer" in command and procfs.is_alive(pid):
            servers.append(pid)
    return servers


@pytest.mark.parametrize("cancel_after_s", [0.0, 0.3, 0.8])
def test_cancelling_a_run_at_any_moment_stops_the_moto_server(lab_pack, tmp_path, cancel_after_s):
    import asyncio

    from lambdalearn.labs.runner import LabRunner

    spec = spec_of(lab_pack, "aws")
    start_workspace(spec, tmp_path / "ws")

    async def cancel_soon() -> None:
        task = asyncio.create_task(LabRunner(spec, tmp_path / "ws").run())
        await asyncio.sleep(cancel_after_s)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass  # cancelled mid-run (a fast machine may finish first: then nothing must be left either)

    asyncio.run(cancel_soon())
    assert moto_servers_of(os.getpid()) == []
