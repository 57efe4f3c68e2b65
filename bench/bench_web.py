"""Benchmark of `lambdalearn web`: how long a browser tab takes to show the home screen, against the terminal
app's first frame and course map, measured in the same run.

Run alone: `python bench/bench_web.py [--runs N]` (needs tmux, Debian's chromium and the playwright package;
never downloads a browser). It prints its figures; nothing is asserted.

What is measured, for each run (median of N, taken in alternation):
- terminal: `lambdalearn --data-dir <folder>` in a detached tmux pane (bench_tui's method), time from
  spawning to the header's title (first frame) and to "Read lesson" (the course map is filled); the folder
  has seen one start, as the served one has (both pack caches warm);
- browser: one `lambdalearn web` server (started once, like a learner's), a fresh headless Chromium context,
  time from asking for the page to the same two texts arriving over the app's websocket; this includes
  loading the page and its script, the websocket, and the app process textual-serve starts for the tab.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_tui import TMUX, times_to

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the browser test's helpers, shared
from tests.web.conftest import ANSI, CHROMIUM_ARGS, free_port  # noqa: E402

# The header's title, not bench_tui's footer "palette": a browser tab starts unfocused, and Textual leaves
# the footer empty until the page has the focus.
MARKER = "learn AWS Lambda"
COURSE_MARKER = "Read lesson"


def in_browser(browser, url: str) -> tuple[float, float]:
    """Seconds from page request to the first frame and to the course map, read off the websocket."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    frames: list[bytes] = []
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    seen: dict[str, float] = {}
    while len(seen) < 2:
        if time.perf_counter() - started > 30:
            raise TimeoutError(f"the served home screen did not show in 30 s: {seen} {len(frames)}")
        text = ANSI.sub(b"", b"".join(frames)).decode("utf-8", "replace")
        for marker in (MARKER, COURSE_MARKER):
            if marker in text and marker not in seen:
                seen[marker] = time.perf_counter() - started
        page.wait_for_timeout(5)
    context.close()
    return seen[MARKER], seen[COURSE_MARKER]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if shutil.which("tmux") is None or chromium is None:
        sys.exit("bench_web needs tmux and chromium on the PATH")
    from playwright.sync_api import sync_playwright

    lambdalearn = str(Path(sys.executable).with_name("lambdalearn"))
    subprocess.run([*TMUX, "new-session", "-d", "-s", "bench-keepalive", "sleep", "3600"], check=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as served_dir, sync_playwright() as playwright:
        server = subprocess.Popen([lambdalearn, "--data-dir", served_dir, "web", "--port", str(port)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            server.stdout.readline()  # "lambdalearn is served at ..."
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            in_browser(browser, f"http://127.0.0.1:{port}")  # warm the file cache once
            terminal, web = [], []
            with tempfile.TemporaryDirectory() as data_dir:
                times_to([lambdalearn, "--data-dir", data_dir], "bench-web-warm", [COURSE_MARKER])  # its pack cache
                for run in range(args.runs):
                    terminal.append(times_to([lambdalearn, "--data-dir", data_dir], f"bench-web-{run}",
                                             [MARKER, COURSE_MARKER]))
                    web.append(in_browser(browser, f"http://127.0.0.1:{port}"))
            browser.close()
        finally:
            server.terminate()
            server.wait()
            subprocess.run([*TMUX, "kill-server"], capture_output=True)
    report(terminal, web, args.runs)


def report(terminal: list[list[float]], web: list[tuple[float, float]], runs: int) -> None:
    def median_ms(values, index):
        return statistics.median(value[index] for value in values) * 1000

    print(f"home screen, median of {runs}: terminal (tmux 80x24) vs browser (headless Chromium 1280x800)")
    print(f"  first frame:  terminal {median_ms(terminal, 0):6.0f} ms   browser {median_ms(web, 0):6.0f} ms"
          f"   ratio browser / terminal {median_ms(web, 0) / median_ms(terminal, 0):.2f}")
    print(f"  course map:   terminal {median_ms(terminal, 1):6.0f} ms   browser {median_ms(web, 1):6.0f} ms"
          f"   ratio browser / terminal {median_ms(web, 1) / median_ms(terminal, 1):.2f}")


if __name__ == "__main__":
    main()
