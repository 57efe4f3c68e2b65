"""Benchmark of the study app's speed: the home screen's first frame against a bare Textual app, and the
time to open the course's longest lesson.

Run alone: `python bench/bench_tui.py [--runs N]`. It prints its figures; nothing is asserted (the machine
may be shared and noisy). Targets from issue 5: home first frame <= 1.5x the bare app's; a lesson's first
screen <= 0.3 s.

What is measured:
- first frame, in a real terminal: each app is started in a detached tmux pane (80x24) and the pane is
  polled until the footer's "palette" key shows; the time from spawning the process to that moment is the
  first frame as a learner sees it (interpreter start and imports included). The bare app is Header, Static
  and Footer; the home is `lambdalearn --data-dir <fresh folder>`. Medians of N runs, taken in alternation.
- lesson opening, in a real terminal: in a running app whose course has loaded, Enter on the longest lesson
  of the course map, then polling until its first page's text shows.
- lesson opening, in process (headless, 80x24): the reader's first page (what the app does: one `##`
  section) against the whole lesson in one Markdown widget (what paging avoids).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

PANE = ("80", "24")
TMUX = ["tmux", "-L", "lambdalearn-bench"]  # a private tmux server: never touches anyone else's sessions
MARKER = "palette"
BARE_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        TITLE = "bare"

        def compose(self):
            yield Header()
            yield Static("A bare Textual app")
            yield Footer()

    Bare().run()
    """
)


def _capture(session: str) -> str:
    return subprocess.run([*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def _wait_for(session: str, text: str, timeout: float = 20.0) -> float:
    """Seconds until `text` shows in the pane (polled every 5 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if text in _capture(session):
            return time.perf_counter()
        time.sleep(0.005)
    raise TimeoutError(f"{text!r} did not show in {timeout} s; the pane shows:\n{_capture(session)}")


def _start(session: str, command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", PANE[0], "-y", PANE[1], *command], check=True)
    # keep a crashed app's last words on screen for the timeout message
    subprocess.run([*TMUX, "set-option", "-t", session, "remain-on-exit", "on"], capture_output=True)
    return started


def _stop(session: str) -> None:
    subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)


def first_frame(command: list[str], session: str) -> float:
    return times_to(command, session, [MARKER])[0]


def times_to(command: list[str], session: str, markers: list[str]) -> list[float]:
    """Seconds from spawning `command` until each marker shows in the pane, in the order given."""
    started = _start(session, command)
    try:
        return [_wait_for(session, marker) - started for marker in markers]
    finally:
        _stop(session)


def longest_lesson():
    from lambdalearn.content.bundled import bundled_pack_root
    from lambdalearn.content.loader import load_pack

    pack = load_pack(bundled_pack_root())
    ordered = sorted(pack.lessons, key=lambda lesson: lesson.order)
    lesson = max(ordered, key=lambda lesson: len(lesson.body.splitlines()))
    return pack, lesson, ordered.index(lesson)


def lesson_in_tmux(lambdalearn: str, row: int, first_text: str, session: str) -> float:
    """Open the app, wait for the course, move to the lesson's row and time Enter to its first page."""
    with tempfile.TemporaryDirectory() as data_dir:
        _start(session, [lambdalearn, "--data-dir", data_dir])
        try:
            _wait_for(session, "Read lesson")  # the course is loaded and the map is filled
            for _ in range(row):
                subprocess.run([*TMUX, "send-keys", "-t", session, "Down"], check=True)
            time.sleep(0.3)
            started = time.perf_counter()
            subprocess.run([*TMUX, "send-keys", "-t", session, "Enter"], check=True)
            return _wait_for(session, first_text) - started
        finally:
            _stop(session)


async def lesson_in_process(paged: bool) -> float:
    """Headless: seconds from asking for the lesson to its first screen laid out and rendered."""
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Markdown

    from lambdalearn.study.course import pages

    pack, lesson, _row = longest_lesson()
    text = pages(lesson)[0].text if paged else lesson.body

    class Reader(App):
        def compose(self):
            with VerticalScroll():
                yield Markdown(id="doc")

    app = Reader()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await app.query_one("#doc", Markdown).update(text)
        await pilot.pause()
        app.screen._compositor.render_update(full=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each first-frame measurement (default 7)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("bench_tui needs tmux on the PATH")
    lambdalearn = str(Path(sys.executable).with_name("lambdalearn"))
    # an idle session keeps the private server up between runs (no start-up race with a dying server)
    subprocess.run([*TMUX, "new-session", "-d", "-s", "bench-keepalive", "sleep", "3600"], check=True)
    try:
        run_all(args.runs, lambdalearn)
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)  # our private server only


def run_all(runs: int, lambdalearn: str) -> None:
    bare, home = [], []
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "bare_app.py"
        script.write_text(BARE_APP)
        first_frame([sys.executable, str(script)], "bench-warm")  # warm the file cache once
        for run in range(runs):
            bare.append(first_frame([sys.executable, str(script)], f"bench-bare-{run}"))
            with tempfile.TemporaryDirectory() as data_dir:
                home.append(first_frame([lambdalearn, "--data-dir", data_dir], f"bench-home-{run}"))
    bare_median, home_median = statistics.median(bare), statistics.median(home)
    print(f"first frame in tmux {PANE[0]}x{PANE[1]}, median of {runs} (min-max):")
    print(f"  bare Textual app (Header, Static, Footer): {bare_median * 1000:6.0f} ms ({min(bare) * 1000:.0f}-{max(bare) * 1000:.0f})")
    print(f"  lambdalearn home screen:                   {home_median * 1000:6.0f} ms ({min(home) * 1000:.0f}-{max(home) * 1000:.0f})")
    print(f"  ratio home / bare: {home_median / bare_median:.2f}  (target <= 1.5)")

    pack, lesson, row = longest_lesson()
    from lambdalearn.study.course import pages

    first_page = pages(lesson)[0]
    marker = next(line.strip("#* ").strip() for line in first_page.text.splitlines() if line.strip())[:30]
    opened = [lesson_in_tmux(lambdalearn, row, marker, f"bench-lesson-{run}") for run in range(5)]
    print(f"longest lesson: {lesson.id} ({len(lesson.body.splitlines())} lines, {len(pages(lesson))} pages)")
    print(f"  Enter to first page in tmux, median of 5: {statistics.median(opened) * 1000:.0f} ms  (target <= 300)")
    paged = statistics.median(asyncio.run(lesson_in_process(True)) for _ in range(3))
    whole = statistics.median(asyncio.run(lesson_in_process(False)) for _ in range(3))
    print(f"  in process, first page only (the app):    {paged * 1000:.0f} ms")
    print(f"  in process, whole lesson in one Markdown: {whole * 1000:.0f} ms")


if __name__ == "__main__":
    main()
