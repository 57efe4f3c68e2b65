"""Reading a pack's text files as untrusted input: regular files only, of a bounded size, UTF-8, no terminal
control characters.

A FIFO named `content/x.md` would block `read_text` for ever, a device could stream without end, and a 50 MB
lesson made every `quiz` start take most of a minute; each is refused here with a located problem instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lambdalearn.content.problems import Problem
from lambdalearn.textsafe import control_characters, control_refusal

MAX_TEXT_BYTES = 1024 * 1024  # the largest bundled lesson is ~15 kB; Markdown this long is unreadable anyway


def read_pack_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """The text of the pack file `path` (shown as `rel`), or None with a problem when it cannot be used.

    Control characters other than newline and tab are reported at their line, and the text is still returned
    (every output strips them), so one stray byte does not hide a whole deck.
    """
    try:
        info = os.stat(path)
    except OSError as error:
        problems.append(Problem(rel, 0, "", f"cannot read it: {error.strerror or error}"))
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.append(Problem(rel, 0, "", "not a regular file (a pipe, device or folder): a pack holds plain files"))
        return None
    if info.st_size > MAX_TEXT_BYTES:
        problems.append(Problem(rel, 0, "", f"{info.st_size:,} bytes is over the {MAX_TEXT_BYTES:,}-byte limit "
                                            "for a pack text file: split it"))
        return None
    try:
        with open(path, "rb") as file:  # re-checked: the file may have grown since stat
            data = file.read(MAX_TEXT_BYTES + 1)
    except OSError as error:
        problems.append(Problem(rel, 0, "", f"cannot read it: {error.strerror or error}"))
        return None
    if len(data) > MAX_TEXT_BYTES:
        problems.append(Problem(rel, 0, "", f"over the {MAX_TEXT_BYTES:,}-byte limit for a pack text file: split it"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(rel, 0, "", "not UTF-8 text"))
        return None
    text = text.replace("\r\n", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        found = control_characters(line)
        if found:
            problems.append(Problem(rel, number, "", control_refusal(found)))
    return text
