"""The one error boundary: whatever fails unexpectedly ends as one line saying what and where, exit status 1.

The command line (`cli.LazyGroup.invoke`) and the app (`LambdaLearnApp._handle_exception`, which also sees
its workers' failures) hand the exception to `report_failure`; the traceback goes to a log file in the data
folder, whose path the line gives. A traceback on the terminal is a bug.
"""

from __future__ import annotations

import sqlite3
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from lambdalearn.textsafe import printable

LOG_DIR_NAME = "logs"
LOG_FILE_NAME = "errors.log"
LOG_MAX_BYTES = 1_000_000  # beyond this the log starts afresh, keeping one previous file


def report_failure(error: BaseException, data_dir: Path | None, action: str) -> str:
    """Log `error` with its traceback and return the one line to show for it (`action`: "lambdalearn quiz")."""
    log = write_log(error, data_dir, action)
    line = _known_failure(error, data_dir)
    if line is None:
        line = f"{action} failed: {type(error).__name__}: {error} (at {_where(error)})"
        line += f"; the traceback is in {log}" if log else ""
    return printable(line, one_line=True)


def write_log(error: BaseException, data_dir: Path | None, action: str) -> Path | None:
    """Append the traceback to `<data dir>/logs/errors.log` (or the temp folder); None if nothing could."""
    text = "".join(traceback.format_exception(error))
    entry = f"--- {datetime.now().isoformat(timespec='seconds')} {action}\n{text}\n"
    for folder in (_log_folder(data_dir), Path(tempfile.gettempdir())):
        if folder is None:
            continue
        path = folder / LOG_FILE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
                path.replace(path.with_name(LOG_FILE_NAME + ".1"))
            with path.open("a", encoding="utf-8") as log:
                log.write(entry)
            return path
        except OSError:
            continue
    return None


def _log_folder(data_dir: Path | None) -> Path | None:
    """`logs/` in the data folder the command used (None when even that folder cannot be made)."""
    from lambdalearn.progress.paths import resolve_data_dir
    from lambdalearn.progress.store import StoreError

    try:
        return resolve_data_dir(data_dir) / LOG_DIR_NAME
    except StoreError:
        return None


def _known_failure(error: BaseException, data_dir: Path | None) -> str | None:
    """Failures with a message the learner can act on, shown without the "failed: Type" frame."""
    from lambdalearn.progress.store import DB_FILE_NAME, StoreError, learner_message

    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, sqlite3.Error):
        folder = _log_folder(data_dir)
        path = folder.parent / DB_FILE_NAME if folder else Path(DB_FILE_NAME)
        return learner_message(error, path)
    if isinstance(error, OSError) and error.strerror:
        target = f" {error.filename}" if error.filename else ""
        return f"Cannot use{target}: {error.strerror}."
    return None


def _where(error: BaseException) -> str:
    """`file:line in function` of the innermost frame, relative to the package when inside it."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "an unknown place"
    frame = frames[-1]
    package_root = Path(__file__).resolve().parent.parent
    try:
        file = str(Path(frame.filename).resolve().relative_to(package_root))
    except ValueError:
        file = frame.filename
    return f"{file}:{frame.lineno} in {frame.name}"
