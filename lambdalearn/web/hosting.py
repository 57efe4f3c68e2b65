"""What serving the app needs beyond textual-serve: safe defaults, the app's command, and no orphans.

textual-serve starts one ordinary app process per browser tab, all on the same data folder (the store
serialises their writes). This module keeps stdlib-only so the served app can import it at start-up:
- the host is loopback unless the learner names another one (then `exposure_warning` says what that means);
- `app_command` execs the app in place of the shell, so the server is each app's parent;
- `follow_server` makes such an app quit when its server dies, however it dies (Linux parent-death signal);
- `stop_apps` asks every app the server started to quit, then kills whatever is left below the server.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path

SERVER_PID_ENV = "LAMBDALEARN_WEB_SERVER_PID"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """True for hosts only this machine can reach (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """The warning to print before serving on `host`, or None for loopback."""
    if is_loopback(host):
        return None
    return (f"warning: serving on {host or 'every interface'}: anyone who can reach this port can use the app, "
            "your progress and its labs, which run code on this machine.")


def public_url(host: str, port: int) -> str:
    """The address a browser uses; a wildcard host is reached through this machine's name."""
    import socket

    if host in WILDCARD_HOSTS:
        host = socket.gethostname()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"http://{host}:{port}"


def app_command(data_dir: Path) -> str:
    """The shell command textual-serve runs per tab: the app on `data_dir`, exec'd so no shell sits between."""
    return "exec " + shlex.join([sys.executable, "-m", "lambdalearn", "--data-dir", str(data_dir)])


def follow_server() -> None:
    """In an app started by `lambdalearn web`: get SIGTERM (a clean quit) when the server process dies.

    Without it, a server killed with SIGKILL would leave its apps running with the database open. Does
    nothing outside a served app or off Linux.
    """
    server_pid = os.environ.pop(SERVER_PID_ENV, None)  # popped: processes the app starts are not served apps
    if not server_pid or not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(server_pid):  # the server died before the call above: nobody will signal us
        os.kill(os.getpid(), signal.SIGTERM)


def stop_apps(server_pid: int, grace_s: float = 5.0) -> None:
    """SIGTERM the apps below `server_pid` (each quits cleanly, closing its own labs), wait up to `grace_s`,
    then SIGKILL every process still alive below the server or left behind by an app."""
    from lambdalearn.runtime.procfs import descendants, is_alive, parent_pid

    below = descendants(server_pid)
    apps = [pid for pid in below if parent_pid(pid) == server_pid]
    for pid in apps:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(is_alive(pid) for pid in apps) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in [*below, *descendants(server_pid)]:
        if is_alive(pid):
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
