"""Running a lab's checks against a workspace: `LabRunner` (asyncio) and `run_checks` (plain call).

    report = run_checks(spec, workspace)          # LabReport: .passed, .checks[i].status/message/output

One run: stage the code (starter + the learner's editable files) in a temporary folder, read the learner's
function.yaml for a tuning lab, start a local AWS when the lab declares resources, then run the checks in
order, each against a fresh function (or, with `reuse_environments`, the same warm one). Everything started
is stopped in `finally` blocks, so an error or a Ctrl-C (which cancels the run) leaves no environment
process, fork server or moto server behind.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lambdalearn.content.labs import Check, LabSpec, config_problem
from lambdalearn.labs.checks_process import ChecksFailed, run_checks_function
from lambdalearn.labs.context import LabContext, close_runtimes
from lambdalearn.labs.expectations import evaluate
from lambdalearn.labs.local_aws import LocalAws, require_loopback
from lambdalearn.labs.report import ERROR, FAIL, PASS, CheckResult, LabReport
from lambdalearn.labs.variables import draw, substitute
from lambdalearn.labs.workspace import WorkspaceError, read_tuning, stage

OUTPUT_LINES = 15
# How long one checks.py function may run (its invocations included) before it is reported and stopped.
CHECKS_PY_TIMEOUT_S = 120.0
# Where handlers of labs without resources would send AWS calls: loopback, and nothing listens there.
NO_AWS_ENDPOINT = "http://127.0.0.1:9"


class LabRunner:
    """Runs every check of `spec` against `workspace` (or the solution, for authors) and reports."""

    def __init__(
        self,
        spec: LabSpec,
        workspace: Path,
        *,
        seed: int | None = None,
        on_check: Callable[[CheckResult], None] | None = None,
        on_log: Callable[[str], None] | None = None,
        pack_id: str | None = None,
        checks_timeout_s: float = CHECKS_PY_TIMEOUT_S,
    ) -> None:
        self.spec = spec
        self.workspace = Path(workspace)
        self.rng = random.Random(seed)
        self.on_check = on_check  # called after each check, for live status
        self.on_log = on_log  # called with every log line of the function (START ... REPORT), as it comes
        self.pack_id = pack_id
        self.checks_timeout_s = checks_timeout_s  # the deadline of each checks.py function

    async def run(self) -> LabReport:
        started = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=f"lambdalearn-lab-{self.spec.id}-"))
        aws: LocalAws | None = None
        launcher = None
        shared: dict[str, Any] | None = {} if self.spec.reuse_environments else None
        try:
            try:
                overrides = read_tuning(self.spec, self.workspace)
                stage(self.spec, self.workspace, staging)
            except WorkspaceError as exc:
                return self._unrunnable(str(exc), started)
            from lambdalearn.runtime.launcher import ForkServerLauncher

            launcher = ForkServerLauncher()
            try:
                if self.spec.resources.empty:
                    await launcher.start()
                else:  # both take a few hundred milliseconds: start them side by side
                    aws = LocalAws(self.spec.resources)
                    await asyncio.gather(asyncio.to_thread(aws.wait_ready), launcher.start())
                endpoint = require_loopback(aws.endpoint_url if aws else NO_AWS_ENDPOINT)
            except Exception as exc:  # this machine cannot run the lab: say so in one line
                return self._unrunnable(f"could not start the local Lambda{' and AWS' if aws else ''}: {exc}", started)
            results = []
            for check in self.spec.checks:
                result = await self._run_check(check, staging, overrides, aws, endpoint, launcher, shared)
                results.append(result)
                if self.on_check is not None:
                    self.on_check(result)
            return LabReport(self.spec.id, tuple(results), _elapsed_ms(started), self.pack_id)
        finally:
            try:
                if shared:
                    await close_runtimes(shared)
                if launcher is not None:
                    await launcher.aclose()
            finally:  # even if closing the fork server failed or was interrupted
                if aws is not None:
                    aws.close()
                shutil.rmtree(staging, ignore_errors=True)

    def _unrunnable(self, message: str, started: float) -> LabReport:
        results = tuple(CheckResult(check.name, ERROR, "not run: " + message) for check in self.spec.checks)
        return LabReport(self.spec.id, results, _elapsed_ms(started), self.pack_id, error=message)

    async def _run_check(
        self,
        check: Check,
        code_dir: Path,
        overrides: dict[str, Any],
        aws: LocalAws | None,
        endpoint: str,
        launcher: Any,
        shared: dict[str, Any] | None,
    ) -> CheckResult:
        values = draw(check.vars, self.rng)
        context = LabContext(self.spec, code_dir, overrides, aws=aws, endpoint_url=endpoint, rng=self.rng,
                             loop=asyncio.get_running_loop(), values=values, launcher=launcher,
                             shared_runtimes=shared, on_log=self.on_log)
        try:
            if aws is not None:
                await asyncio.to_thread(aws.reset)
            if check.python is not None:
                await self._python_check(check.python, context, endpoint)
            else:
                await self._declarative_check(check, context, values)
        except AssertionError as failure:
            return CheckResult(check.name, FAIL, str(failure) or "the check failed", _last_lines(context))
        except CheckCannotRun as problem:
            return CheckResult(check.name, ERROR, str(problem), _last_lines(context))
        except Exception as problem:  # a broken lab or check must not crash the run: report it, one line
            return CheckResult(check.name, ERROR, f"the check could not run: {type(problem).__name__}: {problem}",
                               _last_lines(context))
        finally:
            await context.aclose()
        return CheckResult(check.name, PASS, "", _last_lines(context))

    async def _declarative_check(self, check: Check, context: LabContext, values: dict[str, Any]) -> None:
        invoke = check.invoke
        assert invoke is not None
        config = substitute(dict(invoke.config), values)
        problem = config_problem(self.spec.function, {**context.overrides, **config}, self.spec.folder)
        if problem:
            raise CheckCannotRun(f"the check's configuration is refused: {problem}")
        for action, arguments in invoke.setup:
            await asyncio.to_thread(_setup_action, context.aws, action, substitute(dict(arguments), values))
        events = [self._event(invoke, values, context) for _ in range(invoke.count)]
        records = await context.ainvoke(events, invoke.concurrency, config, invoke.qualifier)
        expect = substitute(dict(check.expect), values)
        failures = await asyncio.to_thread(evaluate, expect, context.check_run(records, config))
        if failures:
            raise AssertionError("\n".join(failures))

    def _event(self, invoke: Any, values: dict[str, Any], context: LabContext) -> Any:
        if invoke.event_file is not None:
            event = json.loads((self.spec.folder / invoke.event_file).read_text(encoding="utf-8"))
            return substitute(event, values)
        if invoke.generate is not None:
            options = substitute(dict(invoke.generate), values)
            return context.generate(options.pop("event"), **options)
        return substitute(invoke.event_json, values) if invoke.event_json is not None else {}

    async def _python_check(self, name: str, context: LabContext, endpoint: str) -> None:
        """The pack's Python runs in a child process with a scrubbed environment (see `checks_process`)."""
        if not self.spec.checks_module.is_file():
            raise CheckCannotRun(f"checks.py has no function {name} (the lab has no checks.py)")
        try:
            await run_checks_function(name, context, endpoint, self.checks_timeout_s)
        except ChecksFailed as problem:
            raise CheckCannotRun(str(problem)) from None


class CheckCannotRun(Exception):
    """The check itself cannot run (bad override, broken checks.py): reported as an error, not a failure."""


def run_checks(spec: LabSpec, workspace: Path, **options: Any) -> LabReport:
    """Run every check of `spec` against `workspace` and return the report (see `LabRunner`)."""
    return asyncio.run(LabRunner(spec, workspace, **options).run())


def _setup_action(aws: LocalAws | None, action: str, arguments: dict[str, Any]) -> None:
    if aws is None:
        raise CheckCannotRun(f"setup {action} needs the lab's resources, but the lab declares none")
    if action == "s3_put":
        aws.s3_put(arguments["bucket"], str(arguments["key"]), arguments["body"])
    elif action == "sqs_send":
        aws.sqs_send(arguments["queue"], arguments["body"])
    else:
        aws.put_item(arguments["table"], arguments["item"])


def _last_lines(context: LabContext) -> tuple[str, ...]:
    lines = [line for record in context.records for line in record.logs]
    return tuple(lines[-OUTPUT_LINES:])


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
