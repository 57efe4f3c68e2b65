"""The playground's chart: admitted requests running at once and throttles, per time bucket of a run.

A plotext chart (textual-plotext): import this module only where the chart is shown. The y ticks depend on
the widget's height (room for the legend, which plotext draws in the plot's top-left corner), so the chart
draws itself again whenever it is resized; on a short terminal it drops the legend and the throttle line.
"""

from __future__ import annotations

import math

from textual_plotext import PlotextPlot

from lambdalearn.runtime.concurrency_trace import Bucket, time_label


def whole_ticks(top: int, most: int = 5) -> list[int]:
    """At most `most` whole-number ticks from 0 to at least `top` (requests come in whole numbers)."""
    step = max(1, -(-top // (most - 1)))
    return list(range(0, top + step, step))


class ConcurrencyChart(PlotextPlot):
    """Running requests (the most in each bucket), throttles, and the reserved concurrency line."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.buckets: list[Bucket] = []
        self.reserved: int | None = None
        self.compact = False

    def show(self, buckets: list[Bucket], reserved: int | None, *, compact: bool) -> None:
        """Draw these buckets (none: an empty chart); `compact` for a terminal with no room for a legend."""
        self.buckets, self.reserved, self.compact = buckets, reserved, compact
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not self.buckets:
            plt.title("Concurrency over time: no run yet")
        else:
            ticks = self._plot_compact() if self.compact else self._plot_with_legend()
            plt.ylim(0, ticks[-1])
            plt.yticks(ticks)
        self.refresh()

    def _series(self) -> tuple[list[float], list[int], list[int]]:
        return ([bucket.start_s for bucket in self.buckets], [bucket.running for bucket in self.buckets],
                [bucket.throttles for bucket in self.buckets])

    def _plot_compact(self) -> list[int]:
        """What ran against the limit named in the title (the screen counts the throttles above the chart)."""
        xs, running, _ = self._series()
        limit = f" (reserved {self.reserved})" if self.reserved is not None else ""
        self.plt.title(f"Running at once per {time_label(self.buckets[0].width_s)}{limit}")
        if self.reserved is not None:
            self.plt.plot(xs, [self.reserved] * len(xs), marker="braille")
        self.plt.plot(xs, running, marker="braille")
        return whole_ticks(max(running + [self.reserved or 0, 1]), most=3)

    def _plot_with_legend(self) -> list[int]:
        """Reserved first, then throttles, then what ran on top (it often sits on the limit)."""
        xs, running, throttles = self._series()
        plt = self.plt
        plt.title(f"Running at once, throttles per {time_label(self.buckets[0].width_s)}")
        if self.reserved is not None:
            plt.plot(xs, [self.reserved] * len(xs), label="reserved", marker="braille")
        if any(throttles):
            plt.plot(xs, throttles, label="throttles", marker="braille")
        plt.plot(xs, running, label="running", marker="braille")
        plt.xlabel("seconds")
        rows = max(1, self.size.height - 5)  # the plot's rows: the title, frame, tick labels and x label take 5
        labels = 1 + (self.reserved is not None) + any(throttles)
        top = max(running + throttles + [self.reserved or 0, 1])
        return whole_ticks(math.ceil(top * rows / max(1, rows - labels)))
