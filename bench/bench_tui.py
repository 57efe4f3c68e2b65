"""Benchmark of the study app's speed: the home screen's first frame and its course map against a bare
Textual app, the course map's growth with a big pack installed, and the time to open the longest lesson.

Run alone: `python bench/bench_tui.py [--runs N]`. It prints its figures; nothing is asserted (the machine
may be shared and noisy). Targets: home first frame <= 1.5x the bare app's and a lesson's first screen
<= 0.3 s (issue 5); the course map <= 2x the bare app's first frame, growing < 20% with a pack five times
the course installed beside it (issue 20).

lambdalearn's bytecode is compiled first, as an installed copy has it (see bench/bytecode.py).

What is measured:
- first frame, in a real terminal: each app is started in a detached tmux pane (80x24) and the pane is
  polled until the footer's "palette" key shows; the time from spawning the process to that moment is the
  first frame as a learner sees it (interpreter start and imports included). The bare app is Header, Static
  and Footer; the home is `lambdalearn --data-dir <fresh folder>`. Medians of N runs, taken in alternation.
- course map, in the same runs: the time to "Read lesson" (the Continue button, filled in once the course
  has loaded), in a data folder that has seen one start (its pack cache is warm, as on every start but a
  learner's first) and, for reference, in a fresh one (the first start, cache cold).
- growth: the course map's time with a generated pack five times the bundled course (five renamed copies of
  every lesson, deck and lab) installed and enabled beside it, against the course alone; warm caches both.
- lesson opening, in a real terminal: in a running app whose course has loaded, Enter on the longest lesson
  of the course map, then polling until its first page's text shows.
- lesson opening, in process (headless, 80x24): the reader's first page (what the app does: one `##`
  section) against the whole lesson in one Markdown widget (what paging avoids).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bytecode import compile_lambdalearn

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
    compile_lambdalearn()
    # an idle session keeps the private server up between runs (no start-up race with a dying server)
    subprocess.run([*TMUX, "new-session", "-d", "-s", "bench-keepalive", "sleep", "3600"], check=True)
    try:
        run_all(args.runs, lambdalearn)
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)  # our private server only


COURSE_MARKER = "Read lesson"


def big_pack(target: Path, copies: int = 5) -> Path:
    """A pack `copies` times the bundled course: renamed copies of every lesson, deck and lab, valid."""
    from lambdalearn.content.bundled import bundled_pack_root
    from lambdalearn.content.loader import load_pack

    source = bundled_pack_root()
    course = load_pack(source)
    lesson_ids = sorted((lesson.id for lesson in course.lessons), key=len, reverse=True)
    # a lesson named by a link (lesson:ID#...), a deck or lab (lesson: ID) or a section (lesson_section: ID#...)
    lesson_ref = re.compile(r"(lesson:\s*|lesson_section:\s*)(" + "|".join(re.escape(i) for i in lesson_ids)
                            + r")(?=[#)\s\"']|$)", re.M)
    for copy in range(1, copies + 1):
        suffix = f"-x{copy}"

        def rename(text: str) -> str:
            text = re.sub(r"^(\s*-?\s*id:\s*)([\w-]+)", lambda m: m.group(1) + m.group(2) + suffix, text, flags=re.M)
            text = re.sub(r"^(order:\s*)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 100 * copy), text, flags=re.M)
            return lesson_ref.sub(lambda m: m.group(1) + m.group(2) + suffix, text)

        for kind in ("content", "quizzes"):
            (target / kind).mkdir(parents=True, exist_ok=True)
            for path in (source / kind).iterdir():
                if path.is_file():
                    (target / kind / f"{path.stem}{suffix}{path.suffix}").write_text(rename(path.read_text()))
        for lab in course.labs:
            copied = target / "labs" / f"{lab.path.name}{suffix}"
            shutil.copytree(lab.path, copied, ignore=shutil.ignore_patterns("__pycache__"))
            (copied / "lab.yaml").write_text(rename((copied / "lab.yaml").read_text()))
    manifest = (source / "pack.yaml").read_text()
    (target / "pack.yaml").write_text(re.sub(r"^id: .*$", "id: bench-big-course", manifest, count=1, flags=re.M))
    return target


def warm_data_dir(lambdalearn: str, data_dir: str, session: str) -> None:
    """One start of the app in `data_dir`, so that its pack cache is written."""
    times_to([lambdalearn, "--data-dir", data_dir], session, [COURSE_MARKER])


def run_all(runs: int, lambdalearn: str) -> None:
    bare, home, course_cold, course, course_big = [], [], [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "bare_app.py"
        script.write_text(BARE_APP)
        warm, big = str(Path(scratch) / "warm"), str(Path(scratch) / "big")
        subprocess.run([lambdalearn, "--data-dir", big, "pack", "install", "--yes",
                        str(big_pack(Path(scratch) / "big-pack"))],
                       check=True, capture_output=True)
        first_frame([sys.executable, str(script)], "bench-warm")  # warm the file cache once
        warm_data_dir(lambdalearn, warm, "bench-warm-course")
        warm_data_dir(lambdalearn, big, "bench-warm-big")
        for run in range(runs):
            bare.append(first_frame([sys.executable, str(script)], f"bench-bare-{run}"))
            with tempfile.TemporaryDirectory() as data_dir:
                frame, map_shown = times_to([lambdalearn, "--data-dir", data_dir], f"bench-home-{run}",
                                            [MARKER, COURSE_MARKER])
                home.append(frame)
                course_cold.append(map_shown)
            course.append(times_to([lambdalearn, "--data-dir", warm], f"bench-course-{run}", [COURSE_MARKER])[0])
            course_big.append(times_to([lambdalearn, "--data-dir", big], f"bench-big-{run}", [COURSE_MARKER])[0])
    bare_median, home_median = statistics.median(bare), statistics.median(home)

    def row(label: str, values: list[float]) -> str:
        return f"  {label:<52}{statistics.median(values) * 1000:6.0f} ms ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"

    print(f"first frame and course map in tmux {PANE[0]}x{PANE[1]}, median of {runs} (min-max):")
    print(row("bare Textual app (Header, Static, Footer):", bare))
    print(row("lambdalearn home screen, first frame:", home))
    print(row("course map shown, first start (cache cold):", course_cold))
    print(row("course map shown (cache warm):", course))
    print(row("course map shown, 5x-course pack installed too:", course_big))
    print(f"  ratio first frame / bare: {home_median / bare_median:.2f}  (target <= 1.5)")
    print(f"  ratio course map / bare:  {statistics.median(course) / bare_median:.2f}  (target <= 2; "
          f"first start: {statistics.median(course_cold) / bare_median:.2f})")
    print(f"  growth with the 5x pack:  {(statistics.median(course_big) / statistics.median(course) - 1) * 100:+.0f}%"
          "  (target < +20%)")

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
