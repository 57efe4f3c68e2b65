"""The child side of `checks_process`: loads the lab's checks.py and runs one function against a `lab`.

Run as `python -m lambdalearn.labs.checks_child FD` with a scrubbed environment. `lab` is a `LabContext`
whose invocations are asked of lambdalearn over the socket FD; everything else (events, words, the lab's
own helper modules, reading the local AWS through boto3 with the dummy settings) happens here.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from lambdalearn.labs.context import LabContext
from lambdalearn.labs.expectations import CheckRun
from lambdalearn.labs.local_aws import LocalAws
from lambdalearn.runtime.records import InvocationRecord


class ChildLab(LabContext):
    """The `lab` a checks.py function gets, in the child: invocations go to lambdalearn, records come back."""

    def __init__(self, setup: dict[str, Any], connection: Connection) -> None:
        spec = setup["spec"]
        aws = LocalAws.attach(spec.resources, setup["endpoint"]) if setup["endpoint"] else None
        super().__init__(spec, Path(), setup["overrides"], aws=aws, endpoint_url=setup["endpoint"] or "",
                         rng=random.Random(setup["seed"]), loop=None, values=setup["values"])  # type: ignore[arg-type]
        self._connection = connection

    def invoke(self, event: Any = None, *, count: int = 1, concurrency: int = 1,
               config: Mapping[str, Any] | None = None, qualifier: str | None = None) -> list[InvocationRecord]:
        return self.invoke_events([event] * count, concurrency=concurrency, config=config, qualifier=qualifier)

    def invoke_events(self, events: Sequence[Any], *, concurrency: int = 1,
                      config: Mapping[str, Any] | None = None, qualifier: str | None = None) -> list[InvocationRecord]:
        records = self._ask({"op": "invoke", "events": list(events), "concurrency": concurrency,
                             "config": dict(config or {}), "qualifier": qualifier})
        self.records.extend(records)
        return records

    def http(self, method: str, path: str, *, body: str | bytes | None = None,
             headers: Mapping[str, str] | None = None) -> Any:
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        return self._ask({"op": "http", "method": method, "path": path, "body": body, "headers": dict(headers or {})})

    def deploy_releases(self, releases: Sequence[str], *, template: str = "template.yaml",
                        rate_per_s: float = 1.0) -> list[dict[str, Any]]:
        return self._ask({"op": "deploy_releases", "releases": list(releases), "template": template,
                          "rate_per_s": rate_per_s})

    def run_app(self, template: str = "template.yaml", actions: Sequence[Mapping[str, Any]] = (), *,
                until: float | None = None) -> Any:
        outcome = self._ask({"op": "run_app", "template": template, "actions": [dict(a) for a in actions],
                             "until": until})
        self.records.extend(outcome.records)
        return outcome.result

    def code_text(self, name: str) -> str:
        return self._ask({"op": "code_text", "name": name})

    def check_run(self, records: Sequence[InvocationRecord], config: Mapping[str, Any]) -> CheckRun:
        facts = self._ask({"op": "check_run", "config": dict(config)})
        return CheckRun(records, facts["architecture"], self.aws, facts["models_cpu_share"])

    def _ask(self, request: dict[str, Any]) -> Any:
        self._connection.send_bytes(json.dumps(request).encode("utf-8"))
        status, value = self._connection.recv()
        if status == "failed":
            raise AssertionError(value)
        if status == "error":
            raise RuntimeError(value)
        return value


def main(fd: int) -> None:
    connection = Connection(fd)
    setup = connection.recv()
    try:
        function = _load(Path(setup["checks"]), setup["function"], setup["spec"].id)
        lab = ChildLab(setup, connection)
        connection.send_bytes(json.dumps({"op": "ready"}).encode("utf-8"))
        function(lab)
    except AssertionError as failure:
        outcome = {"op": "failed", "message": str(failure) or "the check failed"}
    except _CannotLoad as problem:
        outcome = {"op": "error", "message": str(problem)}
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the check's too
        outcome = {"op": "error", "message": f"the check could not run: {type(error).__name__}: {error}"}
    else:
        outcome = {"op": "passed"}
    connection.send_bytes(json.dumps(outcome).encode("utf-8"))
    connection.close()


def _load(path: Path, name: str, lab_id: str) -> Any:
    module_spec = importlib.util.spec_from_file_location(f"lambdalearn_lab_checks_{lab_id.replace('-', '_')}", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - the author's file: the reason its checks cannot run
        raise _CannotLoad(f"checks.py could not be loaded: {type(error).__name__}: {error}") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise _CannotLoad(f"checks.py has no function {name}")
    return function


class _CannotLoad(Exception):
    def __str__(self) -> str:
        return self.args[0]


if __name__ == "__main__":
    main(int(sys.argv[1]))
