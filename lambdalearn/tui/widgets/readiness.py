"""The readiness prediction in one line of markup, for the home, stats and exam setup screens."""

from __future__ import annotations

from lambdalearn.study.readiness import Readiness


def readiness_markup(readiness: Readiness) -> str:
    """"Readiness: 64% predicted (52-76%), pass mark 72%", coloured by where the band sits."""
    if readiness.low >= readiness.pass_mark:
        colour = "$success"
    elif readiness.high < readiness.pass_mark:
        colour = "$error"
    else:
        colour = "$warning"
    return (f"Exam readiness: [b {colour}]{readiness.predicted:.0f}%[/] predicted "
            f"[dim](90% band {readiness.low:.0f}-{readiness.high:.0f}%)[/], pass mark {readiness.pass_mark:g}%")
