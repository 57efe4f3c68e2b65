"""Lambda layers: immutable layer versions, and the `/opt` a function sees when it lists them.

On Lambda a function lists up to five layer versions; they are extracted into `/opt` in the order listed,
so when two layers hold the same path the later one wins; code and layers together may take at most
250 MB (262,144,000 bytes) unzipped. For Python, `/opt/python` and `/opt/python/lib/pythonX.Y/site-packages`
are on the import path (AWS docs: "Managing Lambda dependencies with layers", "Working with layers for
Python Lambda functions", and the quotas page). A published layer version never changes, like a function
version: publishing copies the folder.

`assemble_opt` builds the merged folder once per configuration; the environment shows it as `/opt`
(see `FunctionConfig.opt_dir`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.runtime.config import ACCOUNT_ID, ConfigError

MAX_LAYERS = 5
UNZIPPED_LIMIT_BYTES = 262_144_000  # 250 MB, function code and all its layers, unzipped


@dataclass(frozen=True)
class LayerVersion:
    """One published, immutable layer version; `content_dir` holds what is extracted into /opt."""

    name: str
    version: int
    content_dir: Path
    region: str = "us-east-1"

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:layer:{self.name}:{self.version}"


class LayerStore:
    """Published layer versions under `root`: PublishLayerVersion copies the folder, so later edits do not leak in."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._versions: dict[str, list[LayerVersion]] = {}

    def publish(self, name: str, source_dir: Path) -> LayerVersion:
        if not Path(source_dir).is_dir():
            raise ConfigError(f"Layer content {source_dir} is not a folder.", "InvalidParameterValueException")
        published = self._versions.setdefault(name, [])
        version = len(published) + 1
        target = self.root / name / str(version)
        shutil.copytree(source_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
        layer = LayerVersion(name, version, target)
        published.append(layer)
        return layer

    def versions(self, name: str) -> list[LayerVersion]:
        return list(self._versions.get(name, []))


def assemble_opt(layer_dirs: Sequence[Path], code_dir: Path, target: Path) -> Path:
    """Merge `layer_dirs` in order into `target` (later layers win) after Lambda's count and size checks."""
    if len(layer_dirs) > MAX_LAYERS:
        raise ConfigError(f"Cannot reference more than {MAX_LAYERS} layers.", "InvalidParameterValueException")
    for layer in layer_dirs:
        if not Path(layer).is_dir():
            raise ConfigError(f"Layer content {layer} is not a folder.", "InvalidParameterValueException")
    total = unzipped_size(code_dir) + sum(unzipped_size(layer) for layer in layer_dirs)
    if total > UNZIPPED_LIMIT_BYTES:
        raise ConfigError(
            f"Function code combined with layers exceeds the maximum allowed size of {UNZIPPED_LIMIT_BYTES} bytes."
            f" The actual size is {total} bytes.",
            "InvalidParameterValueException",
        )
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for layer in layer_dirs:
        shutil.copytree(layer, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def python_paths(opt_dir: Path, runtime: str) -> list[str]:
    """The layer folders a Python runtime puts on sys.path, in Lambda's order (site-packages first)."""
    version = runtime.removeprefix("python")
    return [str(opt_dir / "python" / "lib" / f"python{version}" / "site-packages"), str(opt_dir / "python")]


def unzipped_size(folder: Path) -> int:
    """Bytes of every file below `folder`, as Lambda counts a package unzipped (apparent sizes)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                total += os.stat(path).st_size
    return total
