"""The Deploy screen: watch a release move an alias's traffic, version by version, and roll back on an alarm.

It runs `lambdalearn app deploy` (`apps/deploy_app.py`) on the app's event loop, as the playground runs its
runtime, and draws what the timeline says: the alias's weights as bars, the requests each version served and
failed, every step of the deployment, and how it ended. `r` deploys again (after you change the code).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, RichLog, Static

from lambdalearn.tui.widgets.text import escape

BAR_WIDTH = 40
_STATUS = {
    "waiting": "starting...",
    "deploying": "[b]deploying[/]",
    "succeeded": "[b $success]succeeded[/]: all traffic on the new version",
    "failed": "[b $error]rolled back[/]",
    "created": "[b $success]created[/]: the alias starts on version 1 (nothing to shift from)",
    "unchanged": "unchanged: the code did not change, so nothing was published",
}


def weight_bars(weights: dict[str, float], served: dict[str, int], failed: dict[str, int]) -> str:
    """One line a version (those with a share, and those that served requests): a bar of its share, the share,
    and the requests it served and failed."""
    lines = []
    for version in sorted({*weights, *served}, key=lambda name: int(name) if name.isdigit() else 0):
        share = weights.get(version, 0.0)
        filled = round(share * BAR_WIDTH)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        lines.append(f"version {version:>3} {bar} {share:4.0%}   {served.get(version, 0)} served, "
                     f"{failed.get(version, 0)} failed")
    return "\n".join(lines) or "no alias yet"


class DeployScreen(Screen):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("r", "deploy", "Deploy again")]

    def __init__(self, template: Path, state_dir: Path, *, time_scale: float = 60.0, rate_per_s: float = 1.0) -> None:
        super().__init__()
        self.template = Path(template)
        self.state_dir = Path(state_dir)
        self.time_scale = time_scale
        self.rate_per_s = rate_per_s
        self.tally = None
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header(icon="λ")
        with Vertical(id="deploy"):
            yield Label(f"[b]Deploy[/] {escape(str(self.template))}", id="deploy-title")
            yield Static("", id="deploy-status")
            yield Static("", id="deploy-weights")
            yield RichLog(id="deploy-log", wrap=False, markup=False, max_lines=2000)
        yield Footer()

    def on_mount(self) -> None:
        self.action_deploy()

    def action_back(self) -> None:
        if not self.running:
            self.app.pop_screen()
        else:
            self.notify("The deployment is still running; it ends by itself (or rolls back).", severity="warning")

    def action_deploy(self) -> None:
        if not self.running:
            self.run_deployment()

    @work(exclusive=True, group="deploy")
    async def run_deployment(self) -> None:
        from lambdalearn.apps.deploy import DeploymentTally, Traffic
        from lambdalearn.apps.deploy_app import deploy_app
        from lambdalearn.apps.template import check_template
        from lambdalearn.apps.timeline import as_text

        log = self.query_one("#deploy-log", RichLog)
        app, problems = check_template(self.template)
        if problems or app is None:
            for problem in problems:
                log.write(str(problem))
            self.query_one("#deploy-status", Static).update("[b $error]the template has errors[/] (fix them, then r)")
            return
        self.running = True
        self.tally = DeploymentTally()

        def show(event: dict) -> None:
            self.tally.add(event)
            if event["kind"] != "invocation":
                log.write(as_text(event))
            self._redraw()

        self._redraw()
        try:
            await deploy_app(app, self.state_dir, traffic=Traffic(self.rate_per_s), on_event=show, pace_s=1 / self.time_scale)
        except Exception as error:  # noqa: BLE001 - shown on the screen, never a crash of the app
            log.write(f"the deployment stopped: {error}")
        finally:
            self.running = False
            self._redraw()

    def _redraw(self) -> None:
        tally = self.tally
        if tally is None:
            return
        status = _STATUS.get(tally.status, tally.status)
        if tally.reason:
            status += f": {escape(tally.reason)}"
        self.query_one("#deploy-status", Static).update(status)
        self.query_one("#deploy-weights", Static).update(escape(weight_bars(tally.weights, tally.served, tally.failed)))
