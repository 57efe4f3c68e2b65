"""Pack text is data: it must never reach the terminal as control sequences.

Authored text (prompts, choices, explanations, pack names) can hold bytes that a terminal obeys: ESC starts
sequences that clear the screen, move the cursor over a verdict, set the window title, write the clipboard
(OSC 52) or hide a link (OSC 8); a carriage return overwrites the line. Validation refuses them
(`control_characters`), and every output path strips them (`printable`) for packs that skipped validation.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the bidirectional overrides
# that make text display in an order other than the one it is read in.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Whole escape sequences go, not only their ESC, so no "[2J" residue is left in the text: CSI (ESC [ or 0x9b,
# parameters, final byte), OSC/DCS/APC/PM/SOS strings (up to BEL or ST, or the end), and two-byte escapes.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)


def control_characters(text: str) -> list[str]:
    """The unsafe characters in `text`, in order of first appearance, as `U+001B`-style names."""
    return list(dict.fromkeys(f"U+{ord(char):04X}" for char in _UNSAFE.findall(text)))


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` without the characters a terminal would obey; with `one_line`, line breaks become spaces."""
    text = _UNSAFE.sub("", _SEQUENCE.sub("", text))
    return " ".join(text.split("\n")) if one_line else text


def control_refusal(found: list[str]) -> str:
    """The validation message for the characters `control_characters` found."""
    return f"control character {', '.join(found)}: pack text may not hold terminal control codes (only newline and tab)"
