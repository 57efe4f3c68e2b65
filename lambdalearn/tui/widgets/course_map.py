"""The course map table: like a DataTable, but one click on a lesson opens it (a DataTable wants two)."""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable


class CourseMap(DataTable):
    def _on_click(self, event: events.Click) -> None:
        """Put the cursor on the clicked row first; DataTable's own click handler (which Textual runs after
        this one) then sees a click on the cursor row and selects it."""
        row, column = event.style.meta.get("row", -1), event.style.meta.get("column", -1)
        if row >= 0 and column >= 0:
            self.move_cursor(row=row, column=column, animate=False)
