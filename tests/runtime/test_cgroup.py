"""Choosing and driving an environment's cgroup (cgroup.py): where ours is writable, where it is not, and
what the memory and cpu controllers would do where they are delegated (played on a fake cgroup tree here:
this machine's cgroup2 hierarchy has neither controller, they are bound to cgroup v1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lambdalearn.runtime import cgroup
from lambdalearn.runtime.unit import CgroupUnit

from .conftest import skip_because

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture
def auto(monkeypatch):
    """LAMBDALEARN_CGROUP unset (the runtime tests' fixture forces one)."""
    monkeypatch.delenv(cgroup.ENV_VAR, raising=False)


def needs(condition: bool, reason: str) -> None:
    if not condition:
        skip_because(reason)


def test_our_cgroup_is_the_0_line_under_the_cgroup2_mount(tmp_path):
    (tmp_path / "cgroup").write_text("1:name=systemd:/\n0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope\n")
    (tmp_path / "mountinfo").write_text(
        "31 22 0:26 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
        "41 31 0:38 / /sys/fs/cgroup/my\\040unified rw,relatime - cgroup2 cgroup2 rw\n"
    )
    assert cgroup.own_cgroup(str(tmp_path / "cgroup"), str(tmp_path / "mountinfo")) == (
        "/sys/fs/cgroup/my unified/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope"
    )


def test_a_cgroup2_mount_of_a_subtree_is_followed(tmp_path):
    """A container may mount only its own part of the hierarchy: the path is then relative to that part."""
    (tmp_path / "cgroup").write_text("0::/docker/abc/app\n")
    (tmp_path / "mountinfo").write_text("41 31 0:38 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")
    assert cgroup.own_cgroup(str(tmp_path / "cgroup"), str(tmp_path / "mountinfo")) == "/sys/fs/cgroup/app"


def test_without_cgroup2_the_walk_stays_in_force_and_says_why(tmp_path):
    (tmp_path / "cgroup").write_text("4:memory:/x\n")
    (tmp_path / "mountinfo").write_text("")
    with pytest.raises(cgroup.CgroupUnavailable, match=r"no 0:: line in /proc/self/cgroup"):
        cgroup.own_cgroup(str(tmp_path / "cgroup"), str(tmp_path / "mountinfo"))
    (tmp_path / "cgroup").write_text("0::/\n")
    with pytest.raises(cgroup.CgroupUnavailable, match="no cgroup2 file system is mounted"):
        cgroup.own_cgroup(str(tmp_path / "cgroup"), str(tmp_path / "mountinfo"))


def test_a_fake_cgroup_root_that_is_a_plain_directory_falls_back_to_the_walk(tmp_path, auto):
    assert cgroup.probe(str(tmp_path)) == cgroup.Choice(cgroup.WALK, f"{tmp_path} is not a cgroup2 directory")
    (tmp_path / "cgroup.procs").write_text("")  # looks like one, but a child made in it is not a cgroup
    choice = cgroup.probe(str(tmp_path))
    assert choice.kind == cgroup.WALK and choice.reason.endswith("has no cgroup.freeze (Linux 5.2 or later)")
    assert [name for name in os.listdir(tmp_path) if name.startswith(cgroup.PREFIX)] == [], "nothing is left"


def test_forcing_the_cgroup_where_there_is_none_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv(cgroup.ENV_VAR, "cgroup")
    with pytest.raises(cgroup.CgroupUnavailable, match=rf"^LAMBDALEARN_CGROUP=cgroup, but {tmp_path} is not a cgroup2 directory$"):
        cgroup.probe(str(tmp_path))
    monkeypatch.setenv(cgroup.ENV_VAR, "v1")
    with pytest.raises(cgroup.CgroupUnavailable, match=r"^LAMBDALEARN_CGROUP='v1': expected auto, cgroup or walk$"):
        cgroup.probe(str(tmp_path))


def run_as_nobody(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run Python `code` as user nobody (the system Python: ours may live in root's home, closed to others)."""
    needs(os.geteuid() == 0, "running as another user needs root")
    needs(shutil.which("setpriv") is not None and os.path.exists(SYSTEM_PYTHON), "needs setpriv and /usr/bin/python3")
    site = [path for path in sys.path if path.endswith("site-packages")]
    variables = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": os.pathsep.join([str(REPO), *site]), **(env or {})}
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", SYSTEM_PYTHON, "-c", code]
    return subprocess.run(command, capture_output=True, text=True, env=variables, timeout=60)


def test_a_cgroup_we_may_not_write_falls_back_to_the_walk_and_says_why(auto):
    """Simulated with the real hierarchy: our cgroup2 directory belongs to root, and user nobody probes it."""
    own = cgroup.own_cgroup()
    needs(os.stat(own).st_uid == 0, f"{own} must belong to root for user nobody to be refused")
    result = run_as_nobody("from lambdalearn.runtime import cgroup; c = cgroup.probe(); print(c.kind); print(c.reason)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [cgroup.WALK, f"cgroup2 at {own} is not writable: Permission denied"]


def test_invoke_as_a_user_who_may_not_write_the_cgroup_runs_on_the_walk_and_says_so(handlers_dir, auto):
    args = ["invoke", "basic.echo", "--code", str(handlers_dir), "--verbose"]
    result = run_as_nobody(f"import sys; sys.argv = ['lambdalearn', *{args!r}]; from lambdalearn.cli import main; main()")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '{"event": {}}'
    own = cgroup.own_cgroup()
    assert f"lambdalearn: process unit: process walk (cgroup2 at {own} is not writable: Permission denied)" in result.stderr


def test_where_ours_is_writable_a_run_gets_a_cgroup_with_freeze_and_kill_and_removes_it(auto, cgroup_refusal):
    needs(cgroup_refusal is None, f"no writable cgroup2 here: {cgroup_refusal}")
    choice = cgroup.probe()
    try:
        assert choice.kind == cgroup.CGROUP and os.path.basename(choice.path).startswith(f"lambdalearn-{os.getpid()}-")
        assert cgroup.owner_alive(os.path.basename(choice.path))
        assert choice.describe().startswith(f"process unit: cgroup at {choice.path} (freeze, kill")
    finally:
        assert cgroup.remove_tree(choice.path)
    assert not os.path.exists(choice.path)


def test_a_killed_runs_cgroup_is_cleared_at_the_next_start_and_a_live_runs_is_not(auto, cgroup_refusal):
    """Played in a cgroup of the test's own below ours. The other test worker shares our cgroup: each run it
    starts sweeps it, and would clear the made-up dead run's cgroup before the survivor had joined it (run 1
    of a repeated suite failed so); its teardown would also find that cgroup there as stale."""
    needs(cgroup_refusal is None, f"no writable cgroup2 here: {cgroup_refusal}")
    own = cgroup.create(cgroup.own_cgroup(), f"sweep-test-{os.getpid()}")  # not lambdalearn-*: no sweep takes it
    try:
        live = cgroup.probe(own).path  # this process's own: alive
        dead = os.path.join(own, f"{cgroup.PREFIX}999999999-1")  # no such process
        os.mkdir(dead)
        environment = cgroup.create(dead, "environment-1")
        survivor = subprocess.Popen(
            [sys.executable, "-c", f"import os, time; open({environment + '/cgroup.procs'!r}, 'w').write(str(os.getpid())); time.sleep(60)"]
        )
        try:
            deadline = time.monotonic() + 10
            while cgroup.members(environment) != [survivor.pid] and time.monotonic() < deadline:
                time.sleep(0.01)
            assert cgroup.members(environment) == [survivor.pid]
            assert cgroup.clean_stale(own) == [dead]
            assert survivor.wait(timeout=10) == -9, "what a killed run left behind is killed"
            assert not os.path.exists(dead) and os.path.isdir(live)
        finally:
            survivor.kill()
    finally:
        assert cgroup.remove_tree(own)


def fake_cgroup(root: Path, files: dict[str, str]) -> str:
    root.mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return str(root)


def test_where_memory_and_cpu_are_offered_they_are_enabled_for_every_environment(tmp_path):
    own = fake_cgroup(tmp_path / "own", {"cgroup.controllers": "cpuset cpu io memory pids\n", "cgroup.subtree_control": ""})
    runtime_dir = fake_cgroup(tmp_path / "own" / "lambdalearn-1-1", {"cgroup.subtree_control": ""})
    assert cgroup._enable_controllers(own, runtime_dir) == (("memory", "cpu"), {})
    own = fake_cgroup(tmp_path / "bare", {"cgroup.controllers": "pids\n", "cgroup.subtree_control": ""})
    controllers, missing = cgroup._enable_controllers(own, runtime_dir)
    assert controllers == () and missing == {
        "memory": f"the cgroup2 hierarchy at {own} has no memory controller",
        "cpu": f"the cgroup2 hierarchy at {own} has no cpu controller",
    }


def test_an_environments_cgroup_caps_memory_at_the_function_memory_without_swap_and_kills_as_a_group(tmp_path, monkeypatch):
    real_mkdir = os.mkdir

    def mkdir_with_memory_files(path, *args):  # what the kernel shows in a new cgroup with the memory controller
        real_mkdir(path, *args)
        for name in ("memory.max", "memory.swap.max", "memory.oom.group"):
            Path(path, name).touch()  # (a real one holds "max" or "0"; an empty file shows what was written)

    monkeypatch.setattr(cgroup.os, "mkdir", mkdir_with_memory_files)
    path = Path(cgroup.create(str(tmp_path), "environment-1", memory_max_bytes=128 * 1024 * 1024))
    assert [(path / name).read_text() for name in ("memory.max", "memory.swap.max", "memory.oom.group")] == [
        str(128 * 1024 * 1024), "0", "1"
    ]


def test_memory_is_the_controllers_count_without_the_private_tmp_and_an_oom_kill_is_seen(tmp_path):
    """On Lambda /tmp is ephemeral storage, not memory; the kernel charges a tmpfs's pages to the cgroup."""
    mib = 1024 * 1024
    path = fake_cgroup(tmp_path / "environment-1", {
        "memory.current": f"{300 * mib}\n",
        "memory.stat": f"anon {200 * mib}\nfile {100 * mib}\nshmem {100 * mib}\n",
        "memory.peak": f"{320 * mib}\n",
        "memory.events": "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\noom_group_kill 0\n",
    })
    sealed = CgroupUnit(path, 1, relay=True, controllers=("memory",), private_tmpfs=True)
    plain = CgroupUnit(path, 1, relay=False, controllers=("memory",), private_tmpfs=False)
    assert (sealed.memory_bytes([]), sealed.peak_bytes()) == (200 * mib, 0)  # the samples decide the peak
    assert (plain.memory_bytes([]), plain.peak_bytes()) == (300 * mib, 320 * mib)
    assert not plain.oom_killed()
    Path(path, "memory.events").write_text("low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\noom_group_kill 1\n")
    assert plain.oom_killed()


@pytest.mark.parametrize(("share", "written"), [(128 / 1769, "1447 20000"), (0.01, "1000 20000"), (1.0, "max 20000"), (None, "max 20000")])
def test_cpu_max_is_the_share_of_one_cpu_per_period(tmp_path, share, written):
    """"At 1,769 MB, a function has the equivalent of one vCPU" (Configure Lambda function memory,
    https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html); the kernel's smallest quota is 1 ms."""
    path = fake_cgroup(tmp_path / "environment-1", {"cpu.max": ""})
    cgroup.set_cpu_max(path, share)
    assert Path(path, "cpu.max").read_text() == written


def test_the_walk_and_the_cgroup_explain_themselves():
    walk = cgroup.Choice(cgroup.WALK, "cgroup2 at /sys/fs/cgroup is not writable: Permission denied")
    assert walk.describe() == "process unit: process walk (cgroup2 at /sys/fs/cgroup is not writable: Permission denied)"
    assert walk.explain()[0] == "Process unit: process walk (cgroup2 at /sys/fs/cgroup is not writable: Permission denied)."
    full = cgroup.Choice(cgroup.CGROUP, "cgroup2 at /sys/fs/cgroup/a is writable", "/sys/fs/cgroup/a/lambdalearn-5-9", ("memory", "cpu"))
    assert full.describe() == "process unit: cgroup at /sys/fs/cgroup/a/lambdalearn-5-9 (freeze, kill, memory, cpu)"
    assert any(line.startswith("- memory: memory.max caps") for line in full.explain())
    assert any(line.startswith("- CPU: cpu.max gives") for line in full.explain())
    bare = cgroup.Choice(cgroup.CGROUP, "ok", "/cg/lambdalearn-5-9", (), {"memory": "no", "cpu": "busy"})
    assert bare.describe() == "process unit: cgroup at /cg/lambdalearn-5-9 (freeze, kill); memory: walk (no); cpu: walk (busy)"
    assert cgroup.Choice.from_message(bare.to_message()) == bare
