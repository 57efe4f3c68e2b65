"""`lambdalearn plan --exam-date DATE`: daily new-card and review targets that reach the mock exam's pass
mark with a margin by that date (the FSRS schedule simulated from your cards)."""

from __future__ import annotations

from datetime import date, datetime

import click

from lambdalearn.commands.common import load_catalog, open_store


@click.command()
@click.option("--exam-date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day of your exam, as YYYY-MM-DD.")
@click.option("--pack", "pack_id", help="The pack whose mock exam to plan for (default: the first with one).")
@click.pass_context
def plan(ctx: click.Context, exam_date: datetime, pack_id: str | None) -> None:
    """How many new cards a day (and about how many reviews) reach the pass mark by the exam date."""
    from lambdalearn.study.plan import MARGIN, PlanError, make_plan
    from lambdalearn.study.standing import exam_pack

    packs = [p for p in load_catalog(ctx).packs if pack_id is None or p.id == pack_id]
    pack = exam_pack(packs)
    if pack is None:
        raise click.UsageError(f"no pack '{pack_id}' with a mock exam" if pack_id else "no pack has a mock exam")
    try:
        result = make_plan(open_store(ctx), pack, exam_date.date(), date.today())
    except PlanError as exc:
        raise click.UsageError(str(exc)) from None
    r = result.readiness
    days = f"{result.days} day{'s' if result.days != 1 else ''}"
    if result.reaches:
        click.echo(f"To reach {r.pass_mark:g}% + {MARGIN:g} on {pack.id}'s mock exam by {result.exam_date} ({days}):")
    else:
        click.echo(f"No daily load reaches {r.pass_mark:g}% + {MARGIN:g} by {result.exam_date} ({days}); the best plan:")
    click.echo(f"  new cards a day: {result.new_per_day}")
    click.echo(f"  reviews a day:   about {result.reviews_per_day:.0f} (at most {result.peak_reviews})")
    click.echo(f"  predicted score on the day: {r.predicted:.0f}% (90% band {r.low:.0f}-{r.high:.0f}%)")
    click.echo(f"Study with `lambdalearn quiz --new {result.new_per_day}` each day (a request: past the daily limit).")
