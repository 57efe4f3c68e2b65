"""The fork server: a pre-initialised Python process that forks execution environments on request.

Starting a fresh interpreter and importing what the bootstrap needs costs tens of milliseconds; forking a
process that has already done it costs one or two. That is the idea behind Lambda SnapStart, and it is how
a cold start here gets to handler-ready in a few milliseconds plus the handler's own imports.

Protocol, over a SOCK_SEQPACKET unix socket inherited from the runtime (one JSON message per packet):
- runtime -> fork server: a spawn spec (`handler`, `cwd`, `env`, `address_space_bytes`) with the write ends
  of the environment's stdout and stderr pipes attached as file descriptors (SCM_RIGHTS);
- fork server -> runtime: `{"ready": true, "sandbox": path, "sandbox_reason": why, "unit": choice}` once it
  has imported everything and probed which containment path works (see sandbox.py) and whether environments
  get cgroups (see cgroup.py), or `{"error": message}` if a forced choice is refused; then
  `{"spawned": pid, "cgroup": path or null}` in request order (or `{"error": message}`), and
  `{"exited": pid, "returncode": n}` whenever an environment's first process ends (negative n: the signal).
When the runtime's end of the socket closes, the fork server kills every environment it forked, removes its
cgroups, and exits.

Each child becomes a session leader (its own process group), gets /dev/null as stdin and the pipes as
stdout/stderr, an address-space limit, is sealed by the sandbox (namespaces or the fallback, which also
limits what it can import), gets the scrubbed environment variables and the code directory as working
directory, and then runs the bootstrap.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import signal
import socket
import sys
import traceback

from lambdalearn.runtime import bootstrap, cgroup, sandbox

_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_PDEATHSIG = 1
_MAX_MESSAGE = 1024 * 1024


def _prctl(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _become_subreaper() -> None:
    """Adopt orphaned grandchildren so they are reaped here instead of lingering as zombies."""
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _die_with_parent(parent: int) -> None:
    """An environment must never outlive its fork server, however that ends (even SIGKILL): ask the kernel
    to SIGKILL us when it goes, which also reaches a frozen (SIGSTOPped) environment."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the fork server died before the request took effect
        os._exit(1)


def _run_child(spec: dict, fds: list[int], inherited: list[int], parent: int) -> None:
    """In the forked child: become the environment and run the bootstrap. Never returns."""
    code = 1
    try:
        if spec.get("cgroup"):
            cgroup.join(spec["cgroup"])  # first: whatever this process starts is born in the environment's cgroup
        _die_with_parent(parent)
        os.setsid()
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        for fd in inherited:
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in (devnull, *fds):
            os.close(fd)
        if spec.get("address_space_bytes"):
            limit = int(spec["address_space_bytes"])
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        layout = sandbox.Layout(
            code_dir=spec["cwd"],
            opt_dir=spec.get("opt_dir"),
            tmp_dir=spec["tmp_dir"],
            ephemeral_storage_mb=int(spec["ephemeral_storage_mb"]),
            runtime=spec["env"].get("AWS_EXECUTION_ENV", "").removeprefix("AWS_Lambda_"),
        )
        sandbox.enter(spec["sandbox"], layout)
        os.chdir(spec["cwd"])  # after the read-only mount, or the working directory would be the writable one
        os.environ.clear()
        os.environ.update(spec["env"])
        os.environ.update(sandbox.home_and_tmp(spec["sandbox"], layout))
        sys.argv = ["bootstrap", spec["handler"]]
        bootstrap.run(spec["handler"], spec["env"]["AWS_LAMBDA_RUNTIME_API"])
        code = 0
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else (0 if exit_request.code is None else 1)
    except BaseException:
        try:
            traceback.print_exc()
            sys.stderr.flush()
        except Exception:
            pass
    finally:
        os._exit(code)


def _send(control: socket.socket, message: dict) -> None:
    try:
        control.send(json.dumps(message).encode())
    except OSError:
        pass


def serve(control_fd: int) -> None:
    """The fork server's loop: spawn on request, report exits, stop when the runtime goes away."""
    server_pid = os.getpid()
    control = socket.socket(fileno=control_fd)
    try:
        path, reason = sandbox.probe()
        unit = cgroup.probe()
    except (sandbox.SandboxError, cgroup.CgroupUnavailable) as refusal:
        _send(control, {"error": str(refusal)})
        return
    environments: set[int] = set()
    try:
        _serve(control, path, reason, unit, server_pid, environments)
    finally:
        _stop(environments, unit)


def _serve(
    control: socket.socket, path: str, reason: str, unit: cgroup.Choice, server_pid: int, environments: set[int]
) -> None:
    sandbox.prepare()
    _become_subreaper()
    # Ctrl-C and a closing terminal reach this process too: outlive them long enough to see the runtime's
    # socket close and kill the environments; a plain SIGTERM stops them first, then exits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: (_stop(environments, unit), os._exit(0)))
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    sys.stdout.flush()
    sys.stderr.flush()
    _send(control, {"ready": True, "sandbox": path, "sandbox_reason": reason, "unit": unit.to_message()})
    spawned = 0
    while True:
        for key, _ in selector.select():
            if key.fileobj is control:
                message, fds, _, _ = socket.recv_fds(control, _MAX_MESSAGE, 2)
                if not message:
                    return
                spec = {**json.loads(message), "sandbox": path}
                spawned += 1
                try:
                    spec["cgroup"] = _environment_cgroup(unit, spec, spawned)
                    pid = os.fork()
                except OSError as error:
                    for fd in fds:
                        os.close(fd)
                    _send(control, {"error": f"cannot start the environment: {error}"})
                    continue
                if pid == 0:
                    inherited = [control.fileno(), wake_read, wake_write, selector.fileno()]
                    _run_child(spec, fds, inherited, server_pid)
                for fd in fds:
                    os.close(fd)
                environments.add(pid)
                if spec["cgroup"]:
                    _place(pid, spec["cgroup"])
                _send(control, {"spawned": pid, "cgroup": spec["cgroup"]})
            else:
                try:
                    os.read(wake_read, 4096)
                except BlockingIOError:
                    pass
                _reap(control, environments)


def _place(pid: int, path: str) -> None:
    """Put the new environment in its cgroup before saying it is spawned. The child joins too, first thing,
    but a busy machine may not have run it yet: a kill of the cgroup in between (an INIT timed out at once on
    a test's clock, a shutdown) found it empty and the process lived on until a 5 s wait gave up on it."""
    try:
        cgroup.join(path, pid)
    except OSError:  # it has already ended: its exit is reaped and reported as any other
        pass


def _environment_cgroup(unit: cgroup.Choice, spec: dict, number: int) -> str | None:
    """The cgroup the next environment starts in (None on the process walk). Its memory cap is the function's
    memory, plus the ephemeral storage where /tmp is a private tmpfs (the kernel charges tmpfs pages to the
    cgroup; Lambda does not count /tmp as memory): the runtime's own sampling holds memory to the exact size."""
    if unit.kind != cgroup.CGROUP:
        return None
    memory_mb = int(spec.get("memory_mb") or 0)
    if memory_mb and spec["sandbox"] == sandbox.NAMESPACES:
        memory_mb += int(spec["ephemeral_storage_mb"])
    return cgroup.create(unit.path, f"environment-{number}", memory_max_bytes=memory_mb * 1024 * 1024 or None)


def _reap(control: socket.socket, environments: set[int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in environments:
            environments.discard(pid)
            _send(control, {"exited": pid, "returncode": os.waitstatus_to_exitcode(status)})


def _stop(environments: set[int], unit: cgroup.Choice) -> None:
    """Kill every environment (their cgroups whole, where they have them) and remove our cgroup."""
    for pid in environments:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if unit.path:
        cgroup.remove_tree(unit.path)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
