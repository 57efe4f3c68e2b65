"""The app's error boundary: a failure in a handler or a worker ends the app with one line and a log."""

from __future__ import annotations

import pytest


def broken(*_args, **_kwargs):
    raise RuntimeError("figures went missing")


@pytest.mark.parametrize("target", ["lambdalearn.tui.screens.home.HomeScreen.refresh_figures",
                                    "lambdalearn.study.catalog.Catalog.load"])
async def test_a_failure_in_a_screen_or_a_worker_becomes_one_line_and_a_logged_traceback(make_app, data_dir, target):
    app = make_app()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(target, broken)
        with pytest.raises(Exception, match="figures went missing"):  # run_test raises it again for tests
            async with app.run_test() as pilot:
                for _ in range(400):  # until the boundary has ended the app
                    if app.return_code is not None:
                        break
                    await pilot.pause(0.025)
    assert app.return_code == 1
    assert app.load_error.startswith("the lambdalearn app failed: RuntimeError: figures went missing (at ")
    assert "\n" not in app.load_error and str(data_dir / "logs" / "errors.log") in app.load_error
    assert "figures went missing" in (data_dir / "logs" / "errors.log").read_text()
