"""A cgroup v2 per execution environment, where the kernel delegates one to us.

Where the cgroup2 directory this program runs in is ours to write (root, or a systemd user session's
delegated `user@.service` subtree), the fork server makes one cgroup for itself beside it,
`lambdalearn-<pid>-<start time>`, and one child of that per environment. An environment's first process
joins its child before any learner code runs, and everything it forks stays in it (a double fork and `setsid`
do not leave a cgroup). The kernel then does what `procfs.py` otherwise approximates with a walk of /proc:

- membership is `cgroup.procs`; freezing is `cgroup.freeze` (done once `cgroup.events` says `frozen 1`);
  killing is `cgroup.kill` (Linux 5.14), else SIGKILL to every member until none is left;
- where the memory controller reaches our subtree, `memory.max` caps the environment (an OOM kill of the
  whole group, as Lambda's `Runtime.OutOfMemory`); where the cpu controller does, `cpu.max` gives it the CPU
  share of its memory size. A controller we do not get leaves that concern to the /proc-based mechanism.

cgroup v2 allows domain controllers (memory, cpu) in a cgroup's `subtree_control` only while it has no
processes of its own (the root cgroup excepted), so they are enabled for our subtree only if they already are
or our cgroup can take them. cgroup v1 hierarchies are never used. LAMBDALEARN_CGROUP=cgroup|walk forces a
choice (auto: probe). Standard library only: this runs in the fork server.
"""

from __future__ import annotations

import errno
import os
import signal
import time
from dataclasses import dataclass, field

ENV_VAR = "LAMBDALEARN_CGROUP"
CGROUP = "cgroup"
WALK = "walk"
CHOICES = (CGROUP, WALK)
PREFIX = "lambdalearn-"
CONTROLLERS = ("memory", "cpu")  # the domain controllers an environment can use, in the order they are shown
CPU_PERIOD_US = 20_000  # the period of `cpu.max`, as cpu_share.py's emulation uses
_MIN_CPU_QUOTA_US = 1_000  # the kernel refuses a smaller quota
_RMDIR_WAIT_S = 2.0
FREEZE_WAIT_S = 0.005
_KILL_ROUNDS = 20


class CgroupUnavailable(RuntimeError):
    """Why no cgroup unit can be used here (a one-line reason for --explain-sandbox)."""


@dataclass(frozen=True)
class Choice:
    """How the processes of an environment are made one unit, and why."""

    kind: str  # CGROUP or WALK
    reason: str
    path: str = ""  # the fork server's cgroup, parent of one cgroup per environment ("" on WALK)
    controllers: tuple[str, ...] = ()  # domain controllers each environment's cgroup has
    missing: dict[str, str] = field(default_factory=dict)  # controller -> why it is not there

    def describe(self) -> str:
        """One line: which unit is in force, and why."""
        if self.kind == WALK:
            return f"process unit: process walk ({self.reason})"
        have = ", ".join(("freeze", "kill", *self.controllers))
        line = f"process unit: cgroup at {self.path} ({have})"
        for name, why in self.missing.items():
            line += f"; {name}: walk ({why})"
        return line

    def explain(self) -> list[str]:
        """What makes an environment's processes one unit, for `lambdalearn invoke --explain-sandbox`."""
        if self.kind == WALK:
            return [
                f"Process unit: process walk ({self.reason}).",
                "- members: the first process and its descendants, found in /proc (it is a subreaper or a PID 1,"
                " so a double fork + setsid stays among them); frozen with SIGSTOP/SIGCONT, killed with SIGKILL.",
                "- memory: the resident memory of every member, sampled; CPU: SIGSTOP/SIGCONT to every member"
                " for the share of the memory size.",
            ]
        where = os.path.join(os.path.dirname(self.path), f"{PREFIX}<pid>-<start>")
        lines = [
            f"Process unit: a cgroup per environment, under {where} ({self.reason}).",
            "- members: cgroup.procs (whatever the first process forks is born in its cgroup, setsid or not);"
            " frozen with cgroup.freeze, killed with cgroup.kill; the cgroup is removed when the environment ends.",
        ]
        if "memory" in self.controllers:
            lines.append("- memory: memory.max caps the environment at the function's memory (an OOM kill of the whole"
                         " group is Runtime.OutOfMemory).")
        else:
            lines.append(f"- memory: the resident memory of every member, sampled ({self.missing.get('memory', '')}).")
        if "cpu" in self.controllers:
            lines.append("- CPU: cpu.max gives the share of the memory size (1 vCPU at 1769 MB) while it runs.")
        else:
            lines.append(f"- CPU: SIGSTOP/SIGCONT to every member for the share of the memory size ({self.missing.get('cpu', '')}).")
        return lines

    def to_message(self) -> dict:
        return {"kind": self.kind, "reason": self.reason, "path": self.path, "controllers": list(self.controllers), "missing": self.missing}

    @classmethod
    def from_message(cls, message: dict) -> Choice:
        return cls(message["kind"], message["reason"], message["path"], tuple(message["controllers"]), dict(message["missing"]))


def requested() -> str | None:
    """The unit forced by LAMBDALEARN_CGROUP (None or "auto": probe)."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in ("", "auto"):
        return None
    if value not in CHOICES:
        raise CgroupUnavailable(f"{ENV_VAR}={value!r}: expected auto, {CGROUP} or {WALK}")
    return value


def _unescape(field_text: str) -> str:
    """Mount points in mountinfo have spaces and the like as octal escapes (\\040)."""
    return field_text.encode().decode("unicode_escape")


def own_cgroup(proc_cgroup: str = "/proc/self/cgroup", mountinfo: str = "/proc/self/mountinfo") -> str:
    """The cgroup2 directory this process is in: its `0::` line placed under the cgroup2 mount."""
    try:
        with open(proc_cgroup) as lines:
            relative = next((line[3:].strip() for line in lines if line.startswith("0::")), None)
        with open(mountinfo) as lines:
            mounts = [line.split() for line in lines]
    except OSError as error:
        raise CgroupUnavailable(f"cannot read {error.filename}: {error.strerror}") from None
    if relative is None:
        raise CgroupUnavailable("this process is in no cgroup2 hierarchy (no 0:: line in /proc/self/cgroup)")
    for fields in mounts:
        if "-" in fields and fields[fields.index("-") + 1] == "cgroup2":
            root, mount_point = _unescape(fields[3]), _unescape(fields[4])
            if root != "/" and (relative == root or relative.startswith(root + "/")):
                relative = relative[len(root) :] or "/"
            return os.path.normpath(mount_point + "/" + relative.lstrip("/"))
    raise CgroupUnavailable("no cgroup2 file system is mounted")


def _read(path: str) -> str:
    with open(path) as handle:
        return handle.read()


def _write(path: str, text: str) -> None:
    """Write a cgroup file, which the kernel makes: one that is not there is an error, never a new file."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _keyed(path: str) -> dict[str, int]:
    """A flat keyed file (cgroup.events, memory.events, cpu.stat, memory.stat) as numbers; {} if unreadable."""
    try:
        pairs = (line.split() for line in _read(path).splitlines())
        return {pair[0]: int(pair[1]) for pair in pairs if len(pair) == 2 and pair[1].isdigit()}
    except OSError:
        return {}


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (with its pid, it names one process for good)."""
    try:
        raw = _read(f"/proc/{pid}/stat")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()[19]


def owner_alive(name: str) -> bool:
    """Whether the process that made `lambdalearn-<pid>-<start>` still runs."""
    parts = name[len(PREFIX) :].split("-")
    return len(parts) == 2 and parts[0].isdigit() and _start_time(int(parts[0])) == parts[1]


def _enable_controllers(own: str, runtime_dir: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Make memory and cpu reach every environment's cgroup where the hierarchy allows it."""
    offered = set(_read(os.path.join(own, "cgroup.controllers")).split())
    enabled = set(_read(os.path.join(own, "cgroup.subtree_control")).split())
    missing: dict[str, str] = {}
    for name in CONTROLLERS:
        if name not in offered:
            missing[name] = f"the cgroup2 hierarchy at {own} has no {name} controller"
        elif name not in enabled:
            try:
                _write(os.path.join(own, "cgroup.subtree_control"), f"+{name}")
            except OSError as error:
                why = "it has processes of its own" if error.errno == errno.EBUSY else error.strerror
                missing[name] = f"cannot enable it below {own}: {why}"
    have = tuple(name for name in CONTROLLERS if name not in missing)
    for name in have:
        try:
            _write(os.path.join(runtime_dir, "cgroup.subtree_control"), f"+{name}")
        except OSError as error:
            missing[name] = f"cannot enable it in {runtime_dir}: {error.strerror}"
    return tuple(name for name in have if name not in missing), missing


def _try_join(path: str) -> str | None:
    """Fork a throw-away process that joins `path`; None if it could, else the kernel's reason."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            join(path)
        except OSError as error:
            os.write(write_end, (error.strerror or str(error)).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        reason = reader.read().decode(errors="replace")
    os.waitpid(pid, 0)
    return reason or None


def probe(own: str | None = None) -> Choice:
    """Set up this process's cgroup for environments, or say why the process walk stays in force.

    The cgroup is `lambdalearn-<pid>-<start>` in our own cgroup2 directory (`own`, found from /proc/self
    by default); the caller removes it with `remove_tree` when done. Stale `lambdalearn-*` cgroups of runs
    that were killed are cleared first.
    """
    forced = requested()
    if forced == WALK:
        return Choice(WALK, f"forced by {ENV_VAR}={WALK}")
    try:
        return _set_up(own or own_cgroup(), forced)
    except CgroupUnavailable as why:
        if forced == CGROUP:
            raise CgroupUnavailable(f"{ENV_VAR}={CGROUP}, but {why}") from None
        return Choice(WALK, str(why))


def _set_up(own: str, forced: str | None) -> Choice:
    if not os.path.isfile(os.path.join(own, "cgroup.procs")):
        raise CgroupUnavailable(f"{own} is not a cgroup2 directory")
    clean_stale(own)
    runtime_dir = os.path.join(own, f"{PREFIX}{os.getpid()}-{_start_time(os.getpid())}")
    try:
        os.mkdir(runtime_dir)
    except OSError as error:
        raise CgroupUnavailable(f"cgroup2 at {own} is not writable: {error.strerror}") from None
    try:
        if not os.path.isfile(os.path.join(runtime_dir, "cgroup.freeze")):
            raise CgroupUnavailable(f"the kernel's cgroup2 at {own} has no cgroup.freeze (Linux 5.2 or later)")
        trial = os.path.join(runtime_dir, "probe")
        os.mkdir(trial)
        refused = _try_join(trial)
        _rmdir(trial)
        if refused:
            raise CgroupUnavailable(f"a process cannot join a cgroup below {own} ({refused})")
        controllers, missing = _enable_controllers(own, runtime_dir)
    except (CgroupUnavailable, OSError) as why:
        remove_tree(runtime_dir)
        if isinstance(why, OSError):
            raise CgroupUnavailable(f"cgroup2 at {own}: {why.strerror}") from None
        raise
    reason = f"forced by {ENV_VAR}={CGROUP}" if forced else f"cgroup2 at {own} is writable"
    return Choice(CGROUP, reason, runtime_dir, controllers, missing)


def create(parent: str, name: str, *, memory_max_bytes: int | None = None) -> str:
    """Make an environment's cgroup, with its memory cap where the memory controller is there."""
    path = os.path.join(parent, name)
    os.mkdir(path)
    if memory_max_bytes is not None and os.path.isfile(os.path.join(path, "memory.max")):
        _write(os.path.join(path, "memory.max"), str(memory_max_bytes))
        if os.path.isfile(os.path.join(path, "memory.swap.max")):
            _write(os.path.join(path, "memory.swap.max"), "0")  # over the cap is an OOM kill, not swapping
        _write(os.path.join(path, "memory.oom.group"), "1")  # and it kills the environment as one
    return path


def join(path: str, pid: int = 0) -> None:
    """Move process `pid` (0: the calling process) into the cgroup at `path`; what it forks later is born
    there."""
    _write(os.path.join(path, "cgroup.procs"), str(pid))


def members(path: str) -> list[int]:
    """Every process in the cgroup and the cgroups below it (learner code may make some)."""
    found: list[int] = []
    for folder, _, _ in os.walk(path):
        try:
            found.extend(int(pid) for pid in _read(os.path.join(folder, "cgroup.procs")).split())
        except (OSError, ValueError):
            continue
    return found


def freeze(path: str, wait_s: float = FREEZE_WAIT_S) -> bool:
    """Freeze every process of the cgroup; True once cgroup.events says `frozen 1`. Each process must reach
    the freezer's trap first (at once for one asleep in the kernel); the wait is short, as the caller is an
    event loop: a process stuck in the kernel is frozen when it comes out, without being waited for."""
    try:
        _write(os.path.join(path, "cgroup.freeze"), "1")
    except OSError:
        return False
    deadline = time.monotonic() + wait_s
    while not is_frozen(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0001)
    return True


def is_frozen(path: str) -> bool:
    """Whether the kernel reports every process of the cgroup frozen (cgroup.events)."""
    return _keyed(os.path.join(path, "cgroup.events")).get("frozen") == 1


def thaw(path: str) -> None:
    try:
        _write(os.path.join(path, "cgroup.freeze"), "0")
    except OSError:
        pass


def kill(path: str) -> None:
    """SIGKILL every process of the cgroup (and those below it): `cgroup.kill`, else one by one until none
    is left (a process could fork while the others are killed, so it is repeated)."""
    try:
        _write(os.path.join(path, "cgroup.kill"), "1")
        return
    except FileNotFoundError:
        pass  # older than Linux 5.14
    except OSError:
        return  # the cgroup is gone
    for _ in range(_KILL_ROUNDS):
        pids = [pid for pid in members(path) if pid]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.001)


def _rmdir(path: str) -> bool:
    """Remove an empty cgroup; its last processes may take a moment to leave after SIGKILL."""
    deadline = time.monotonic() + _RMDIR_WAIT_S
    while True:
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError as error:
            if error.errno != errno.EBUSY or time.monotonic() > deadline:
                return False
            time.sleep(0.001)


def remove_tree(path: str) -> bool:
    """Kill whatever is left in the cgroup and remove it with everything below it; False if it stays."""
    kill(path)
    removed = True
    for folder, _, _ in sorted(os.walk(path), key=lambda entry: entry[0].count(os.sep), reverse=True):
        removed = _rmdir(folder) and removed
    return removed


def clean_stale(own: str) -> list[str]:
    """Remove `lambdalearn-*` cgroups whose run was killed before it could; returns what was removed.

    A run's cgroup is stale when the process named in it is gone. Its processes are killed only if we can
    see them (a process of another PID namespace shows as pid 0 and is not ours to judge)."""
    removed = []
    for path in stale(own):
        if 0 not in members(path) and remove_tree(path):
            removed.append(path)
    return removed


def stale(own: str) -> list[str]:
    """The `lambdalearn-*` cgroups in `own` whose run has ended (a live run's are not)."""
    try:
        names = sorted(name for name in os.listdir(own) if name.startswith(PREFIX))
    except OSError:
        return []
    return [os.path.join(own, name) for name in names if not owner_alive(name)]


def cpu_seconds(path: str) -> float | None:
    """CPU time every process of the cgroup has had, ended ones included (cpu.stat is there without the
    cpu controller)."""
    usage = _keyed(os.path.join(path, "cpu.stat")).get("usage_usec")
    return None if usage is None else usage / 1e6


def set_cpu_max(path: str, share: float | None) -> None:
    """Cap the cgroup at `share` of one CPU (None: no cap); needs the cpu controller."""
    if share is None or share >= 1.0:
        value = f"max {CPU_PERIOD_US}"
    else:
        value = f"{max(_MIN_CPU_QUOTA_US, round(share * CPU_PERIOD_US))} {CPU_PERIOD_US}"
    _write(os.path.join(path, "cpu.max"), value)


def memory_bytes(path: str, *, without_shmem: bool = False) -> int:
    """Memory the cgroup uses now; `without_shmem` leaves out tmpfs pages (a private /tmp is not memory on
    Lambda: it is ephemeral storage)."""
    try:
        used = int(_read(os.path.join(path, "memory.current")))
    except (OSError, ValueError):
        return 0
    if without_shmem:
        used -= _keyed(os.path.join(path, "memory.stat")).get("shmem", 0)
    return max(0, used)


def memory_peak_bytes(path: str) -> int:
    """The cgroup's memory high-water mark (memory.peak, Linux 5.19); 0 where the kernel has none."""
    try:
        return int(_read(os.path.join(path, "memory.peak")))
    except (OSError, ValueError):
        return 0


def oom_killed(path: str) -> bool:
    """Whether the kernel has killed in this cgroup for going over memory.max."""
    events = _keyed(os.path.join(path, "memory.events"))
    return events.get("oom_kill", 0) > 0 or events.get("oom_group_kill", 0) > 0
