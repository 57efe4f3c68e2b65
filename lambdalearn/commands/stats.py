"""`lambdalearn stats`: the learner's figures, as a table or as JSON for scripts."""

from __future__ import annotations

import json

import click

from lambdalearn.commands.common import load_catalog, open_store
from lambdalearn.study.readiness import predict
from lambdalearn.study.standing import exam_pack, progress_of, standing_rows
from lambdalearn.progress.stats import summary
from lambdalearn.progress.xp import level_for

STATS_KEYS = ("xp", "level", "streak_days", "reviews", "due_now", "cards", "lessons_completed", "course", "readiness")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (keys: " + ", ".join(STATS_KEYS) + ").")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Show XP, level, streak, reviews and what is due."""
    store = open_store(ctx)
    figures = summary(store)
    packs = load_catalog(ctx).packs
    progress = progress_of(store, packs)
    figures["course"] = {"percent": progress.percent, "lessons_done": progress.lessons_done,
                         "lessons": progress.lessons, "labs_done": progress.labs_done, "labs": progress.labs}
    pack = exam_pack(packs)
    readiness = predict(store, pack) if pack else None
    figures["readiness"] = readiness.as_json() if readiness else None
    if as_json:
        click.echo(json.dumps({key: figures[key] for key in STATS_KEYS}))
        return
    level = level_for(figures["xp"])
    rows = [
        ("Level", f"{level.level}  ({figures['xp']} XP, {level.next_level_xp - figures['xp']} XP to level {level.level + 1})"),
        ("Streak", f"{figures['streak_days']} day{'s' if figures['streak_days'] != 1 else ''}"),
        ("Due now", str(figures["due_now"])),
        ("Cards", f"{figures['cards']} known to the scheduler"),
        ("Reviews", f"{figures['reviews']} in total"),
        ("Lessons done", str(figures["lessons_completed"])),
    ]
    if figures.get("retention_30d") is not None:
        rows.append(("Retention", f"{figures['retention_30d']:.0%} of reviews right in the last 30 days"))
    if figures.get("leeches"):
        rows.append(("Leeches", f"{figures['leeches']} card(s) missed 8 times or more: reread their lessons"))
    rows += standing_rows(store, packs, readiness=readiness, progress=progress)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value}")

