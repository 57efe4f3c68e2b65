"""Linux process facts the runtime needs, read from /proc: memory use, and the processes of an environment.

An execution environment is one session (its first process called setsid), so "the environment's processes"
are the live processes whose session id is the environment's pid, wherever they moved inside it. Killing an
environment kills its process group and then every straggler of its session.
"""

from __future__ import annotations

import os
import signal
import time

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


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


def session_members(session_id: int) -> list[int]:
    """Live (non-zombie) processes whose session id is `session_id`."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        fields = _stat_fields(int(name))
        # fields: 0 state, 1 ppid, 2 pgrp, 3 session
        if fields and len(fields) > 3 and fields[3] == str(session_id) and fields[0] not in ("Z", "X"):
            members.append(int(name))
    return members


_sessions_seen: tuple[float, dict[int, list[int]]] = (float("-inf"), {})


def recent_session_members(session_id: int, max_age_s: float) -> list[int]:
    """Like `session_members`, from one /proc walk shared by every caller within `max_age_s`.

    Each environment's memory watcher needs its session's processes every few tens of milliseconds; with a
    hundred environments, a walk each would keep the event loop busy walking /proc.
    """
    global _sessions_seen
    taken_at, sessions = _sessions_seen
    now = time.monotonic()
    if now - taken_at > max_age_s:
        sessions = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                fields = _stat_fields(int(name))
                if fields and len(fields) > 3 and fields[0] not in ("Z", "X"):
                    sessions.setdefault(int(fields[3]), []).append(int(name))
        _sessions_seen = (now, sessions)
    return sessions.get(session_id, [])


def is_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


def kill_session(session_id: int) -> None:
    """SIGKILL the environment's process group, then any member of its session that left the group."""
    try:
        os.killpg(session_id, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in session_members(session_id):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def signal_group(process_group: int, signum: int) -> bool:
    """Send `signum` to a process group; False if the group no longer exists."""
    try:
        os.killpg(process_group, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def descendants(root_pid: int) -> list[int]:
    """Live processes below `root_pid` (children, their children, ...), parents before children."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat_fields(int(name))
            if fields and len(fields) > 1 and fields[0] not in ("Z", "X"):
                children.setdefault(int(fields[1]), []).append(int(name))
    found: list[int] = []
    frontier = [root_pid]
    while frontier:
        below = children.get(frontier.pop(0), [])
        found.extend(below)
        frontier.extend(below)
    return found


def parent_pid(pid: int) -> int | None:
    """The parent of a live process, None if it is gone."""
    fields = _stat_fields(pid)
    return int(fields[1]) if fields and len(fields) > 1 and fields[0] not in ("Z", "X") else None
