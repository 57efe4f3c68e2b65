"""The mock exam tracks the DVA-C02 exam guide and draws apply/analyse items and scenarios more than recall.

DVA-C02 domain weights (Development with AWS Services 32%, Security 26%, Deployment 24%, Troubleshooting
and Optimization 18%; 65 questions in 130 minutes) as published in AWS's exam guide for the AWS Certified
Developer - Associate: https://aws.amazon.com/certification/certified-developer-associate/
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.content.questions import Choice, SingleChoice
from lambdalearn.study.catalog import Entry
from lambdalearn.study.exam import build_exam, draw_weight, weighted_sample

GUIDE = """\
  guide:
    code: DVA-C02
    title: AWS Certified Developer - Associate
    domains:
      - id: development
        title: Development with AWS Services
        weight: 60
      - id: security
        title: Security
        weight: 40
"""


def test_the_course_blueprint_rolls_up_to_the_dva_c02_weights():
    blueprint = load_pack(bundled_pack_root()).manifest.exam
    assert (blueprint.guide.code, blueprint.questions, blueprint.minutes) == ("DVA-C02", 65, 130)
    rollup = Counter()
    for domain in blueprint.domains:
        rollup[domain.guide_domain] += domain.weight
    assert dict(rollup) == {"development": 32, "security": 26, "deployment": 24, "troubleshooting": 18}
    assert {d.id: d.weight for d in blueprint.guide.domains} == dict(rollup)


def with_guide(pack: Path, basics: str = "development", limits: str = "security") -> None:
    manifest = pack / "pack.yaml"
    text = manifest.read_text().replace("  domains:\n", GUIDE + "  domains:\n", 1)
    text = text.replace("      weight: 60\n    - id: limits", f"      weight: 60\n      guide_domain: {basics}\n    - id: limits")
    manifest.write_text(text.rstrip("\n") + f"\n      guide_domain: {limits}\n")


def test_a_guide_maps_each_course_domain(mini_pack):
    with_guide(mini_pack)
    blueprint = load_pack(mini_pack).manifest.exam
    assert [(d.id, d.guide_domain) for d in blueprint.domains] == [("basics", "development"), ("limits", "security")]


def test_the_course_domains_must_weigh_what_the_guide_gives_their_guide_domain(mini_pack):
    with_guide(mini_pack, limits="development")  # limits (40%) now counts toward development too
    problems = [str(p) for p in load_pack(mini_pack).problems]
    assert any("the domains counting toward DVA-C02 'development' weigh 100%, the guide gives it 60%" in p
               for p in problems), problems


def test_a_guide_domain_must_exist(mini_pack):
    with_guide(mini_pack, limits="networking")
    problems = [str(p) for p in load_pack(mini_pack).problems]
    assert any(p.endswith("guide_domain: 'networking' is not a domain of DVA-C02; its domains: development, security")
               for p in problems), problems


def item(qid: str, level: str, words: int = 8) -> SingleChoice:
    prompt = " ".join(["word"] * words) + (" Which option is MOST cost-effective?" if words > 60 else "?")
    return SingleChoice(id=qid, prompt=prompt, level=level, choices=(Choice("a"), Choice("b")), answer=1)


def test_draw_weights_favour_apply_analyse_and_scenarios():
    assert draw_weight(item("r", "remember")) == 1.0
    assert draw_weight(item("p", "apply")) == 2.0
    assert draw_weight(item("a", "analyse")) == 3.0
    assert draw_weight(item("s", "analyse", words=70)) == 4.5


def test_the_draw_leans_toward_apply_and_analyse_yet_keeps_recall_items():
    pack = load_pack(bundled_pack_root())
    pool = [Entry(pack, item(f"r{i}", "remember")) for i in range(30)] + \
           [Entry(pack, item(f"a{i}", "analyse")) for i in range(10)]
    drawn = weighted_sample(pool, 10, random.Random(7))
    levels = Counter(entry.question.level for entry in drawn)
    assert len({entry.question.id for entry in drawn}) == 10
    # A uniform draw would give 2.5 analyse items on average; weighting by 3 roughly doubles that.
    assert levels == {"analyse": 5, "remember": 5}


def test_a_full_mock_exam_of_the_course_is_mostly_apply_and_analyse():
    course = load_pack(bundled_pack_root())
    exam = build_exam(course, rng=random.Random(11))
    levels = Counter(item.entry.question.level for item in exam.items)
    bank = Counter(q.level for q in course.questions() if q.gradable)
    exam_share = (levels["apply"] + levels["analyse"]) / len(exam.items)
    bank_share = (bank["apply"] + bank["analyse"]) / sum(bank.values())
    assert exam_share > bank_share and levels["remember"] > 0


def test_pack_info_shows_the_guide_and_what_each_domain_counts_toward():
    from click.testing import CliRunner

    from lambdalearn.cli import cli

    printed = CliRunner().invoke(cli, ["pack", "info", "lambda-core"]).output
    assert "mock exam: 65 questions in 130 min, pass mark 72%" in printed
    assert "26%  Security and networking (security, counts toward security)" in printed
    assert "tracks DVA-C02 (AWS Certified Developer - Associate):" in printed
    assert "18%  Troubleshooting and Optimization (troubleshooting)" in printed
