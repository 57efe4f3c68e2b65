"""Linux process facts the runtime needs, read from /proc: memory use, and the processes of an environment.

An execution environment is a unit: its first process and every descendant. The sandbox keeps orphans among
the descendants (a subreaper, or PID 1 of a PID namespace), so a double fork and `setsid` do not get out;
processes still in the first process's session count too. Freezing, memory, CPU and killing all act on
the whole unit.
"""

from __future__ import annotations

import os
import signal

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024
_KILL_ROUNDS = 5


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state is index 0), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
    except OSError:
        return None
    return raw[raw.rfind(b")") + 2 :].decode("ascii", "replace").split()


def rss_bytes(pid: int) -> int:
    """Resident set size of one process now (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def peak_rss_bytes(pid: int) -> int:
    """The highest resident set size the process has had (VmHWM), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int) -> float | None:
    """CPU time all threads of the process have had so far (nanosecond counters of .../schedstat)."""
    total_ns = 0
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{thread}/schedstat", "rb") as schedstat:
                    total_ns += int(schedstat.read().split()[0])
            except (OSError, IndexError, ValueError):
                continue  # a thread that just ended
    except OSError:
        return None
    return total_ns / 1e9


def _process_table() -> dict[int, tuple[int, int]]:
    """Every live (non-zombie) process: pid -> (parent pid, session id)."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat_fields(int(name))
            # fields: 0 state, 1 ppid, 2 pgrp, 3 session
            if fields and len(fields) > 3 and fields[0] not in ("Z", "X"):
                table[int(name)] = (int(fields[1]), int(fields[3]))
    return table


def children(pid: int) -> list[int]:
    """Direct children of `pid` (of all its threads), from /proc/<pid>/task/<tid>/children."""
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", "rb") as children:
                found.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return found


_HAS_CHILDREN_FILES = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def unit_members(root: int) -> list[int]:
    """The live processes of the environment whose first process is `root`: it and its descendants (the
    sandbox keeps orphans among them: a subreaper, or PID 1 of a PID namespace).

    Read from each member's children files, so the cost grows with the environment, not with the machine;
    kernels without those files get a walk of the whole process table.
    """
    if not _HAS_CHILDREN_FILES:
        return _descendants_in(root, _process_table())
    found = [root] if is_alive(root) else []
    pending = list(found)
    while pending:
        for child in children(pending.pop()):
            if child not in found and is_alive(child):
                found.append(child)
                pending.append(child)
    return found


def _descendants_in(root: int, table: dict[int, tuple[int, int]], *, with_session: bool = False) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found = {pid for pid, (_, session) in table.items() if with_session and session == root}
    if root in table:
        found.add(root)
    pending = list(found)
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return sorted(found)


def is_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


def signal_unit(members: list[int], signum: int) -> bool:
    """Send `signum` to every process in `members`; False if none of them exists any more."""
    delivered = False
    for pid in members:
        try:
            os.kill(pid, signum)
            delivered = True
        except (ProcessLookupError, PermissionError):
            pass
    return delivered


def kill_unit(root: int) -> None:
    """SIGKILL every process of the environment. All are found and stopped before any is killed (a killed
    parent would hand its children to another reaper, and a running one could fork a replacement), and
    the walk is repeated until nothing is left."""
    for _ in range(_KILL_ROUNDS):
        # The whole table, with the session: if the first process is already gone, its descendants have
        # been re-parented away, but those that stayed in its session are still found.
        members = _descendants_in(root, _process_table(), with_session=True)
        if not members:
            break
        signal_unit(members, signal.SIGSTOP)
        signal_unit(members, signal.SIGKILL)
    try:
        os.killpg(root, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def cpu_seconds_of(members: list[int]) -> float | None:
    """CPU time of all threads of all `members` (None once none of them exists)."""
    times = [cpu_seconds(pid) for pid in members]
    known = [seconds for seconds in times if seconds is not None]
    return sum(known) if known else None


def descendants(root_pid: int) -> list[int]:
    """Live processes below `root_pid` (children, their children, ...); not `root_pid` itself."""
    return [pid for pid in _descendants_in(root_pid, _process_table()) if pid != root_pid]


def parent_pid(pid: int) -> int | None:
    """The parent of a live process, None if it is gone."""
    fields = _stat_fields(pid)
    return int(fields[1]) if fields and len(fields) > 1 and fields[0] not in ("Z", "X") else None
