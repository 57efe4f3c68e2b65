"""Where the learner's data lives: the --data-dir option, else $LAMBDALEARN_HOME, else the platform folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from lambdalearn.progress.store import StoreError

HOME_ENV_VAR = "LAMBDALEARN_HOME"
APP_NAME = "lambdalearn"


def resolve_data_dir(explicit: Path | None = None) -> Path:
    """The data folder, created if missing: `explicit` > $LAMBDALEARN_HOME > platformdirs' user data dir."""
    if explicit is not None:
        folder = Path(explicit)
    elif os.environ.get(HOME_ENV_VAR):
        folder = Path(os.environ[HOME_ENV_VAR])
    else:
        folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder = folder.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"Cannot use {folder} as the lambdalearn data folder: {error.strerror or error}.") from error
    return folder
