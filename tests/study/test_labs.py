"""Labs as the app shows them: status beside the lesson, the workspace it opens, pages, hints, solution."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.content.loader import load_pack
from lambdalearn.labs.finder import find_lab
from lambdalearn.progress.labs import record_lab_result
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.labs import (
    LAB_NEW,
    LAB_ATTEMPTED,
    LAB_COMPLETED,
    LAB_STARTED,
    hints_markdown,
    instruction_pages,
    lab_rows,
    open_workspace,
    solution_markdown,
)


def test_status_goes_new_started_attempted_completed_and_the_workspace_is_made_once(mini_pack: Path, tmp_path: Path):
    pack = load_pack(mini_pack)
    with ProgressStore.open(tmp_path / "data") as store:
        [row] = lab_rows(store, [pack])
        assert (row.found.spec.id, row.lesson_id, row.status) == ("hello", "handlers", LAB_NEW)
        workspace = open_workspace(store, tmp_path / "data", row.found)
        (workspace / "app.py").write_text("# mine\n")
        assert open_workspace(store, tmp_path / "data", row.found) == workspace
        assert (workspace / "app.py").read_text() == "# mine\n", "an existing workspace is left alone"
        assert lab_rows(store, [pack])[0].status == LAB_STARTED
        record_lab_result(store, "mini", "hello", {"passed": False, "checks": [{"passed": False}]}, 20)
        assert lab_rows(store, [pack])[0].status == LAB_ATTEMPTED
        record_lab_result(store, "mini", "hello", {"passed": True, "checks": [{"passed": True}]}, 20)
        assert lab_rows(store, [pack])[0].status == LAB_COMPLETED == "completed"  # the word `lab list` prints


def test_instructions_are_paged_by_section_without_hints_and_fences_do_not_cut(mini_pack: Path):
    readme = mini_pack / "labs" / "hello" / "README.md"
    readme.write_text("# Hello\n\nIntro.\n\n```python\n## not a heading\n```\n\n## Steps\n\nDo it.\n\n"
                      "## Hint 1\n\nFirst.\n\n## Hint 2\n\nSecond.\n")
    found = find_lab([mini_pack], "hello")
    pages = instruction_pages(found)
    assert [page.title for page in pages] == ["Introduction", "Steps"]
    assert "## not a heading" in pages[0].text and "First" not in pages[1].text
    assert "First" in hints_markdown(found, 1) and "Second" not in hints_markdown(found, 1)
    assert "Hint 2 of 2" in hints_markdown(found, 2)


def test_solution_shows_each_editable_file_as_code(mini_pack: Path):
    text = solution_markdown(find_lab([mini_pack], "hello"))
    assert text.startswith("**app.py**") and "```python" in text and "Hello, {event['name']}!" in text


def test_without_editor_set_a_common_installed_editor_is_chosen_and_said():
    """Issue 17, finding 5: `e` in a lab did nothing without $EDITOR."""
    from lambdalearn.study.labs import choose_editor

    installed = {"nano", "vi"}
    which = lambda name: f"/usr/bin/{name}" if name in installed else None  # noqa: E731
    assert choose_editor({"EDITOR": "code -w"}, which) == ("code -w", False)
    assert choose_editor({"VISUAL": "emacs", "EDITOR": "vi"}, which) == ("emacs", False)
    assert choose_editor({}, which) == ("nano", True)
    assert choose_editor({}, lambda name: None) == (None, True)
