"""Every class of validation error is reported with its file, line and field, all at once."""

from pathlib import Path

import pytest

from lambdalearn.content.loader import PackNotFound, load_pack


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in load_pack(root).problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_fixture_pack_is_clean(mini_pack):
    assert problems_of(mini_pack) == []


def test_yaml_syntax_error_has_line_and_column(mini_pack):
    (mini_pack / "quizzes" / "limits.yaml").write_text("id: limits-quiz\ntitle: [unclosed\nquestions: []\n")
    [problem] = [p for p in problems_of(mini_pack) if p.startswith("quizzes/limits.yaml")]
    assert problem.startswith("quizzes/limits.yaml:3: YAML syntax error at column 1")


def test_front_matter_syntax_error_counts_lines_from_the_file_top(mini_pack):
    lesson = mini_pack / "content" / "02-limits.md"
    edit(lesson, "xp: 60\n", "xp: [60\n")
    problems = [p for p in problems_of(mini_pack) if p.startswith("content/02-limits.md")]
    assert problems and problems[0].startswith("content/02-limits.md:7: YAML syntax error")


def test_unknown_key_with_suggestion(mini_pack):
    edit(mini_pack / "content" / "01-handlers.md", "title: Handlers", "tilte: Handlers")
    problems = problems_of(mini_pack)
    assert "content/01-handlers.md:3: tilte: unknown key (did you mean 'title'?)" in problems
    assert "content/01-handlers.md:2: 'title' is required" in problems


def test_duplicate_key_in_a_mapping(mini_pack):
    edit(mini_pack / "quizzes" / "limits.yaml", "    answer: 900\n", "    answer: 900\n    answer: 901\n")
    assert "quizzes/limits.yaml:10: questions[0].answer: duplicate key (first at line 9)" in problems_of(mini_pack)


def test_duplicate_question_id_across_decks(mini_pack):
    edit(mini_pack / "quizzes" / "limits.yaml", "id: l-num", "id: h-single")
    problems = problems_of(mini_pack)
    assert any(
        p.startswith("quizzes/limits.yaml:6: questions[h-single].id: duplicate question id (first at quizzes/handlers.yaml:6)")
        for p in problems
    ), problems


def test_duplicate_lesson_id_and_order(mini_pack):
    edit(mini_pack / "content" / "02-limits.md", "id: limits", "id: handlers")
    edit(mini_pack / "content" / "02-limits.md", "order: 2", "order: 1")
    problems = problems_of(mini_pack)
    assert "content/02-limits.md:2: id: duplicate lesson id 'handlers' (also in content/01-handlers.md)" in problems


def test_answer_index_out_of_range(mini_pack):
    edit(mini_pack / "quizzes" / "handlers.yaml", "    answer: 2\n", "    answer: 5\n")
    assert (
        "quizzes/handlers.yaml:15: questions[h-single].answer: choice 5 does not exist (the question has 3 choices, numbered from 1)"
        in problems_of(mini_pack)
    )


def test_multi_select_count_disagrees_with_answer(mini_pack):
    edit(mini_pack / "quizzes" / "handlers.yaml", "Select TWO.", "Select THREE.")
    assert (
        "quizzes/handlers.yaml:22: questions[h-multi].prompt: says select THREE, but the answer lists 2 choices"
        in problems_of(mini_pack)
    )


def test_multi_prompt_must_say_how_many(mini_pack):
    edit(mini_pack / "quizzes" / "handlers.yaml", " Select TWO.", "")
    assert any("questions[h-multi].prompt: say how many to select, e.g. 'Select TWO.'" in p for p in problems_of(mini_pack))


def test_link_to_missing_lesson_and_missing_section(mini_pack):
    edit(mini_pack / "content" / "01-handlers.md", "lesson:limits#timeouts", "lesson:limitz#timeouts")
    edit(mini_pack / "content" / "02-limits.md", "01-handlers.md#the-handler", "01-handlers.md#the-handlr")
    problems = problems_of(mini_pack)
    assert "content/01-handlers.md:14: link: 'lesson:limitz#timeouts': no lesson with id 'limitz'" in problems
    assert (
        "content/02-limits.md:14: link: '01-handlers.md#the-handlr': lesson 'handlers' has no section 'the-handlr'"
        in problems
    )


def test_question_section_link_must_resolve(mini_pack):
    edit(mini_pack / "quizzes" / "limits.yaml", "lesson_section: timeouts", "lesson_section: handlers#nowhere")
    assert (
        "quizzes/limits.yaml:6: questions[l-num].lesson_section: lesson 'handlers' has no section 'nowhere'"
        in problems_of(mini_pack)
    )


def test_deck_links_to_unknown_lesson_and_domain(mini_pack):
    edit(mini_pack / "quizzes" / "limits.yaml", "lesson: limits", "lesson: limitz")
    edit(mini_pack / "quizzes" / "limits.yaml", "domain: limits", "domain: nowhere")
    problems = problems_of(mini_pack)
    assert "quizzes/limits.yaml:3: lesson: no lesson with id 'limitz' in this pack" in problems
    assert "quizzes/limits.yaml:4: domain: 'nowhere' is not a domain of the exam blueprint" in problems


def test_wrong_types_and_enums(mini_pack):
    edit(mini_pack / "content" / "02-limits.md", "order: 2", "order: two")
    edit(mini_pack / "quizzes" / "handlers.yaml", "type: truefalse", "type: yesno")
    problems = problems_of(mini_pack)
    assert "content/02-limits.md:4: order: expected an integer, got 'two'" in problems
    assert any(p.startswith("quizzes/handlers.yaml:35: questions[h-tf].type: 'yesno' is not one of: single, multi") for p in problems)


def test_blueprint_weights_must_add_up(mini_pack):
    edit(mini_pack / "pack.yaml", "weight: 40", "weight: 30")
    assert "pack.yaml:11: exam.domains: weights must add up to 100, they add up to 90" in problems_of(mini_pack)


def test_missing_front_matter_and_missing_manifest(mini_pack):
    (mini_pack / "content" / "03-empty.md").write_text("# Just a heading\n")
    (mini_pack / "pack.yaml").unlink()
    problems = problems_of(mini_pack)
    assert "content/03-empty.md:1: no front matter: start the file with '---', the lesson's keys, then '---'" in problems
    assert "pack.yaml: missing: a pack needs a pack.yaml manifest" in problems


def test_lab_folder_without_lab_yaml(mini_pack):
    (mini_pack / "labs" / "broken").mkdir()
    assert "labs/broken/lab.yaml: missing: every lab folder needs a lab.yaml" in problems_of(mini_pack)


def test_all_problems_reported_at_once_and_the_rest_still_loads(mini_pack):
    edit(mini_pack / "quizzes" / "handlers.yaml", "    answer: 2\n", "    answer: 9\n")
    edit(mini_pack / "quizzes" / "handlers.yaml", "Select TWO.", "Select ONE.")
    (mini_pack / "quizzes" / "limits.yaml").write_text("id: [broken\n")
    pack = load_pack(mini_pack)
    assert len(pack.problems) == 3
    loaded = {q.id for q in pack.questions()}
    assert "h-single" not in loaded and "h-multi" not in loaded
    assert {"h-tf", "h-text", "h-order", "h-card"} <= loaded
    assert [lesson.id for lesson in pack.lessons] == ["handlers", "limits"]


def test_safe_load_semantics_no_python_tags(mini_pack):
    (mini_pack / "quizzes" / "evil.yaml").write_text("id: !!python/object/apply:os.system ['echo hi']\n")
    problems = problems_of(mini_pack)
    assert any(p.startswith("quizzes/evil.yaml:1: YAML syntax error") for p in problems)


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(PackNotFound):
        load_pack(tmp_path / "nope")


def test_a_text_list_names_the_item_that_is_not_text(mini_pack):
    edit(mini_pack / "content" / "01-handlers.md", "tags: [handler]", "tags:\n  - handler\n  - note: unquoted colon")
    problems = problems_of(mini_pack)
    assert "content/01-handlers.md:8: tags: expected a list of texts, but item 2 is a mapping; quote it if it " \
           "contains ': '" in problems, problems


def test_a_text_list_names_a_blank_or_nested_item(mini_pack):
    edit(mini_pack / "content" / "01-handlers.md", "tags: [handler]", "tags: [handler, [a, b]]")
    assert any("tags: expected a list of texts, but item 2 is a list" in p for p in problems_of(mini_pack))
    edit(mini_pack / "content" / "01-handlers.md", "tags: [handler, [a, b]]", "tags: ['', handler]")
    assert any("tags: expected a list of texts, but item 1 is blank" in p for p in problems_of(mini_pack))


def test_answer_aliases_are_checked_with_file_line_and_field(mini_pack):
    """pack.yaml's `answer_aliases`: a list of texts per term; an alias that does nothing or names two terms
    is an error, as every other pack.yaml field."""
    (mini_pack / "pack.yaml").write_text((mini_pack / "pack.yaml").read_text() + (
        "answer_aliases:\n"
        "  GB-seconds: [gigabyte-seconds, GBs]\n"
        "  dead-letter queue: DLQ\n"
        "  dead letter q: [DLQ]\n"
        "  RDS Proxy: {name: proxy}\n"
        "  '!!!': [x]\n"))
    problems = problems_of(mini_pack)
    assert ("pack.yaml:19: answer_aliases.GB-seconds: 'gigabyte-seconds' already matches 'GB-seconds' (answers are"
            " read without case, hyphens or plurals): drop it") in problems
    assert ("pack.yaml:21: answer_aliases.dead letter q: 'DLQ' is also an alias of 'dead-letter queue': an alias"
            " stands for one term") in problems
    assert "pack.yaml:22: answer_aliases.RDS Proxy: expected a list of texts, got a mapping" in problems
    assert "pack.yaml:23: answer_aliases.!!!: the term has no words or numbers to match" in problems
    assert len(problems) == 4


def test_answer_aliases_must_be_a_mapping(mini_pack):
    (mini_pack / "pack.yaml").write_text((mini_pack / "pack.yaml").read_text() + "answer_aliases: [DLQ]\n")
    assert problems_of(mini_pack) == [
        'pack.yaml:18: answer_aliases: expected a mapping of terms to their aliases, e.g. "dead-letter queue": [DLQ]']
