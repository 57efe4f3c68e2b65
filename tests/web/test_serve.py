"""`lambdalearn web` as a server: loopback by default, a warning otherwise, clean errors, and no process it
started outlives it (Ctrl+C, SIGTERM, or even SIGKILL of the server)."""

from __future__ import annotations

import base64
import os
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.runtime.procfs import is_alive
from lambdalearn.web.hosting import SERVER_PID_ENV, app_command, exposure_warning, is_loopback, public_url
from tests.web.conftest import Served, app_pids, free_port, wait_until


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_hosts_need_no_warning(host):
    assert is_loopback(host)
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "lab-desktop.local"])
def test_other_hosts_warn_that_anyone_reaching_them_can_run_labs(host):
    assert not is_loopback(host)
    assert "anyone who can reach this port" in exposure_warning(host)
    assert "run code" in exposure_warning(host)


def test_public_url_names_the_machine_for_a_wildcard_host_and_brackets_ipv6():
    assert public_url("127.0.0.1", 18180) == "http://127.0.0.1:18180"
    assert public_url("0.0.0.0", 18180) == f"http://{socket.gethostname()}:18180"
    assert public_url("::1", 18180) == "http://[::1]:18180"


def test_app_command_execs_the_app_on_the_data_folder_even_with_spaces(tmp_path):
    data_dir = tmp_path / "my progress"
    words = shlex.split(app_command(data_dir))
    assert words == ["exec", sys.executable, "-m", "lambdalearn", "--data-dir", str(data_dir)]


def test_a_busy_port_is_a_clean_error_after_the_warning(tmp_path):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "web", "--host", "0.0.0.0", "--port", str(port)])
    assert result.exit_code == 1
    assert "warning: serving on 0.0.0.0" in result.stderr
    assert f"Error: port {port} on 0.0.0.0 is in use; choose another with --port" in result.stderr
    assert "Traceback" not in result.output


PROBE_AND_STOP = textwrap.dedent("""
    import os, signal, socket, sys
    from pathlib import Path
    from lambdalearn.web.server import serve

    port = int(sys.argv[2])

    def probe(line):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            print("accepted when announced", flush=True)
        except ConnectionRefusedError:
            print("refused when announced", flush=True)
        os.kill(os.getpid(), signal.SIGINT)

    serve(Path(sys.argv[1]), "127.0.0.1", port, announce=probe)
""")


def serve_probe_and_stop(data_dir: Path, prelude: str = "") -> subprocess.CompletedProcess:
    """Run `serve` in a child whose announcement probes the port, then Ctrl+C's the child itself."""
    for _ in range(5):  # another program may take the probed port first: try the next one
        result = subprocess.run([sys.executable, "-c", prelude + PROBE_AND_STOP, str(data_dir), str(free_port())],
                                capture_output=True, text=True, timeout=60)
        if "is in use" not in result.stderr:
            return result
    return result


def test_the_url_is_announced_only_once_the_port_accepts_connections(tmp_path):
    """`--open`, and anyone waiting for the line, go to the URL at once: it must not refuse them.

    The announcement probes the port and then stops the server, so what it saw is exact, not a race.
    """
    result = serve_probe_and_stop(tmp_path / "data")
    assert result.stdout.strip() == "accepted when announced", result.stdout + result.stderr
    assert result.returncode == 0, result.stderr


def test_an_event_loop_without_signal_handlers_serves_and_stops_on_ctrl_c_as_on_windows(tmp_path):
    """Windows' event loop refuses add_signal_handler: the server must still start, and Ctrl+C still end it."""
    windows_loop = textwrap.dedent("""
        import asyncio

        def refuse(self, *args):
            raise NotImplementedError  # what Windows' ProactorEventLoop does

        asyncio.SelectorEventLoop.add_signal_handler = refuse
    """)
    result = serve_probe_and_stop(tmp_path / "data", prelude=windows_loop)
    assert result.stdout.strip() == "accepted when announced", result.stdout + result.stderr
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_starting_the_server_imports_textual_serve_only_in_the_web_command():
    code = ("import sys\nimport lambdalearn.commands.web, lambdalearn.commands.app\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual_serve', 'aiohttp'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def open_tab(url: str) -> socket.socket:
    """What a browser tab does that makes the server start an app: open the /ws websocket (kept open)."""
    host, port = url.removeprefix("http://").split(":")
    tab = socket.create_connection((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    tab.sendall((f"GET /ws?width=100&height=30 HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    assert b"101 Switching Protocols" in tab.recv(4096)
    return tab


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_server_stops_every_app_it_started(served, stop_signal):
    tabs = [open_tab(served.url), open_tab(served.url)]
    apps = wait_until(lambda: (pids := app_pids(served)) and len(pids) >= 2 and pids, "an app per open tab")
    served.process.send_signal(stop_signal)
    served.process.wait(timeout=30)
    wait_until(lambda: not any(is_alive(pid) for pid in apps), "the apps to end with their server")
    for tab in tabs:
        tab.close()


@pytest.mark.slow
def test_a_killed_server_takes_its_apps_with_it(served):
    """SIGKILL gives the server no chance to clean up: each app follows it by itself (parent-death signal)."""
    tab = open_tab(served.url)
    apps = wait_until(lambda: app_pids(served), "the tab's app")
    served.process.kill()
    served.process.wait(timeout=10)
    wait_until(lambda: not any(is_alive(pid) for pid in apps), "the app to end with its killed server")
    tab.close()


@pytest.mark.slow
def test_stop_apps_kills_an_app_deaf_to_sigterm_and_what_it_left_in_another_session(tmp_path):
    deaf_app = ("import signal, subprocess, time\n"
                "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
                "time.sleep(600)\n")
    script = tmp_path / "server.py"
    script.write_text(textwrap.dedent(f"""
        import os, subprocess, sys, time
        from lambdalearn.runtime.procfs import descendants
        from lambdalearn.web.hosting import stop_apps

        subprocess.Popen([sys.executable, "-c", {deaf_app!r}])
        while len(descendants(os.getpid())) < 2:
            time.sleep(0.02)
        print(" ".join(map(str, descendants(os.getpid()))), flush=True)
        stop_apps(os.getpid(), grace_s=0.5)
    """))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True)
    pids = [int(pid) for pid in result.stdout.split()]
    assert len(pids) == 2
    wait_until(lambda: not any(is_alive(pid) for pid in pids), "every process below the server to be killed")


@pytest.mark.slow
def test_open_starts_the_learners_browser_on_the_url(tmp_path, monkeypatch):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {shlex.quote(str(opened))}\n')
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    server = Served(tmp_path / "data", "--open")
    try:
        url = wait_until(lambda: opened.exists() and opened.read_text().strip(), "the browser to be started")
        assert url == server.url
    finally:
        server.stop()


@pytest.mark.slow
def test_follow_server_sends_a_served_app_sigterm_when_its_server_is_killed(tmp_path):
    """The mechanism behind the test above, without relying on an app noticing a closed pipe."""
    terminated, ready = tmp_path / "terminated", tmp_path / "ready"
    app = ("import pathlib, signal, sys, time\n"
           "from lambdalearn.web.hosting import follow_server\n"
           f"signal.signal(signal.SIGTERM, lambda *_: (pathlib.Path({str(terminated)!r}).touch(), sys.exit(0)))\n"
           "follow_server()\n"
           f"pathlib.Path({str(ready)!r}).touch()\n"
           "time.sleep(600)\n")
    server = ("import os, subprocess, sys, time\n"
              f"os.environ[{SERVER_PID_ENV!r}] = str(os.getpid())\n"
              f"subprocess.Popen([sys.executable, '-c', {app!r}])\n"
              "time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-c", server])
    try:
        wait_until(ready.exists, "the app to be running")
    finally:
        process.kill()
        process.wait()
    wait_until(terminated.exists, "the app to get SIGTERM after its server's death")
