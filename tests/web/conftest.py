"""Fixtures for `lambdalearn web`: a served app on a free port of 18180-18199, and a headless Chromium.

The browser is Debian's `chromium` driven by Playwright's Python package (never a downloaded browser); where
either is missing or the browser cannot start, browser tests are skipped with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PORTS = range(18180, 18200)  # this feature's ports on the shared test machine
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$ ]*[A-Za-z~]|\x1b[()][A-Z0-9]|\x1b[=>78]")


def worker_ports() -> range:
    """This xdist worker's own slice of PORTS, so two workers never race for one port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker.removeprefix("gw")) if worker.startswith("gw") else 0
    size = max(1, len(PORTS) // max(workers, 1))
    start = PORTS.start + (index % max(workers, 1)) * size
    return range(start, min(start + size, PORTS.stop))


def free_port() -> int:
    for port in worker_ports():
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def wait_until(condition, what: str, timeout_s: float = 30.0, every_s: float = 0.05):
    """Poll `condition` until it returns something truthy; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every_s)
    pytest.fail(f"timed out waiting for {what}")


class Served:
    """A running `lambdalearn web` process on a free port of this worker's slice.

    Another program on the shared machine may take the probed port before the server binds it; the server then
    says the port is in use, and the next free port is tried (a few times at most).
    """

    def __init__(self, data_dir: Path, *extra: str, attempts: int = 5) -> None:
        self.data_dir = data_dir
        for _ in range(attempts):
            self._start(free_port(), extra)
            if self.process.poll() is None or "is in use" not in self.output():
                break
        assert self.process.poll() is None, self.output()

    def _start(self, port: int, extra: tuple[str, ...]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = self.data_dir.parent / f"web-{port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lambdalearn", "--data-dir", str(self.data_dir), "web", "--port", str(port), *extra],
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )
        wait_until(lambda: "served at" in self.output() or self.process.poll() is not None, "the server to start")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def served(tmp_path: Path):
    """The app served on a fresh data folder; stopped (Ctrl+C) after the test."""
    server = Served(tmp_path / "data")
    yield server
    server.stop()


class Terminal:
    """What the served app sent one browser page: its websocket frames as text, escape sequences removed."""

    def __init__(self, page) -> None:
        self.page = page
        self.frames: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, frame) -> None:
        self.frames.append(frame if isinstance(frame, bytes) else frame.encode())

    def mark(self) -> int:
        return len(self.frames)

    def text(self, since: int = 0) -> str:
        return ANSI.sub(b"", b"".join(self.frames[since:])).decode("utf-8", "replace")

    def find(self, pattern: str, since: int = 0, timeout_s: float = 30.0) -> re.Match | None:
        """The first match of `pattern` drawn after `since`, or None; pumps the page's events while it waits."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text(since))
            if found:
                return found
            self.page.wait_for_timeout(25)
        return None

    def wait_for(self, pattern: str, since: int = 0, timeout_s: float = 30.0) -> re.Match:
        """Like `find`, failing the test when `pattern` is not drawn in time."""
        found = self.find(pattern, since, timeout_s)
        if found is None:
            pytest.fail(f"{pattern!r} was not drawn in {timeout_s} s; last drawn:\n{self.text(since)[-1500:]}")
        return found

    def settle(self, quiet_s: float = 0.3) -> None:
        """Wait until the app has drawn nothing for `quiet_s`: the screen is what it will stay."""
        count, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < quiet_s:
            if len(self.frames) != count:
                count, quiet_since = len(self.frames), time.monotonic()
            self.page.wait_for_timeout(25)

    def latest(self, pattern: str, since: int = 0) -> re.Match:
        """The last match of `pattern` drawn after `since`, once something matches and the screen settled."""
        self.wait_for(pattern, since)
        self.settle()
        return list(re.finditer(pattern, self.text(since)))[-1]

    def press(self, key: str) -> int:
        """Press `key` in the terminal; returns the mark to wait from."""
        mark = self.mark()
        self.page.focus(".xterm-helper-textarea")
        self.page.keyboard.press(key)
        return mark


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, or a skip saying why there is none."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("no browser: the playwright package is not installed (pip install -e '.[test]')")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no browser: Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        try:  # Playwright gives each launch a fresh, temporary --user-data-dir of its own
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        except Error as error:
            pytest.skip(f"no browser: {executable} did not start: {str(error).splitlines()[0]}")
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """Opens pages (tabs) on the served app, each with its `Terminal`; closes them after the test."""
    contexts = []

    def opener(url: str) -> Terminal:
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        terminal = Terminal(page)
        page.goto(url)
        return terminal

    yield opener
    for context in contexts:
        context.close()


def app_pids(server: Served) -> list[int]:
    from lambdalearn.runtime.procfs import descendants

    return descendants(server.process.pid)

