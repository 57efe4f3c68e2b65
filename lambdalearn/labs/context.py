"""`LabContext`: the invoke helper one check uses, declarative or a `checks.py` function.

A checks.py function receives it as its only argument and raises `AssertionError(message)` when the
learner's function is wrong:

    def check_idempotent(lab):
        event = lab.generate("sqs", body=lab.word())
        first, second = lab.invoke(event), lab.invoke(event)          # same function, warm second time
        lab.expect([first, second], status="success")
        assert lab.aws.item_count("orders") == 1, "a duplicate delivery wrote a second item"

A check reads the lab's fixed helper modules (files of starter/ the learner may not edit) through
`lab.lab_module("catalog")`, and the lab's files through `lab.lab.folder`.

Each check starts with a fresh function (no warm environments): the runtimes made for it are closed when
it ends; a lab with `reuse_environments: true` keeps them warm from check to check instead. Calls with the
same `config` overrides share one runtime, so a second call can be a warm start.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import random
import re
import shutil
import string
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from lambdalearn.content.labs import LabSpec, function_config
from lambdalearn.labs.expectations import CheckRun, evaluate
from lambdalearn.labs.http_client import HttpReply, http_request
from lambdalearn.labs.local_aws import LocalAws
from lambdalearn.runtime.records import InvocationRecord


class SharedLauncher:
    """A runtime's view of the run's one fork server: closing the runtime leaves the fork server running.

    Starting a fork server costs about a tenth of a second; a lab run starts one and shares it between the
    fresh runtimes of its checks (the runner closes it at the end).
    """

    def __init__(self, launcher: Any) -> None:
        self._launcher = launcher

    async def start(self) -> None:
        await self._launcher.start()

    async def spawn(self, spec: Any) -> Any:
        return await self._launcher.spawn(spec)

    def forget(self, pid: int) -> None:
        self._launcher.forget(pid)

    async def aclose(self) -> None:
        """Nothing: the fork server belongs to the run."""


class LabContext:
    """Invoking the function under test and reading the local AWS, for one check."""

    def __init__(
        self,
        spec: LabSpec,
        code_dir: Path,
        overrides: Mapping[str, Any],
        *,
        aws: LocalAws | None,
        endpoint_url: str,
        rng: random.Random,
        loop: asyncio.AbstractEventLoop,
        values: Mapping[str, Any] | None = None,
        launcher: Any = None,
        shared_runtimes: dict[str, Any] | None = None,
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        self.lab = spec
        self.aws = aws
        self.rng = rng
        self.values = dict(values or {})  # this run's draw of the check's `vars`
        self.records: list[InvocationRecord] = []
        self._code_dir = code_dir
        self.overrides = dict(overrides)  # the learner's function.yaml settings
        self._endpoint_url = endpoint_url
        self._loop = loop
        # A lab with `reuse_environments` shares one dict (and so warm functions) between all its checks;
        # the runner closes those. Otherwise the check owns its functions and `aclose` ends them.
        self._owns_runtimes = shared_runtimes is None
        self._runtimes: dict[str, Any] = {} if shared_runtimes is None else shared_runtimes
        self._launcher = launcher
        self._on_log = on_log
        self._modules: dict[str, ModuleType] = {}
        self._url_server: Any = None

    # -- for checks.py (called from a worker thread) -------------------------------------------------------

    def invoke(self, event: Any = None, *, count: int = 1, concurrency: int = 1,
               config: Mapping[str, Any] | None = None, qualifier: str | None = None) -> list[InvocationRecord]:
        """Invoke `count` times with `event` (at most `concurrency` at once); one record per invocation.

        `qualifier` invokes a version or alias other than the function's own (lab.yaml `function.qualifier`)."""
        coroutine = self.ainvoke([event] * count, concurrency, config or {}, qualifier)
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def invoke_events(self, events: Sequence[Any], *, concurrency: int = 1,
                      config: Mapping[str, Any] | None = None, qualifier: str | None = None) -> list[InvocationRecord]:
        """Invoke once per event; records in the order of `events`."""
        coroutine = self.ainvoke(list(events), concurrency, config or {}, qualifier)
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def http(self, method: str, path: str, *, body: str | bytes | None = None,
             headers: Mapping[str, str] | None = None) -> HttpReply:
        """Send a real HTTP request to the function through a function URL on loopback (made once per check)."""
        if self._url_server is None:
            self._url_server = self._start_url_server()
        return http_request(self._url_server.url, method, path, body=body, headers=headers)

    def deploy_releases(self, releases: Sequence[str], *, template: str = "template.yaml",
                        rate_per_s: float = 1.0) -> list[dict[str, Any]]:
        """`lambdalearn app deploy` of the learner's `template`, once per release: each release is a folder of
        the lab (e.g. `releases/v2-broken`) whose files replace the function's code before that deploy.

        Returns one dict per release: `outcomes` (function, alias, from_version, to_version, status, reason) and
        `events` (the timeline, AWS seconds since that deploy began)."""
        coroutine = self._deploy_releases(list(releases), template, rate_per_s)
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _deploy_releases(self, releases: list[str], template: str, rate_per_s: float) -> list[dict[str, Any]]:
        from lambdalearn.apps.deploy import Traffic
        from lambdalearn.apps.deploy_app import deploy_app
        from lambdalearn.apps.template import TemplateError, read_app

        with tempfile.TemporaryDirectory(prefix="lambdalearn-lab-deploy-") as scratch:
            app_dir = Path(scratch) / "app"
            shutil.copytree(self._code_dir, app_dir)
            results = []
            for release in releases:
                try:
                    app = read_app(app_dir / template, shown_as=template)
                except TemplateError as error:
                    raise AssertionError(f"{template} cannot be deployed:\n{error}") from None
                for function in app.functions.values():
                    shutil.copytree(self.lab.folder / release, function.code_dir, dirs_exist_ok=True)
                outcomes, events = await deploy_app(app, Path(scratch) / "state", traffic=Traffic(rate_per_s),
                                                    seed=self.rng.randrange(2**31))
                results.append({"outcomes": [vars(outcome) for outcome in outcomes], "events": events})
            return results

    def generate(self, event: str, /, **options: Any) -> dict[str, Any]:
        """A sample event named `event` (see `lambdalearn event list`) with fresh ids; `options` are its
        generator's, EventBridge's `source` included: `lab.generate("eventbridge-custom", source="shop")`."""
        from lambdalearn.runtime.sample_events import generate

        return generate(event, seed=self.rng.randrange(2**31), **options)

    def event(self, name: str) -> Any:
        """The JSON of `events/<name>` in the lab folder."""
        return json.loads((self.lab.folder / "events" / name).read_text(encoding="utf-8"))

    def code_text(self, name: str) -> str:
        """The text of file `name` of the code under test: the learner's copy of an editable file (a
        scenario a simulator lab judges), the starter's for the rest. FileNotFoundError when it is missing."""
        path = (self._code_dir / name).resolve()
        if not path.is_relative_to(self._code_dir.resolve()):
            raise ValueError(f"{name!r} is outside the code under test")
        return path.read_text(encoding="utf-8")

    def lab_module(self, name: str) -> ModuleType:
        """The lab's own helper module `name` from its starter/ (`"catalog"` is starter/catalog.py, `"pkg.util"`
        starter/pkg/util.py), imported once per check, for the values a check expects.

        Never the learner's copy: only files the learner may not edit can be read this way, so a learner cannot
        change what the checks expect. The module is private to the check (not in `sys.modules`).
        """
        if name not in self._modules:
            relative = name.replace(".", "/") + ".py"
            if relative in self.lab.editable:
                raise ValueError(f"{relative} is editable: the learner's copy is under test, a check cannot rely on it")
            path = self.lab.starter / relative
            if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", name) or not path.is_file():
                raise ValueError(f"the lab has no module {name!r} (no file starter/{relative})")
            private_name = f"lambdalearn_lab_{self.lab.id.replace('-', '_')}_{name.replace('.', '_')}"
            module_spec = importlib.util.spec_from_file_location(private_name, path)
            assert module_spec is not None and module_spec.loader is not None
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            self._modules[name] = module
        return self._modules[name]

    def run_app(self, template: str = "template.yaml", actions: Sequence[Mapping[str, Any]] = (), *,
                until: float | None = None) -> Any:
        """Run a SAM template of the learner's code (`template` is relative to the workspace, so it may be an
        editable file) with `actions` as in `app run --script` (`[{"sqs_send": {...}}, {"wait_s": 60}]`), until
        nothing is left to do or `until` AWS seconds. Returns what the run left (`lambdalearn.apps.outcome.AppOutcome`):
        `.timeline.events`, `.timeline.of_kind(kind)`, `.queues[id].messages`, `.items[id]`, `.objects[id]`,
        `.summary()`. A template or action the app cannot run fails the check with its located message."""
        coroutine = self._arun_app(template, list(actions), until)
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _arun_app(self, template: str, actions: list[Mapping[str, Any]], until: float | None) -> Any:
        from lambdalearn.apps.run import AppRun
        from lambdalearn.apps.script import ScriptError, actions_from
        from lambdalearn.apps.template import TemplateError, read_app

        try:
            app = read_app(self._code_dir / template, shown_as=template, sam_check=False)
            steps = actions_from([dict(action) for action in actions], app, where="the check's actions")
        except (TemplateError, ScriptError) as error:
            raise AssertionError(f"the app cannot run:\n{error}") from None
        from lambdalearn.apps.outcome import AppOutcome

        async with AppRun(app) as run:
            run.record_listeners.append(lambda _function, record: self._record(record))
            await run.run(steps, until=until)
        return AppOutcome.of(run)

    def _record(self, record: InvocationRecord) -> None:
        self.records.append(record)
        if self._on_log is not None:
            for line in record.logs:
                self._on_log(line)

    def word(self, length: int = 8) -> str:
        """A random lowercase word: input the learner cannot have hard-coded."""
        return "".join(self.rng.choice(string.ascii_lowercase) for _ in range(length))

    def expect(self, records: Sequence[InvocationRecord], **expect: Any) -> None:
        """Apply declarative expectations (the keys of a check's `expect:`) to `records`."""
        failures = evaluate(expect, self.check_run(records, {}))
        if failures:
            raise AssertionError("\n".join(failures))

    # -- for the runner -----------------------------------------------------------------------------------

    async def ainvoke(
        self, events: list[Any], concurrency: int, config: Mapping[str, Any], qualifier: str | None = None
    ) -> list[InvocationRecord]:
        runtime = await self._runtime(config)
        records = await runtime.invoke_many(events, concurrency, qualifier)
        for record in records:
            self._record(record)
        return records

    def check_run(self, records: Sequence[InvocationRecord], config: Mapping[str, Any]) -> CheckRun:
        """What the expectations judge: `records`, plus where to read resources and how to model CPU."""
        architecture = {**self.overrides, **config}.get("architecture", self.lab.function.architecture)
        models_cpu_share = all(getattr(runtime, "models_cpu_share", False) for runtime in self._runtimes.values())
        return CheckRun(records, architecture, self.aws, bool(self._runtimes) and models_cpu_share)

    async def _runtime(self, config: Mapping[str, Any]) -> Any:
        key = json.dumps(dict(config), sort_keys=True, default=str)
        if key not in self._runtimes:
            merged = {**self.overrides, **config}
            settings = function_config(self.lab.function, merged, self._code_dir, function_name=self.lab.id[:64])
            launcher = SharedLauncher(self._launcher) if self._launcher is not None else None
            layers = merged.get("layers", self.lab.function.layers)
            qualifier = merged.get("qualifier", self.lab.function.qualifier)
            scratch = tempfile.mkdtemp(prefix="lambdalearn-lab-opt-") if layers else None
            if scratch is not None:
                from lambdalearn.runtime.layers import assemble_opt

                folders = [self._code_dir / layer for layer in layers]
                settings = settings.replace(opt_dir=assemble_opt(folders, self._code_dir, Path(scratch) / "opt"))
            self._runtimes[key] = await LabFunctionRuntime.start(settings, qualifier, launcher, self._endpoint_url, scratch)
        return self._runtimes[key]

    def _start_url_server(self) -> Any:
        from lambdalearn.apps.url_server import FunctionUrlServer, UrlSettings
        from lambdalearn.runtime.function import LambdaFunction

        settings = function_config(self.lab.function, self.overrides, self._code_dir, function_name=self.lab.id[:64])
        function = LambdaFunction(settings, aws_endpoint_url=self._endpoint_url)
        server = FunctionUrlServer(function, UrlSettings(), port=0)
        server.start()
        return server

    async def aclose(self) -> None:
        """Shut down every runtime this check owns (their environments), and its function URL."""
        if self._url_server is not None:
            server, self._url_server = self._url_server, None
            await asyncio.to_thread(server.close)
        if self._owns_runtimes:
            await close_runtimes(self._runtimes)


async def close_runtimes(runtimes: dict[str, Any]) -> None:
    """Shut down the runtimes in `runtimes` (and empty it), and remove the layer folders made for them."""
    closing = list(runtimes.values())
    runtimes.clear()
    await asyncio.gather(*(runtime.aclose() for runtime in closing), return_exceptions=True)


class LabFunctionRuntime:
    """A lab's function, invoked through `$LATEST` or through a version or alias (lab.yaml `function.qualifier`).

    For a qualifier the staged code is published as version 1 (and aliased, for a name), and provisioned
    concurrency goes on that qualifier, because Lambda refuses it on `$LATEST`. `scratch` holds the merged
    layers (/opt) and goes with the function.
    """

    models_cpu_share = True

    def __init__(self, function: Any, qualifier: str | None, scratch: str | None) -> None:
        self.function = function
        self.qualifier = qualifier
        self.scratch = scratch

    @classmethod
    async def start(
        cls, settings: Any, qualifier: str | None, launcher: Any, endpoint_url: str, scratch: str | None
    ) -> LabFunctionRuntime:
        from lambdalearn.runtime.function import LambdaFunction

        provisioned = settings.provisioned_concurrency
        function = LambdaFunction(settings.replace(provisioned_concurrency=0), launcher=launcher, aws_endpoint_url=endpoint_url)
        function.publish_for(qualifier)
        if provisioned:
            await function.set_provisioned_concurrency(qualifier or "$LATEST", provisioned)  # $LATEST: Lambda's refusal
        return cls(function, qualifier, scratch)

    async def invoke_many(self, events: list[Any], concurrency: int, qualifier: str | None = None) -> list[InvocationRecord]:
        """Invoke the function's own qualifier, or `qualifier` when a check names another one."""
        return await self.function.invoke_many(events, concurrency, qualifier=qualifier or self.qualifier)

    async def aclose(self) -> None:
        try:
            await self.function.aclose()
        finally:
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)
