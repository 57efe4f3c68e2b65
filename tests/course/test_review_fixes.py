"""The facts the issue-16 review corrected stay corrected in the course text.

Each test names the AWS page the rule was checked against (2026-12-05).
"""

from __future__ import annotations

import re

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack

COURSE = load_pack(bundled_pack_root())


def body(lesson_id: str) -> str:
    return " ".join(COURSE.lesson(lesson_id).body.split())


def test_lesson_10_teaches_every_throttle_reason_of_a_429():
    """TooManyRequestsException.Reason values, per
    https://docs.aws.amazon.com/botocore/latest/reference/services/lambda/client/exceptions/TooManyRequestsException.html"""
    text = body("concurrency")
    for reason in ("ReservedFunctionConcurrentInvocationLimitExceeded", "ConcurrentInvocationLimitExceeded",
                   "ReservedFunctionInvocationRateLimitExceeded", "FunctionInvocationRateLimitExceeded",
                   "CallerRateLimitExceeded", "ConcurrentSnapshotCreateLimitExceeded"):
        assert f"`{reason}`" in text, reason


def test_provisioned_concurrency_is_billed_in_five_minute_blocks_everywhere_it_is_priced():
    """Rounded up to the nearest 5 minutes, per https://aws.amazon.com/lambda/pricing/"""
    for lesson in ("cold-starts", "concurrency", "pricing"):
        assert "5-minute blocks" in body(lesson), lesson
    assert "by the hour while it is configured" not in body("cold-starts")
    for lesson in COURSE.lessons:
        for unit in _units_matching(lesson.id, r"(?i)provisioned concurrency"):
            assert not re.search(r"per[ -]second|every second", unit), (lesson.id, unit)


def test_arm64_has_its_own_first_price_tier():
    """6 B GB-s on x86_64, 7.5 B on arm64, per https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/"""
    assert "7.5 billion GB-s on arm64" in body("pricing")


def test_every_function_url_needs_both_actions_since_november_2026():
    """Per https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html and AWS's notice for existing URLs."""
    assert "1 November 2026" in body("edge-and-function-urls") and "1 November 2026" in body("security")


def test_the_batching_arithmetic_of_lesson_9():
    """50 messages/s in batches of 100: one batch every 2 s, 30 invocations a minute."""
    assert "about **30** invocations a minute" in body("event-source-mappings")


def _units(lesson_id: str) -> list[str]:
    """A lesson's body cut into what a reader takes in at once: each table row, each paragraph or bullet."""
    units: list[str] = []
    for block in COURSE.lesson(lesson_id).body.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith("|"):
            units.extend(lines)
        else:
            units.extend(" ".join(item.split()) for item in re.split(r"\n(?=- )", block))
    return units


def _units_matching(lesson_id: str, pattern: str | re.Pattern[str]) -> list[str]:
    """The units of a lesson that `pattern` finds something in."""
    return [unit for unit in _units(lesson_id) if re.search(pattern, unit)]


CAP = re.compile(r"\b900 s|\b900 seconds|to 900\b|15 minutes per invocation")


def test_the_fifteen_minute_cap_names_the_managed_instances_exception():
    """5,400 s for async and event-source-mapping invocations on Managed Instances, per
    https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"""
    assert "5,400 seconds" in body("why-serverless")
    assert "5,400 seconds" in COURSE.question("num-07").back
    for lesson in ("why-serverless", "execution-lifecycle", "limits"):
        assert "5,400" in body(lesson), lesson
        for unit in _units_matching(lesson, CAP):
            assert "Managed Instances" in unit, (lesson, unit)


def test_the_course_is_clean_under_strict_lint_so_no_stale_rule_is_taught_as_current():
    """pack.yaml lists the old rules (75 GB of code storage among them: 300 GB of Lambda-managed storage per
    Region, per https://docs.aws.amazon.com/lambda/latest/dg/configuration-self-managed-storage.html); only
    "What changed" notes and items tagged what-changed may quote them."""
    from lambdalearn.content.lint import lint_pack

    warnings = [f"{p.source}:{p.line}: {p.message}" for p in lint_pack(COURSE)]
    assert warnings == []


def test_snapstart_runtimes_are_taught_as_the_supported_ones_of_today():
    """SnapStart's floor is Java 11, Python 3.12 and .NET 8 (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html),
    but java11 and java17 were deprecated on 30 June 2026 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-java.html)
    and dotnet8 on 10 November 2026 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-csharp.html)."""
    rows = [u for u in _units("cold-starts") if u.startswith(("| Runtimes", "| SnapStart runtimes"))]
    assert len(rows) == 2
    for row in rows:
        for runtime in ("`java21`", "`java25`", "`python3.12`", "`dotnet10`"):
            assert runtime in row, (runtime, row)
    for unit in _units_matching("cold-starts", r"Java 11|\.NET 8|java11|dotnet8"):
        assert "deprecated" in unit, unit
    assert "deprecated" in COURSE.question("num-48").back
    cs05 = COURSE.question("cs-05")
    keys = {cs05.choices[n - 1].text for n in cs05.answer}
    assert ".NET 8" not in keys and "Java 11" not in keys


def test_a_runtime_offered_for_new_work_is_not_a_deprecated_one():
    """dotnet8 was deprecated on 10 November 2026 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-csharp.html),
    so lesson 02 no longer offers it for new functions, and wherever SnapStart's .NET 8 floor is quoted the
    text says that dotnet8 itself is deprecated now."""
    offered = [u for u in _units("core-components") if u.startswith("| .NET |")]
    assert offered == ["| .NET | `dotnet10` |"]
    for unit in _units_matching("core-components", r"dotnet8|\.NET 8"):
        assert "deprecated" in unit, unit
    for lesson in ("best-practices", "interview-readiness"):
        snapstart = [u for u in _units_matching(lesson, r"\.NET 8") if "SnapStart" in u]
        assert snapstart, lesson
        assert all("deprecated" in u for u in snapstart), (lesson, snapstart)
    stale = {rule.phrase: rule.now for rule in COURSE.manifest.lint.stale_phrases}
    assert "dotnet10" in stale["SnapStart is a Java feature"]


def _wrong_choices_all_say_why(question) -> bool:
    answer = question.answer if isinstance(question.answer, frozenset) else {question.answer}
    return all(choice.why for n, choice in enumerate(question.choices, 1) if n not in answer)


def test_bp_07_tests_the_dlq_retention_rule_not_the_visibility_timeout_of_esm_01():
    """A standard queue's message keeps its enqueue time in the DLQ, per
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html"""
    bp07, esm01 = COURSE.question("bp-07"), COURSE.question("esm-01")
    assert "visibility timeout" in esm01.prompt and "visibility timeout" not in bp07.prompt
    assert "maxReceiveCount" in bp07.prompt and "enqueue" in bp07.explanation
    assert _wrong_choices_all_say_why(bp07)
    assert len(bp07.explanation.split()) >= 50
    assert "longer than the source queue's" in body("best-practices")


def test_bp_11_offers_plausible_choices_and_explains_only_what_it_offers():
    bp11 = COURSE.question("bp-11")
    texts = " ".join(choice.text for choice in bp11.choices).lower()
    assert "busy loop" not in texts
    assert _wrong_choices_all_say_why(bp11)
    for offered_elsewhere in ("durable",):
        assert offered_elsewhere not in bp11.explanation.lower() or offered_elsewhere in texts
    assert "Wait state" in bp11.explanation


def test_every_cheat_sheet_that_states_a_number_cites_its_aws_pages():
    """Issue 16 point 5: the cheat sheets' figures carry their AWS doc pages and the date they were checked."""
    assert COURSE.manifest.lint.sourced_cheat_sheets
    numeric = [lesson for lesson in COURSE.lessons if lesson.cheat_sheet_states_numbers]
    assert len(numeric) >= 24
    for lesson in numeric:
        assert lesson.cheat_sheet_sources and lesson.cheat_sheet_verified is not None, lesson.id
