"""A lesson's cheat sheet cites the AWS pages its numbers come from (front matter `cheat_sheet`): validated
when the lesson loads, required by `pack lint` when pack.yaml sets `lint.sourced_cheat_sheets`, and
counted by `pack stats`, which names the sheets verified more than a year ago."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.loader import load_pack
from lambdalearn.content.pack_stats import pack_statistics

from .test_bank_lint import declare, warnings

PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"


def write_lesson(root, cheat_sheet_yaml: str, sheet: str = "| Timeout | 900 s |") -> None:
    """Lesson 03 of the mini pack, with `cheat_sheet_yaml` in its front matter and `sheet` as its cheat sheet."""
    (root / "content" / "03-quotas.md").write_text(
        "---\nid: quotas\ntitle: Quotas\norder: 3\ndifficulty: beginner\nxp: 10\nminutes: 1\ntags: [limits]\n"
        f"summary: The quotas.\n{cheat_sheet_yaml}---\n\n## Quotas\n\nSome text.\n\n## Cheat sheet\n\n{sheet}\n\n"
        "## What changed\n\nNothing with a 7 in it counts here.\n")


def problems(root) -> list[str]:
    return [str(p) for p in load_pack(root).problems if p.path == "content/03-quotas.md"]


def test_a_cheat_sheet_with_its_pages_and_date_loads_onto_the_lesson(mini_pack):
    write_lesson(mini_pack, f"cheat_sheet:\n  sources: [{PAGE}]\n  verified: 2026-12-05\n")
    lesson = load_pack(mini_pack).lesson("quotas")
    assert lesson.cheat_sheet_sources == (PAGE,) and lesson.cheat_sheet_verified == date(2026, 12, 5)
    assert problems(mini_pack) == []


def test_a_page_outside_aws_documentation_or_over_http_is_refused_with_its_line(mini_pack):
    write_lesson(mini_pack, f"cheat_sheet:\n  sources:\n    - {PAGE}\n    - http://docs.aws.amazon.com/x.html\n"
                            "    - https://example.com/limits\n  verified: 2026-12-05\n")
    assert problems(mini_pack) == [
        "content/03-quotas.md:13: cheat_sheet.sources[1]: 'http://docs.aws.amazon.com/x.html' is not an https URL "
        "of an AWS documentation page (docs.aws.amazon.com)",
        "content/03-quotas.md:14: cheat_sheet.sources[2]: 'https://example.com/limits' is not an https URL "
        "of an AWS documentation page (docs.aws.amazon.com)"]


def test_the_date_must_be_a_real_one_and_both_keys_go_together(mini_pack):
    write_lesson(mini_pack, "cheat_sheet:\n  verified: 5 December 2026\n")
    assert problems(mini_pack) == [
        "content/03-quotas.md:11: cheat_sheet.verified: expected a date as YYYY-MM-DD, got '5 December 2026'",
        "content/03-quotas.md:11: cheat_sheet.verified: give 'sources' with 'verified': a fact's page and the date "
        "it was checked go together"]
    write_lesson(mini_pack, f"cheat_sheet:\n  sources: [{PAGE}]\n  verified: 2026-02-30\n")
    assert problems(mini_pack) == [
        "content/03-quotas.md:12: cheat_sheet.verified: '2026-02-30' is not a valid !!timestamp (ValueError)"]
    write_lesson(mini_pack, f"cheat_sheet:\n  sources: [{PAGE}]\n  checked: 2026-12-05\n")
    assert problems(mini_pack) == [
        "content/03-quotas.md:11: cheat_sheet.sources: give 'verified' with 'sources': a fact's page and the date "
        "it was checked go together",
        "content/03-quotas.md:12: cheat_sheet.checked: unknown key"]
    write_lesson(mini_pack, f"cheat_sheet: {PAGE}\n")
    assert problems(mini_pack) == [
        "content/03-quotas.md:10: cheat_sheet: expected a mapping with 'sources' (AWS doc pages) and 'verified' (a date)"]


def test_lint_asks_only_cheat_sheets_that_state_numbers_for_their_pages_when_the_pack_opts_in(mini_pack):
    write_lesson(mini_pack, "")
    assert warnings(mini_pack, "unsourced") == []
    declare(mini_pack, "lint:\n  sourced_cheat_sheets: true\n")
    assert warnings(mini_pack, "unsourced") == [
        "content/03-quotas.md:16: the cheat sheet of 'quotas' states numbers without front matter "
        "'cheat_sheet: {sources: [AWS doc pages], verified: YYYY-MM-DD}'"]
    write_lesson(mini_pack, "", sheet="| Grant | `s3.amazonaws.com`; alarm on p99 of `python3.14` functions |")
    assert warnings(mini_pack, "unsourced") == []
    write_lesson(mini_pack, f"cheat_sheet:\n  sources: [{PAGE}]\n  verified: 2026-12-05\n")
    assert warnings(mini_pack, "unsourced") == []


def test_pack_stats_counts_sourced_cheat_sheets_and_names_the_stale_ones(mini_pack):
    write_lesson(mini_pack, f"cheat_sheet:\n  sources: [{PAGE}]\n  verified: 2025-06-01\n")
    sheets = pack_statistics(load_pack(mini_pack), date(2026, 12, 5))["cheat_sheets"]
    assert sheets == {"with_numbers": 1, "sourced": 1, "stale": ["quotas"]}
    assert pack_statistics(load_pack(mini_pack), date(2026, 5, 31))["cheat_sheets"]["stale"] == []
    printed = CliRunner().invoke(cli, ["pack", "stats", str(mini_pack)]).output
    assert "cheat sheets:\n  stating numbers, citing a source 1 of 1\n  verified over a year ago         1: quotas" in printed
