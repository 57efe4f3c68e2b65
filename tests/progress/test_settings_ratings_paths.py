"""Settings validation and storage, ratings from answer time, and where the data folder is."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from lambdalearn.progress.paths import resolve_data_dir
from lambdalearn.progress.ratings import EXPECTED_SECONDS, rating_for
from lambdalearn.progress.settings import Settings, SettingsError, load_settings, save_settings
from lambdalearn.progress.store import StoreError


def test_defaults_until_something_is_saved(store):
    assert load_settings(store) == Settings()


def test_saved_settings_are_loaded_back(store):
    chosen = Settings(desired_retention=0.85, daily_new_limit=5, daily_review_limit=50, exam_questions=65,
                      exam_minutes=130, theme="gruvbox")
    save_settings(store, chosen)
    assert load_settings(store) == chosen


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"desired_retention": 1.2}, "desired_retention: must be a number from 0.7 to 0.99, got 1.2"),
        ({"desired_retention": "high"}, "desired_retention"),
        ({"daily_new_limit": -1}, "daily_new_limit: must be a whole number from 0 to 9999, got -1"),
        ({"daily_review_limit": 2.5}, "daily_review_limit"),
        ({"daily_review_limit": True}, "daily_review_limit"),
        ({"exam_questions": 0}, "exam_questions: must be a whole number from 1 to 500 or empty, got 0"),
        ({"exam_minutes": 601}, "exam_minutes"),
        ({"theme": " "}, "theme: must be a theme name"),
    ],
)
def test_invalid_settings_are_refused_with_the_setting_named(store, changes, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(".", r"\.")) as raised:
        save_settings(store, Settings(**changes))
    assert "\n" not in str(raised.value)
    assert load_settings(store) == Settings(), "nothing was stored"


def test_every_problem_is_reported_at_once(store):
    with pytest.raises(SettingsError) as raised:
        save_settings(store, Settings(desired_retention=2, daily_new_limit=-5))
    assert "desired_retention" in str(raised.value) and "daily_new_limit" in str(raised.value)


def test_an_invalid_stored_value_falls_back_to_its_default_with_a_notice(store):
    store.db.execute("INSERT INTO settings (key, value) VALUES ('daily_new_limit', '-3'), ('theme', '\"nord\"')")
    settings = load_settings(store)
    assert settings.daily_new_limit == 20 and settings.theme == "nord"
    load_settings(store)
    assert store.notices == ["Setting ignored, default used instead: daily_new_limit: must be a whole number "
                             "from 0 to 9999, got -3."]


@pytest.mark.parametrize("question_type, expected", sorted(EXPECTED_SECONDS.items()))
def test_ratings_from_correctness_and_time(question_type, expected):
    assert rating_for(False, 1, question_type) == 1
    assert rating_for(True, expected + 0.5, question_type) == 2
    assert rating_for(True, expected, question_type) == 3
    assert rating_for(True, 0, question_type) == 3


def test_documented_expected_times():
    assert EXPECTED_SECONDS == {"single": 20, "truefalse": 20, "multi": 40, "numeric": 30, "text": 30,
                                "cloze": 30, "order": 45}


def test_flashcards_and_unknown_types_have_no_computed_rating():
    with pytest.raises(ValueError, match="self-graded"):
        rating_for(True, 3, "flashcard")
    with pytest.raises(ValueError, match="unknown question type"):
        rating_for(True, 3, "essay")


def test_data_dir_explicit_beats_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMBDALEARN_HOME", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "explicit" / "deep") == tmp_path / "explicit" / "deep"
    assert (tmp_path / "explicit" / "deep").is_dir()
    assert resolve_data_dir() == tmp_path / "env"


def test_data_dir_defaults_to_the_platform_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LAMBDALEARN_HOME", raising=False)
    calls = []

    def fake_user_data_dir(appname, appauthor=None):
        calls.append((appname, appauthor))
        return str(tmp_path / "platform")

    monkeypatch.setattr(platformdirs, "user_data_dir", fake_user_data_dir)
    assert resolve_data_dir() == tmp_path / "platform"
    assert calls == [("lambdalearn", False)]


def test_an_unusable_data_dir_gives_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="Cannot use .* as the lambdalearn data folder"):
        resolve_data_dir(Path(tmp_path / "file" / "sub"))
