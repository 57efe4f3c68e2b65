"""Where the bundled course lives: inside the installed wheel, or at the root of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_pack_root() -> Path:
    """The folder of the bundled course pack.

    The wheel carries it as `lambdalearn/_course/`; an editable or source install finds the repository root.
    """
    installed = _PACKAGE_DIR / "_course"
    if (installed / "pack.yaml").is_file():
        return installed
    return _PACKAGE_DIR.parent
