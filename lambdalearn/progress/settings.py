"""The learner's study settings, kept in the progress database and validated on the way in and out."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from lambdalearn.progress.store import ProgressStore

RETENTION_RANGE = (0.70, 0.99)
DAILY_NEW_RANGE = (0, 9999)
DAILY_REVIEW_RANGE = (0, 99999)
EXAM_QUESTIONS_RANGE = (1, 500)
EXAM_MINUTES_RANGE = (1, 600)


class SettingsError(ValueError):
    """A setting has a value out of range or of the wrong type; `str()` names the setting."""


@dataclass
class Settings:
    """Study settings. `exam_questions`/`exam_minutes` None means "as the pack's exam blueprint says"."""

    desired_retention: float = 0.9
    daily_new_limit: int = 20
    daily_review_limit: int = 200
    exam_questions: int | None = None
    exam_minutes: int | None = None
    theme: str = "textual-dark"


def setting_problems(settings: Settings) -> list[str]:
    """Every problem with `settings`, one `name: message` line each (empty when valid)."""
    problems = []
    retention = settings.desired_retention
    low, high = RETENTION_RANGE
    if isinstance(retention, bool) or not isinstance(retention, (int, float)) or not low <= retention <= high:
        problems.append(f"desired_retention: must be a number from {low} to {high}, got {retention!r}")
    for name, bounds, optional in (
        ("daily_new_limit", DAILY_NEW_RANGE, False),
        ("daily_review_limit", DAILY_REVIEW_RANGE, False),
        ("exam_questions", EXAM_QUESTIONS_RANGE, True),
        ("exam_minutes", EXAM_MINUTES_RANGE, True),
    ):
        value = getattr(settings, name)
        if value is None and optional:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
            empty = " or empty" if optional else ""
            problems.append(f"{name}: must be a whole number from {bounds[0]} to {bounds[1]}{empty}, got {value!r}")
    if not isinstance(settings.theme, str) or not settings.theme.strip():
        problems.append(f"theme: must be a theme name, got {settings.theme!r}")
    return problems


def save_settings(store: ProgressStore, settings: Settings) -> None:
    """Validate and store all settings; raise `SettingsError` listing every problem, storing nothing."""
    problems = setting_problems(settings)
    if problems:
        raise SettingsError("; ".join(problems))
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(name, json.dumps(value)) for name, value in asdict(settings).items()],
        )


def load_settings(store: ProgressStore) -> Settings:
    """The stored settings; a missing one takes its default, and so does an invalid one (with a notice)."""
    stored = dict(store.db.execute("SELECT key, value FROM settings").fetchall())
    settings = Settings()
    for field in fields(Settings):
        if field.name not in stored:
            continue
        try:
            value = json.loads(stored[field.name])
        except json.JSONDecodeError:
            value = stored[field.name]
        candidate = Settings(**{**asdict(settings), field.name: value})
        problems = setting_problems(candidate)
        if problems:
            notice = f"Setting ignored, default used instead: {problems[0]}."
            if notice not in store.notices:
                store.notices.append(notice)
        else:
            settings = candidate
    return settings
