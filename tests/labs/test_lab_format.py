"""lab.yaml validation: every mistake is reported as path:line: field: message when the pack loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.content.labs import read_hints, read_instructions
from lambdalearn.content.loader import load_pack
from tests.labs.conftest import spec_of


def problems_after_edit(pack: Path, lab: str, old: str, new: str) -> list[str]:
    path = pack / "labs" / lab / "lab.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return [str(problem) for problem in load_pack(pack).problems]


def test_the_fixture_labs_are_valid(lab_pack):
    spec = spec_of(lab_pack, "kinds")
    assert spec.function.environment == {"GREETING": "Hello"}
    assert [check.name for check in spec.checks][0] == "greets from the event file"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("xp: 30", "xpp: 30", "labs/kinds/lab.yaml:6: xpp: unknown key (did you mean 'xp'?)"),
        ("id: kinds", "id: other", "labs/kinds/lab.yaml:1: id: 'other' must match its folder name 'kinds'"),
        ("lesson: basics", "lesson: nope", "labs/kinds/lab.yaml:3: lesson: no lesson with id 'nope' in this pack"),
        ("lesson_section: the-handler", "lesson_section: gone",
         "labs/kinds/lab.yaml:4: lesson_section: lesson 'basics' has no section '#gone'"),
        ("difficulty: beginner", "difficulty: easy",
         "labs/kinds/lab.yaml:5: difficulty: 'easy' is not one of: beginner, intermediate, advanced"),
        ("memory: 128", "memory: 20000",
         "labs/kinds/lab.yaml:8: function: 1 validation error detected: Value '20000' at 'memorySize' failed to "
         "satisfy constraint: Member must have value less than or equal to 10240"),
        ("handler: app.handler", "handler: app", "labs/kinds/lab.yaml:9: function.handler: 'app' is not module.function"),
        ("env: {GREETING: Hello}", "env: {AWS_ENDPOINT_URL: 'https://s3.amazonaws.com'}",
         "labs/kinds/lab.yaml:12: function.env.AWS_ENDPOINT_URL: a lab may not set AWS_* variables"),
        ("editable: [app.py]", "editable: [main.py]", "labs/kinds/lab.yaml:13: editable: 'main.py' is missing from starter/"),
        ("invoke: {event: events/ada.json}", "invoke: {event: events/bob.json}",
         "labs/kinds/lab.yaml:18: checks[0].invoke.event: no such file events/bob.json in the lab folder"),
        ("status: success", "status: ok", "labs/kinds/lab.yaml:20: checks[0].expect.status: expected one of: success, error, throttled"),
        ('logs: ["greeting Ada"]', 'logs: ["greeting (Ada"]', "labs/kinds/lab.yaml:23: checks[0].expect.logs: 'greeting (Ada' is not a regular expression"),
        ("cold_starts: 1\n      errors", "cold_starts: many\n      errors",
         "labs/kinds/lab.yaml:25: checks[0].expect.cold_starts: expected a whole number or {min: N, max: N}"),
        ("duration_ms: {max: 2500}", "duration_ms: {under: 2500}",
         "labs/kinds/lab.yaml:27: checks[0].expect.duration_ms: expected a number or {min: N, max: N}"),
        ("payload: {statusCode: 200}", "paylod: {statusCode: 200}",
         "labs/kinds/lab.yaml:21: checks[0].expect.paylod: unknown key (did you mean 'payload'?)"),
        ('event_json: {name: "${who}"}', 'event_json: {name: "${whom}"}',
         "labs/kinds/lab.yaml:32: checks[1].invoke: '${whom}' is used but not declared in the check's vars"),
        ("vars: {who: {word: 7}}", "vars: {who: {word: 0}}", "checks[1].vars.who: word takes a length from 1 to 64"),
        ("config: {reserved_concurrency: 1}", "config: {memroy: 1}", "checks[3].invoke.config.memroy: not a function setting"),
    ],
)
def test_a_mistake_is_located(lab_pack, old, new, expected):
    found = problems_after_edit(lab_pack, "kinds", old, new)
    assert any(problem.startswith(expected) or expected in problem for problem in found), found


def test_a_lab_needs_a_check_the_learner_cannot_see_coming(lab_pack):
    text = (lab_pack / "labs/kinds/lab.yaml").read_text()
    hidden = text[text.index("  - name: greets a random name"):text.index("  - name: a missing name")]
    found = problems_after_edit(lab_pack, "kinds", hidden, "")
    assert any("labs/kinds/lab.yaml:" in p and "checks: every lab needs a check whose input the learner never sees" in p
               for p in found), found


def test_generated_events_are_checked_against_the_generators(lab_pack):
    found = problems_after_edit(lab_pack, "kinds", "invoke: {event_json: {}}",
                                "invoke: {generate: {source: s3-put, colour: red}}")
    assert any("checks[2].invoke.generate.colour: s3-put takes no option 'colour'" in p for p in found), found
    found = problems_after_edit(lab_pack, "kinds", "source: s3-put", "source: s4-put")
    assert any("checks[2].invoke.generate.source: unknown event source 's4-put'" in p for p in found), found


def test_generate_names_its_event_with_event_so_source_stays_an_option(lab_pack):
    found = problems_after_edit(lab_pack, "kinds", "invoke: {event_json: {}}",
                                "invoke: {generate: {event: s3-put, source: shop}}")
    assert any("checks[2].invoke.generate.source: s3-put takes no option 'source'" in p for p in found), found
    found = problems_after_edit(lab_pack, "kinds", "event: s3-put, source: shop", "event: eventbridge-custom, source: shop")
    assert not any("generate" in p for p in found), found
    found = problems_after_edit(lab_pack, "kinds", "event: eventbridge-custom", "event: eventbridge")
    assert any("checks[2].invoke.generate.event: unknown event source 'eventbridge'" in p for p in found), found


def test_no_generator_has_an_option_called_event():
    from lambdalearn.runtime.sample_events import SOURCES

    assert not [source.name for source in SOURCES if "event" in source.options]  # `event` names the generator


def test_resource_expectations_name_declared_resources(lab_pack):
    found = problems_after_edit(lab_pack, "aws", "{bucket: outbox, key: \"${id}.txt\"", "{bucket: elsewhere, key: \"${id}.txt\"")
    assert any("labs/aws/lab.yaml:" in p and "checks[0].expect.s3_object: no bucket 'elsewhere' in the lab's resources" in p
               for p in found), found
    found = problems_after_edit(lab_pack, "aws", "key: {pk: S}", "key: {pk: STRING}")
    assert any("resources.tables[0].key: expected the partition key" in p for p in found), found


@pytest.mark.parametrize(("new", "expected"), [
    ("{topic: alarms, count: 1}", "no topic 'alarms' in the lab's resources"),
    ("{topic: alerts}", "expected a mapping with topic and at least one of: contains, count, json, subject"),
    ("{topic: alerts, json: [1]}", "json: expected a mapping"),
    ("{topic: alerts, count: -1}", "count: expected a whole number or {min: N, max: N}"),
])
def test_sns_published_names_a_declared_topic_and_what_to_look_for(lab_pack, new, expected):
    found = problems_after_edit(lab_pack, "aws", "sns_published: {topic: alerts, count: 0}", f"sns_published: {new}")
    assert any("checks[1].expect.sns_published: " + expected in p for p in found), found


def test_python_checks_need_their_function(lab_pack):
    found = problems_after_edit(lab_pack, "pychecks", "python: check_warm", "python: check_cold")
    assert "labs/pychecks/lab.yaml:13: checks[1].python: checks.py defines no function 'check_cold'" in found
    (lab_pack / "labs/pychecks/checks.py").write_text("def broken(:\n")
    found = [str(p) for p in load_pack(lab_pack).problems]
    assert any(p.startswith("labs/pychecks/checks.py: line 1: Python syntax error") for p in found), found


def test_a_tuning_lab_lets_the_learner_edit_function_yaml(lab_pack):
    found = problems_after_edit(lab_pack, "tuning", "tunable: [memory]", "tunable: [memory, handler]")
    assert any("tunable: 'handler' cannot be tuned" in p for p in found), found


def test_missing_folders_are_reported(lab_pack):
    import shutil

    shutil.rmtree(lab_pack / "labs/kinds/solution")
    found = [str(p) for p in load_pack(lab_pack).problems]
    assert "labs/kinds/lab.yaml:1: missing folder solution/: every lab needs a starter and a solution" in found


def test_hints_come_from_lab_yaml_then_the_readme(lab_pack):
    spec = spec_of(lab_pack, "kinds")
    assert read_hints(spec) == ["Read the event.", "Look closer."]


def test_readme_hints_must_be_numbered_as_lab_hint_shows_them(lab_pack):
    readme = lab_pack / "labs/kinds/README.md"
    readme.write_text(readme.read_text().replace("## Hint 2", "## Hint 1"))
    found = [str(p) for p in load_pack(lab_pack).problems]
    assert "labs/kinds/README.md:5: Hint 1: `lab hint` shows this as hint 2 (lab.yaml has 1 before the " \
           "README's): number it ## Hint 2" in found, found


def test_a_solution_copy_of_a_starter_file_that_is_never_run_is_reported(lab_pack):
    (lab_pack / "labs/kinds/starter/helpers.py").write_text("X = 1\n")
    assert not [p for p in load_pack(lab_pack).problems if "never used" in str(p)]
    (lab_pack / "labs/kinds/solution/helpers.py").write_text("X = 1\n")
    found = [str(p) for p in load_pack(lab_pack).problems]
    assert "labs/kinds/lab.yaml:1: solution/helpers.py is never used: checks take it from starter/, and only the " \
           "editable files of solution/ are run; delete it from solution/" in found


def test_instructions_leave_out_the_hint_sections_but_keep_code(lab_pack):
    readme = lab_pack / "labs/kinds/README.md"
    readme.write_text("# kinds\n\nIntro.\n\n```python\n# not a heading\n```\n\n## Hint 2\n\nLook closer.\n"
                      "```python\n# still the hint\n```\n\n## Your steps\n\nRun it.\n\n## Hint 3\n\nLast.\n")
    spec = spec_of(lab_pack, "kinds")
    assert read_instructions(spec) == "# kinds\n\nIntro.\n\n```python\n# not a heading\n```\n\n## Your steps\n\nRun it."
    assert read_hints(spec) == ["Read the event.", "Look closer.\n```python\n# still the hint\n```", "Last."]


def test_solution_files_must_exist_in_the_starter_and_events_must_be_json(lab_pack):
    (lab_pack / "labs/kinds/solution/helpers.py").write_text("X = 1\n")
    (lab_pack / "labs/kinds/events/broken.json").write_text('{"name": \n')
    found = [str(p) for p in load_pack(lab_pack).problems]
    assert "labs/kinds/lab.yaml:1: solution/helpers.py is not in starter/: only starter files (and the editable " \
           "ones from the workspace) are run, so the solution must use the same file names" in found
    assert any(p.startswith("labs/kinds/events/broken.json:2: invalid JSON") for p in found), found
