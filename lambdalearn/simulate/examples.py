"""The bundled example scenarios: YAML files beside this module, named by their file stem."""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = Path(__file__).with_name("examples")


def example_names() -> list[str]:
    return sorted(path.stem for path in EXAMPLES_DIR.glob("*.yaml"))


def example_path(name: str) -> Path:
    """The file of example `name`; KeyError naming the examples there are when there is none."""
    path = EXAMPLES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise KeyError(f"no example {name!r}; examples: {', '.join(example_names())}")
    return path


def example_blurb(name: str) -> str:
    """The first comment line of an example: what it shows."""
    for line in example_path(name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""
