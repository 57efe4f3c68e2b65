"""Running a lab's `checks.py` function in a child process: the pack's code never runs inside lambdalearn.

A pack's checks.py is code from whoever wrote the pack. Run inside lambdalearn it read the learner's whole
environment (a test pack read `SECRET_TOKEN` and `AWS_SECRET_ACCESS_KEY`, so its boto3 could reach a real
account) and left processes running. Here it runs in a child process:

- with a scrubbed environment: nothing from the learner's shell, only a PATH, a private HOME and TMPDIR, and
  the same dummy AWS settings the runtime gives functions (a loopback endpoint, dummy keys, no config files);
- in a session of its own, whose whole process group is killed when the check ends or its deadline passes;
- talking to lambdalearn over a socket: it asks for invocations and gets records back. What it sends is read
  as JSON (never unpickled), so a hostile checks.py cannot make lambdalearn run code.

The child sees a `lab` object with the same API as `LabContext` (see `checks_child`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import lambdalearn
from lambdalearn.labs.context import LabContext
from lambdalearn.labs.local_aws import REGION

_POLL_S = 0.1
STARTUP_S = 60.0  # for the child to start Python and load checks.py; the check's own deadline starts after
_SANE_PATH = "/usr/local/bin:/usr/bin:/bin"


class ChecksFailed(Exception):
    """The checks.py function could not run (it raised, could not be loaded, or timed out); one line."""


def checks_environment(endpoint_url: str, home: Path) -> dict[str, str]:
    """The child's whole environment: nothing of the learner's, and AWS calls bound to the local server."""
    from lambdalearn.runtime.environment import DUMMY_CREDENTIALS

    return {
        "PATH": _SANE_PATH,
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(Path(lambdalearn.__file__).resolve().parent.parent),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        **DUMMY_CREDENTIALS,
    }


async def run_checks_function(name: str, context: LabContext, endpoint_url: str, timeout_s: float) -> None:
    """Run `checks.py`'s function `name` in a child against `context`; AssertionError when the learner's
    function is wrong, ChecksFailed when the check itself could not run or overran `timeout_s`."""
    stop = threading.Event()
    try:
        await asyncio.to_thread(_run, name, context, endpoint_url, timeout_s, stop)
    finally:
        stop.set()  # a cancelled run (Ctrl-C) ends the child too


def _run(name: str, context: LabContext, endpoint_url: str, timeout_s: float, stop: threading.Event) -> None:
    home = Path(tempfile.mkdtemp(prefix="lambdalearn-checks-"))
    ours, theirs = socket.socketpair()
    process = None
    stderr = (home / "stderr.txt").open("wb")  # what the child could not report itself (it failed to start)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "lambdalearn.labs.checks_child", str(theirs.fileno())],
            env=checks_environment(endpoint_url, home), cwd=home, pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )
        theirs.close()
        connection = Connection(os.dup(ours.fileno()))
        # The child runs in its own folder: every path it is given must be absolute.
        spec = dataclasses.replace(context.lab, folder=context.lab.folder.resolve())
        connection.send({
            "checks": str(spec.checks_module), "function": name, "spec": spec,
            "overrides": context.overrides, "values": context.values, "seed": context.rng.randrange(2**31),
            "endpoint": endpoint_url if context.aws is not None else None,
        })
        _serve(connection, context, process, timeout_s, name, stop)
    except ChecksFailed as failure:
        last = _last_line(home / "stderr.txt")
        raise ChecksFailed(f"{failure}: {last}" if last and "without a result" in str(failure) else str(failure)) from None
    finally:
        ours.close()
        theirs.close()
        stderr.close()
        if process is not None:
            _end(process)
        shutil.rmtree(home, ignore_errors=True)


def _serve(connection: Connection, context: LabContext, process: subprocess.Popen, timeout_s: float, name: str,
           stop: threading.Event) -> None:
    """Answer the child's requests until it reports its outcome (raised here), dies, or overruns."""
    deadline = time.monotonic() + STARTUP_S + timeout_s
    try:
        while True:
            if stop.is_set():
                raise ChecksFailed(f"checks.py {name} was stopped")
            if time.monotonic() > deadline:
                raise ChecksFailed(
                    f"checks.py {name} did not finish within {timeout_s:g} s and was stopped (it and every "
                    "process it started were ended; your function's invocations time out on their own)"
                )
            if not connection.poll(_POLL_S):
                if process.poll() is not None and not connection.poll(0):
                    raise ChecksFailed(f"checks.py {name} ended without a result (exit status {process.returncode})")
                continue
            try:
                request = json.loads(connection.recv_bytes(16 * 1024 * 1024))
            except (EOFError, OSError, ValueError) as error:
                raise ChecksFailed(f"checks.py {name} ended without a result ({type(error).__name__})") from None
            op = request.get("op") if isinstance(request, dict) else None
            if op == "ready":  # checks.py is loaded: the function's own time starts now
                deadline = time.monotonic() + timeout_s
                continue
            if op == "passed":
                return
            if op == "failed":
                raise AssertionError(str(request.get("message") or "the check failed"))
            if op == "error":
                raise ChecksFailed(str(request.get("message")))
            try:
                reply: tuple[str, Any] = ("ok", _answer(context, op, request))
            except AssertionError as failure:
                reply = ("failed", str(failure))
            except Exception as error:  # noqa: BLE001 - the child's request was bad: it hears why
                reply = ("error", f"{type(error).__name__}: {error}")
            connection.send(reply)
    finally:
        connection.close()


def _answer(context: LabContext, op: Any, request: dict[str, Any]) -> Any:
    """What the child asked for: invocations (records come back) or the facts `check_run` needs."""
    config = request.get("config") or {}
    if not isinstance(config, dict):
        raise ValueError("config must be a mapping")
    if op == "invoke":
        events = request.get("events")
        if not isinstance(events, list):
            raise ValueError("events must be a list")
        return context.invoke_events(events, concurrency=int(request.get("concurrency", 1)), config=config,
                                     qualifier=request.get("qualifier"))
    if op == "http":
        return context.http(str(request["method"]), str(request["path"]), body=request.get("body"),
                            headers=request.get("headers") or {})
    if op == "deploy_releases":
        return context.deploy_releases(list(request["releases"]), template=str(request["template"]),
                                       rate_per_s=float(request["rate_per_s"]))
    if op == "run_app":
        before = len(context.records)
        result = context.run_app(str(request["template"]), list(request["actions"]), until=request.get("until"))
        return RunAppReply(result, context.records[before:])
    if op == "code_text":
        return context.code_text(str(request["name"]))
    if op == "check_run":
        run = context.check_run([], config)
        return {"architecture": run.architecture, "models_cpu_share": run.runtime_models_cpu_share}
    raise ValueError(f"unknown request {op!r}")


@dataclasses.dataclass
class RunAppReply:
    """`lab.run_app`'s answer to the child: what the run left, and the invocation records it made."""

    result: Any
    records: list[Any]


def _end(process: subprocess.Popen) -> None:
    """Kill the child's whole process group (what it started too) and reap the child."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not wait
        pass


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1] if lines else ""
