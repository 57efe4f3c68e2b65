"""Stats: the headline figures of `lambdalearn stats`, reviews per day and the due forecast as charts, a
study heatmap, true retention, XP over time and leeches. Plotting is imported here and only here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static
from textual_plotext import PlotextPlot

from lambdalearn.content.questions import display_prompt
from lambdalearn.progress.history import xp_per_day
from lambdalearn.progress.stats import due_forecast, leeches, reviews_per_day, summary
from lambdalearn.study.standing import standing_rows
from lambdalearn.tui.widgets.heatmap import Heatmap
from lambdalearn.tui.widgets.text import escape, inline

REVIEW_DAYS = 30
FORECAST_DAYS = 14
HEATMAP_DAYS = 7 * 26


class StatsScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("r,f5", "refresh_stats", "Refresh")]

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with VerticalScroll(id="stats-body"):
            yield Static("", id="headline")
            with Horizontal(classes="charts"):
                yield PlotextPlot(id="reviews-chart")
                yield PlotextPlot(id="forecast-chart")
            yield Label("[b]Study heatmap[/] (last 26 weeks)")
            yield Heatmap(id="heatmap")
            with Horizontal(classes="charts"):
                yield PlotextPlot(id="xp-chart")
            yield Label("[b]Leeches[/]: cards missed 8 times or more; reread their lessons")
            yield DataTable(id="leeches", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.query_one("#leeches", DataTable).add_columns("Pack", "Question", "Lapses")
        self.action_refresh_stats()

    def action_refresh_stats(self) -> None:
        from lambdalearn.progress.xp import level_for

        store, now = self.app.store, self.app.now()
        figures = summary(store, now)
        level = level_for(figures["xp"])
        retention = figures["retention_30d"]
        streak = figures["streak_days"]
        rows = [
            ("Level", f"{level.level}  ({figures['xp']} XP, {level.next_level_xp - figures['xp']} XP to level {level.level + 1})"),
            ("Streak", f"{streak} day{'s' if streak != 1 else ''}"),
            ("Due now", str(figures["due_now"])),
            ("Cards", f"{figures['cards']} known to the scheduler"),
            ("Reviews", f"{figures['reviews']} in total"),
            ("Lessons done", str(figures["lessons_completed"])),
            ("Retention", f"{retention:.0%} of reviews right in the last 30 days" if retention is not None
             else "none yet: it counts reviews of cards you already know (last 30 days)"),
            ("Leeches", str(figures["leeches"])),
            *standing_rows(store, self.app.shown_packs(), now),
        ]
        self.query_one("#headline", Static).update("\n".join(f"[b]{name:<13}[/]{escape(value)}" for name, value in rows))
        self._bar("#reviews-chart", f"Answers per day (last {REVIEW_DAYS} days)", reviews_per_day(store, REVIEW_DAYS, now))
        self._bar("#forecast-chart", f"Due forecast (next {FORECAST_DAYS} days)", due_forecast(store, FORECAST_DAYS, now))
        self.query_one("#heatmap", Heatmap).show(reviews_per_day(store, HEATMAP_DAYS, now))
        self._xp_chart(xp_per_day(store, REVIEW_DAYS, now))
        self._leeches(leeches(store))

    def _bar(self, selector: str, title: str, series) -> None:
        plt = self.query_one(selector, PlotextPlot).plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        counts = [count for _, count in series]
        plt.bar([day.strftime("%d/%m") for day, _ in series], counts)
        _whole_number_ticks(plt, max(counts))
        plt.xticks([0, len(series) // 2, len(series) - 1],
                   [series[0][0].strftime("%d/%m"), series[len(series) // 2][0].strftime("%d/%m"),
                    series[-1][0].strftime("%d/%m")])
        self.query_one(selector, PlotextPlot).refresh()

    def _xp_chart(self, series) -> None:
        plot = self.query_one("#xp-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(f"Total XP (last {REVIEW_DAYS} days)")
        totals = [total for _, _, total in series]
        plt.plot(list(range(len(series))), totals, marker="braille")
        _whole_number_ticks(plt, max(totals))
        plt.xticks([0, len(series) - 1], [series[0][0].strftime("%d/%m"), series[-1][0].strftime("%d/%m")])
        plot.refresh()

    def _leeches(self, rows) -> None:
        table = self.query_one("#leeches", DataTable)
        table.clear()
        for pack_id, item_id, lapses in rows:
            entry = self.app.catalog.entry(pack_id, item_id)
            label = display_prompt(entry.question).strip() if entry else item_id
            table.add_row(inline(pack_id), inline(label[:70]), str(lapses))
        if not rows:
            table.add_row("", "no leeches: well done", "")

    def action_back(self) -> None:
        self.dismiss()


def _whole_number_ticks(plt, highest: int) -> None:
    """Counts are whole numbers: at most five integer ticks on the y axis."""
    step = max(1, -(-highest // 4))
    plt.yticks(list(range(0, highest + step, step)))
