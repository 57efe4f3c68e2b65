"""The README introduces the course with its size: the figures follow the course as it grows."""

from __future__ import annotations

import re
from pathlib import Path

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_gives_the_courses_real_size():
    course = load_pack(bundled_pack_root())
    intro = " ".join(README.read_text(encoding="utf-8").split("## Set up")[0].split())
    found = re.search(r"\((\d+) short lessons, ([\d,]+) questions, (\d+) hands-on labs\)", intro)
    assert found, intro
    lessons, questions, labs = int(found[1]), int(found[2].replace(",", "")), int(found[3])
    assert (lessons, questions, labs) == (len(course.lessons), len(course.questions()), len(course.labs))
