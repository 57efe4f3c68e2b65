"""Bytecode for lambdalearn's modules before a start-up benchmark, as an installed lambdalearn has it.

pip compiles an installed package; a source checkout gets its `__pycache__` on the first start, unless
PYTHONDONTWRITEBYTECODE is set (as in some sandboxes and CI shells), when every start would compile every
module again (tens of ms) and the benchmark would time the compiler instead of the start-up.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import lambdalearn


def compile_lambdalearn() -> None:
    """Write the `.pyc` of every lambdalearn module (compileall writes them whatever the environment says)."""
    compileall.compile_dir(str(Path(lambdalearn.__file__).parent), quiet=1)
