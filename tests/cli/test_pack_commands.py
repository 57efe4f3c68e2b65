"""`lambdalearn pack validate` and `pack new` as an author uses them."""

from click.testing import CliRunner

from lambdalearn.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_validate_clean_pack_prints_one_line_and_exits_0(mini_pack):
    result = run("pack", "validate", str(mini_pack))
    assert result.exit_code == 0
    assert result.output == "ok: mini 1.0.0: 2 lessons, 8 questions in 2 decks, 1 lab; no problems\n"


def test_validate_lists_every_problem_and_exits_1(mini_pack):
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text().replace("    answer: 2\n", "    answer: 7\n").replace("Select TWO", "Select FOUR"))
    result = run("pack", "validate", str(mini_pack))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "quizzes/handlers.yaml:15: questions[h-single].answer: choice 7 does not exist (the question has 3 choices, numbered from 1)" in lines
    assert "quizzes/handlers.yaml:22: questions[h-multi].prompt: says select FOUR, but the answer lists 2 choices" in lines
    assert "2 problems in 1 file" in result.output


def test_validate_missing_folder_is_usage_error(tmp_path):
    result = run("pack", "validate", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such pack folder" in result.output
    assert "Traceback" not in result.output


def test_new_scaffolds_a_valid_pack(tmp_path):
    target = tmp_path / "my-course"
    result = run("pack", "new", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "pack.yaml").is_file()
    check = run("pack", "validate", str(target))
    assert check.exit_code == 0, check.output
    assert check.output.startswith("ok: my-course 0.1.0: 1 lesson, 2 questions in 1 deck, 0 labs")
    lint = run("pack", "lint", str(target))  # issue 17: the scaffold failed its own lint (thin exam domain)
    assert lint.exit_code == 0 and lint.output == "ok: my-course: no lint warnings in 2 questions\n"


def test_new_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = run("pack", "new", str(tmp_path / "taken"))
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.output
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_pack_list_counts_in_words_that_agree(tmp_path, mini_pack):
    """Issue 17, finding 8: "1 lessons"; one lab is "1 lab"."""
    home = ["--data-dir", str(tmp_path / "data")]
    assert run(*home, "pack", "install", "--yes", str(mini_pack)).exit_code == 0
    listing = run(*home, "pack", "list").output
    mini = next(line for line in listing.splitlines() if line.startswith("mini "))
    assert "2 lessons" in mini and "8 questions" in mini and " 1 lab " in mini and "1 labs" not in mini
