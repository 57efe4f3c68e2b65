"""The processes of one execution environment as one unit: frozen, counted, limited and killed together.

Two kinds, one interface, so the environment does not care which it has:

- `CgroupUnit`: the environment's own cgroup v2 (see cgroup.py). The kernel keeps the membership, freezes,
  kills, and (with those controllers) caps memory and CPU.
- `WalkUnit`: the environment's first process and its descendants, found by a walk of /proc (see procfs.py);
  SIGSTOP/SIGCONT freeze them and memory is the sum of their resident sets.

On the namespace path the environment's first process is a relay outside the PID namespace that only waits
for the environment's PID 1 (sandbox.py): it is neither counted nor frozen.
"""

from __future__ import annotations

import signal

from lambdalearn.runtime import cgroup, procfs


def _resident_bytes(members: list[int]) -> int:
    return sum(procfs.rss_bytes(member) for member in members)


def _single_process_peak(members: list[int]) -> int:
    """One process: its own high-water mark (catches peaks between samples); several: unknown (0)."""
    return procfs.peak_rss_bytes(members[0]) if len(members) == 1 else 0


class WalkUnit:
    """The environment's processes found by walking /proc from its first process."""

    kind = cgroup.WALK
    enforces_memory = False
    limits_cpu = False

    def __init__(self, pid: int, *, relay: bool) -> None:
        self.pid = pid
        self._relay = relay
        self._inner: int | None = None  # the environment's PID 1 as the host sees it (namespace path)

    def members(self) -> list[int]:
        if not self._relay:
            return procfs.unit_members(self.pid)
        if self._inner is None:
            children = procfs.children(self.pid)
            if not children:  # the relay has not forked PID 1 yet, or it is gone
                return []
            self._inner = children[0]
        return procfs.unit_members(self._inner)

    def freeze(self) -> None:
        """SIGSTOP every member; a second walk catches one forked during the first."""
        stopped = self.members()
        procfs.signal_unit(stopped, signal.SIGSTOP)
        procfs.signal_unit([pid for pid in self.members() if pid not in stopped], signal.SIGSTOP)

    def thaw(self) -> None:
        procfs.signal_unit(self.members(), signal.SIGCONT)

    def kill(self) -> None:
        procfs.kill_unit(self.pid)

    def memory_bytes(self, members: list[int]) -> int:
        """Memory of `members` (a recent `members()`) now."""
        return _resident_bytes(members)

    def peak_bytes(self) -> int:
        return _single_process_peak(self.members())

    def oom_killed(self) -> bool:
        return False

    def cpu_seconds(self, members: list[int] | None = None) -> float | None:
        """CPU time of `members` (a recent `members()`; None: walk now) so far."""
        return procfs.cpu_seconds_of(self.members() if members is None else members)

    def limit_cpu(self, share: float | None) -> None:
        raise NotImplementedError("a process walk cannot cap CPU; cpu_share.throttle does")

    def close(self) -> bool:
        return True


class CgroupUnit:
    """The environment's own cgroup v2 directory."""

    kind = cgroup.CGROUP

    def __init__(self, path: str, pid: int, *, relay: bool, controllers: tuple[str, ...], private_tmpfs: bool) -> None:
        self.path = path
        self.pid = pid
        self._relay = relay
        self.controllers = controllers
        # A private /tmp is a tmpfs whose pages the kernel charges to the cgroup; Lambda does not count /tmp.
        self._private_tmpfs = private_tmpfs

    @property
    def enforces_memory(self) -> bool:
        """The kernel caps the environment's memory (memory.max) and OOM-kills it as a whole."""
        return "memory" in self.controllers

    @property
    def limits_cpu(self) -> bool:
        """The kernel gives the environment its CPU share (cpu.max)."""
        return "cpu" in self.controllers

    def members(self) -> list[int]:
        found = cgroup.members(self.path)
        return [pid for pid in found if pid != self.pid] if self._relay else found

    def freeze(self) -> None:
        cgroup.freeze(self.path)

    def thaw(self) -> None:
        cgroup.thaw(self.path)

    def kill(self) -> None:
        cgroup.kill(self.path)

    def memory_bytes(self, members: list[int]) -> int:
        """The memory controller's count (all pages the environment uses, /tmp's excepted), else the resident
        memory of `members`."""
        if self.enforces_memory:
            return cgroup.memory_bytes(self.path, without_shmem=self._private_tmpfs)
        return _resident_bytes(members)

    def peak_bytes(self) -> int:
        """memory.peak where it means memory (no private tmpfs charged to it); with a tmpfs, the samples
        decide (0 here)."""
        if not self.enforces_memory:
            return _single_process_peak(self.members())
        return 0 if self._private_tmpfs else cgroup.memory_peak_bytes(self.path)

    def oom_killed(self) -> bool:
        return self.enforces_memory and cgroup.oom_killed(self.path)

    def cpu_seconds(self, members: list[int] | None = None) -> float | None:
        """The whole cgroup's CPU time, processes that started or ended since `members` was read included."""
        return cgroup.cpu_seconds(self.path)

    def limit_cpu(self, share: float | None) -> None:
        cgroup.set_cpu_max(self.path, share)

    def close(self) -> bool:
        """Kill what is left and remove the cgroup; False if it could not be removed."""
        return cgroup.remove_tree(self.path)


Unit = WalkUnit | CgroupUnit


def unit_for(pid: int, cgroup_path: str | None, *, relay: bool, controllers: tuple[str, ...] = (), private_tmpfs: bool = False) -> Unit:
    """The unit of the environment whose first process is `pid`, in `cgroup_path` if it has one."""
    if cgroup_path:
        return CgroupUnit(cgroup_path, pid, relay=relay, controllers=controllers, private_tmpfs=private_tmpfs)
    return WalkUnit(pid, relay=relay)
