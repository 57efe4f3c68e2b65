"""How an execution environment's first process is started.

- `ForkServerLauncher` (the default): forks it from a pre-initialised fork server (see `zygote.py`), so a
  cold start costs a fork rather than an interpreter start-up.
- `CommandLauncher`: runs a command as a new session, for example AWS's own runtime interface client
  (`python -m awslambdaric app.handler`) to prove that our Runtime API is the real one, or our bootstrap as
  a fresh interpreter to measure what the fork server saves.

Either way the process is a session leader (its pid is its process group), reads /dev/null, writes to the
pipes it is given, and talks to the Runtime API named in its AWS_LAMBDA_RUNTIME_API variable.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import lambdalearn
from lambdalearn.runtime.cgroup import Choice

_PACKAGE_ROOT = str(Path(lambdalearn.__file__).resolve().parent.parent)
# Import the fork server with the package root on sys.path, then take it off again so that handler code in
# the forked environments cannot import lambdalearn's neighbours by accident.
_FORK_SERVER_CODE = (
    "import sys; sys.path.insert(0, {root!r}); from lambdalearn.runtime.zygote import serve; "
    "sys.path.remove({root!r}); serve(int(sys.argv[1]))"
)


_FORK_SERVER_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SpawnSpec:
    """What an environment's first process needs: handler, code directory, variables, limits, log pipes."""

    handler: str
    cwd: str
    env: dict[str, str]
    address_space_bytes: int | None
    stdout_fd: int
    stderr_fd: int
    tmp_dir: str = ""  # a private host folder: TMPDIR and HOME on the fallback path
    ephemeral_storage_mb: int = 512
    opt_dir: str | None = None  # the folder the environment sees as /opt (merged layers)
    memory_mb: int | None = None  # the function's memory: its cgroup's memory.max, where it has one


class EnvironmentProcess(Protocol):
    pid: int

    async def wait(self) -> int:
        """The return code once the process has ended (negative: killed by that signal)."""


class Launcher(Protocol):
    async def spawn(self, spec: SpawnSpec) -> EnvironmentProcess: ...

    async def aclose(self) -> None: ...


class LauncherError(RuntimeError):
    """An environment could not be started at all."""


class _ForkedProcess:
    def __init__(self, pid: int, exited: asyncio.Future[int], cgroup: str | None = None) -> None:
        self.pid = pid
        self.cgroup = cgroup  # the environment's cgroup v2 directory, if it has one (see cgroup.py)
        self._exited = exited

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)


class ForkServerLauncher:
    """Starts environments by asking a fork server; the fork server itself starts on first use."""

    def __init__(self) -> None:
        self._server: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._spawn_waiters: deque[asyncio.Future[tuple[int, str | None]]] = deque()
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._lock: asyncio.Lock | None = None
        self._ready: asyncio.Future[None] | None = None
        # (path, reason): which containment the fork server applies (sandbox.py), known once it is ready.
        self.sandbox: tuple[str, str] | None = None
        # How each environment's processes are one unit (cgroup.py's Choice), known once it is ready.
        self.unit: Choice | None = None

    @property
    def pid(self) -> int | None:
        """The fork server's process id while it runs."""
        return self._server.pid if self._server is not None else None

    async def start(self) -> None:
        """Start the fork server now (otherwise the first spawn does it)."""
        if self._control is not None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._server = subprocess.Popen(
                [sys.executable, "-I", "-c", _FORK_SERVER_CODE.format(root=_PACKAGE_ROOT), str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                cwd="/",
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **_sandbox_request()},
            )
        finally:
            theirs.close()
        self._control = ours
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        loop.add_reader(ours.fileno(), self._on_message)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), _FORK_SERVER_START_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise LauncherError("the fork server did not start") from None

    def _on_message(self) -> None:
        assert self._control is not None
        try:
            data = self._control.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._on_server_lost()
            return
        message = json.loads(data)
        if "ready" in message:
            self.sandbox = (message["sandbox"], message["sandbox_reason"])
            self.unit = Choice.from_message(message["unit"])
            if self._ready is not None and not self._ready.done():
                self._ready.set_result(None)
        elif "error" in message and self._ready is not None and not self._ready.done():
            self._ready.set_exception(LauncherError(message["error"]))
        elif "spawned" in message or "error" in message:
            waiter = self._spawn_waiters.popleft()
            if not waiter.done():
                if "error" in message:
                    waiter.set_exception(LauncherError(message["error"]))
                else:
                    waiter.set_result((message["spawned"], message.get("cgroup")))
        elif "exited" in message:
            self._exit_future(message["exited"]).set_result(message["returncode"])

    def _on_server_lost(self) -> None:
        """The fork server died (a hostile handler can kill it): fail what waits on it; the next spawn
        starts a new one. Its environments are reported as killed; the service then kills their sessions."""
        if self._control is not None:
            asyncio.get_running_loop().remove_reader(self._control.fileno())
            self._control.close()
            self._control = None
        if self._server is not None:
            self._server.poll()
            self._server = None
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(LauncherError("the fork server stopped while starting"))
        while self._spawn_waiters:
            waiter = self._spawn_waiters.popleft()
            if not waiter.done():
                waiter.set_exception(LauncherError("the fork server stopped"))
        for future in self._exits.values():
            if not future.done():
                future.set_result(-9)

    def _exit_future(self, pid: int) -> asyncio.Future[int]:
        if pid not in self._exits:
            self._exits[pid] = asyncio.get_running_loop().create_future()
        return self._exits[pid]

    async def spawn(self, spec: SpawnSpec) -> EnvironmentProcess:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            await self.start()
        assert self._control is not None
        message = {
            "handler": spec.handler,
            "cwd": spec.cwd,
            "env": spec.env,
            "address_space_bytes": spec.address_space_bytes,
            "tmp_dir": spec.tmp_dir,
            "ephemeral_storage_mb": spec.ephemeral_storage_mb,
            "opt_dir": spec.opt_dir,
            "memory_mb": spec.memory_mb,
        }
        waiter: asyncio.Future[tuple[int, str | None]] = asyncio.get_running_loop().create_future()
        self._spawn_waiters.append(waiter)
        try:
            socket.send_fds(self._control, [json.dumps(message).encode()], [spec.stdout_fd, spec.stderr_fd])
        except OSError as error:
            self._spawn_waiters.remove(waiter)
            raise LauncherError(f"the fork server is not reachable: {error}") from None
        pid, cgroup = await waiter
        return _ForkedProcess(pid, self._exit_future(pid), cgroup)

    def forget(self, pid: int) -> None:
        """Drop the bookkeeping of an environment that has ended."""
        self._exits.pop(pid, None)

    async def aclose(self) -> None:
        """Stop the fork server; it kills whatever environments it still has."""
        if self._control is not None:
            try:
                asyncio.get_running_loop().remove_reader(self._control.fileno())
            except RuntimeError:
                pass
            self._control.close()
            self._control = None
        if self._server is not None:
            await asyncio.to_thread(self._server.wait)
            self._server = None


def _sandbox_request() -> dict[str, str]:
    """LAMBDALEARN_SANDBOX and LAMBDALEARN_CGROUP passed on to the fork server, which reads them (see
    sandbox.py and cgroup.py)."""
    names = ("LAMBDALEARN_SANDBOX", "LAMBDALEARN_CGROUP")
    return {name: os.environ[name] for name in names if os.environ.get(name)}


class _SubprocessProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.pid = process.pid
        self._process = process

    async def wait(self) -> int:
        return await self._process.wait()


class CommandLauncher:
    """Starts each environment as `command(handler)`, a fresh process in a new session."""

    def __init__(self, command: Callable[[str], list[str]]) -> None:
        self._command = command

    @classmethod
    def bootstrap(cls) -> CommandLauncher:
        """Our bootstrap in a fresh interpreter (no fork server)."""
        return cls(lambda handler: [sys.executable, "-m", "lambdalearn.runtime.bootstrap", handler])

    @classmethod
    def awslambdaric(cls) -> CommandLauncher:
        """AWS's runtime interface client, as Lambda's managed Python runtime runs it."""
        return cls(lambda handler: [sys.executable, "-m", "awslambdaric", handler])

    async def spawn(self, spec: SpawnSpec) -> EnvironmentProcess:
        env = dict(spec.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [spec.cwd, _PACKAGE_ROOT]))
        try:
            process = await asyncio.create_subprocess_exec(
                *self._command(spec.handler),
                stdin=subprocess.DEVNULL,
                stdout=spec.stdout_fd,
                stderr=spec.stderr_fd,
                cwd=spec.cwd,
                env=env,
                start_new_session=True,
            )
        except OSError as error:
            raise LauncherError(f"cannot start the environment: {error}") from None
        if spec.address_space_bytes:
            try:
                limit = spec.address_space_bytes
                resource.prlimit(process.pid, resource.RLIMIT_AS, (limit, limit))
            except (ProcessLookupError, PermissionError):
                pass
        return _SubprocessProcess(process)

    async def aclose(self) -> None:
        return None
