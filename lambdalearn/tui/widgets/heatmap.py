"""A study heatmap: one cell per day for the last weeks, darker for more answers (like a code host's)."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

LEVELS = ("·", "░", "▒", "▓", "█")
DAY_NAMES = ("Mon", "   ", "Wed", "   ", "Fri", "   ", "Sun")


def heatmap_markup(days: list[tuple[date, int]]) -> str:
    """Rows Monday..Sunday, one column a week, oldest week on the left; `days` oldest first."""
    if not days:
        return ""
    most = max(count for _, count in days) or 1
    first = days[0][0]
    offset = first.weekday()
    weeks = (offset + len(days) + 6) // 7
    grid = [[" "] * weeks for _ in range(7)]
    for index, (day, count) in enumerate(days):
        slot = offset + index
        level = 0 if count == 0 else 1 + min(3, (count * 4 - 1) // most)
        cell = LEVELS[level]
        grid[day.weekday()][slot // 7] = f"[$success]{cell}[/]" if count else f"[dim]{cell}[/]"
    rows = [f"{DAY_NAMES[weekday]} " + "".join(grid[weekday]) for weekday in range(7)]
    legend = "    less " + " ".join(LEVELS) + " more"
    return "\n".join(rows) + "\n" + legend


class Heatmap(Static):
    def show(self, days: list[tuple[date, int]]) -> None:
        self.update(heatmap_markup(days))
