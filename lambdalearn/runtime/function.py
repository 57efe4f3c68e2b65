"""One function with its versions and aliases, running on the mini-runtime.

Each version runs in execution environments of its own (a `LambdaRuntime` per version), because on Lambda an
environment is made for one version's code and configuration. What the versions share is the function's
concurrency: reserved concurrency caps all of them together. Provisioned concurrency belongs to a version or
an alias: invocations through that qualifier use its initialised environments first and spill over to
on-demand ones; an alias with a weighted routing splits its provisioned environments between its two
versions by weight. `$LATEST` cannot have provisioned concurrency, as on Lambda.

Invocation goes: qualifier -> `FunctionVersions.resolve` (which version, drawn by weight for an alias) ->
that version's runtime (or the alias's provisioned pool for it) -> an `InvocationRecord` whose
`executed_version` says which version ran.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from pathlib import Path
from typing import Any

from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.environment import ChunkSink
from lambdalearn.runtime.launcher import ForkServerLauncher, Launcher
from lambdalearn.runtime.records import InvocationRecord
from lambdalearn.runtime.service import LambdaRuntime
from lambdalearn.runtime.versions import LATEST, Alias, FunctionVersions, VersioningError, make_writable

_UNPUBLISHED_PROVISIONED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."


class LambdaFunction:
    """A local function with `$LATEST`, published versions and aliases. Use `async with` or `aclose()`.

    `seed` fixes the draws that split a weighted alias's traffic, so a test or a lab can repeat a run.
    `versions` continues from saved versions and aliases (`FunctionVersions.load`); `store_dir` keeps new ones.
    Options not named here (clock, idle timeout, endpoint...) are passed to every version's `LambdaRuntime`.
    """

    def __init__(
        self,
        config: FunctionConfig,
        *,
        store_dir: Path | None = None,
        versions: FunctionVersions | None = None,
        launcher: Launcher | None = None,
        seed: int | None = None,
        **runtime_options: Any,
    ) -> None:
        if config.provisioned_concurrency:
            raise VersioningError(_UNPUBLISHED_PROVISIONED, "InvalidParameterValueException")
        own = versions is None and store_dir is None
        self._own_store = tempfile.TemporaryDirectory(prefix="lambdalearn-versions-") if own else None
        store = Path(self._own_store.name) if self._own_store else Path(store_dir or versions.store_dir)  # type: ignore[union-attr]
        self.versions = versions or FunctionVersions(config, store)
        self._owns_launcher = launcher is None
        self._launcher = launcher or ForkServerLauncher()
        self._random = random.Random(seed)
        self._runtime_options = runtime_options
        self._runtimes: dict[tuple[str, str], LambdaRuntime] = {}  # (provisioned owner or "", version) -> runtime
        self._latest_runtime_config: FunctionConfig | None = None
        self._provisioned: dict[str, int] = {}  # qualifier -> provisioned concurrency

    async def __aenter__(self) -> LambdaFunction:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- configuration ------------------------------------------------------------------------------------

    async def set_provisioned_concurrency(self, qualifier: str, count: int) -> None:
        """PutProvisionedConcurrencyConfig on a version or alias; its environments initialise now."""
        if qualifier == LATEST:
            raise VersioningError(_UNPUBLISHED_PROVISIONED, "InvalidParameterValueException")
        if qualifier.isdigit():
            self.versions.version(qualifier)
        else:
            self.versions.alias(qualifier)
        if count < 0:
            raise VersioningError("Provisioned concurrency must be 0 or more.", "InvalidParameterValueException")
        claimed = count + sum(n for q, n in self._provisioned.items() if q != qualifier)
        # The account's and the reserved concurrency's checks, in Lambda's words, on the version it will run.
        self.versions.latest.replace(provisioned_concurrency=claimed, version=self._provisioned_versions(qualifier)[0])
        self._provisioned[qualifier] = count
        for key in [key for key in self._runtimes if key[0] == qualifier]:
            await self._runtimes.pop(key).aclose()
        await asyncio.gather(*(self._runtime(qualifier, version).start() for version in self._provisioned_versions(qualifier)))

    async def update_alias(
        self, name: str, function_version: str | None = None, routing: dict[str, float] | None = None
    ) -> Alias:
        """UpdateAlias; an alias with provisioned concurrency re-provisions for the versions it now serves."""
        alias = self.versions.update_alias(name, function_version, routing)
        if self._provisioned.get(name):
            await self.set_provisioned_concurrency(name, self._provisioned[name])
        return alias

    def provisioned_concurrency(self, qualifier: str) -> int:
        return self._provisioned.get(qualifier, 0)

    def publish_for(self, qualifier: str | None) -> None:
        """Make `qualifier` exist for a run that starts from code alone: a number publishes the code as version 1,
        a name also makes an alias to it; None and `$LATEST` need nothing."""
        if qualifier in (None, LATEST):
            return
        version = self.versions.publish()
        if not qualifier.isdigit():
            self.versions.create_alias(qualifier, version.number)
        elif qualifier != version.number:
            raise VersioningError(
                f"Function not found: {self.versions.latest.function_arn}:{qualifier} (only version {version.number}"
                " is published from this code; use it or an alias name)",
                "ResourceNotFoundException",
            )

    # -- invocation ---------------------------------------------------------------------------------------

    async def invoke(
        self,
        event: Any = None,
        *,
        qualifier: str | None = None,
        client_context: dict | None = None,
        request_id: str | None = None,
        on_chunk: ChunkSink | None = None,
    ) -> InvocationRecord:
        """Invoke `qualifier` (None: the unqualified ARN, which runs `$LATEST`) synchronously; `request_id` keeps
        an async event's id across its retries; `on_chunk` receives a streamed response as it is produced."""
        resolution = self.versions.resolve(qualifier, self._random.random())
        owner = qualifier if qualifier in self._provisioned else None
        runtime = self._runtime(owner, resolution.executed_version)
        return await runtime.invoke(
            event, client_context=client_context, invoked_arn=resolution.invoked_arn, request_id=request_id,
            on_chunk=on_chunk,
        )

    async def invoke_many(
        self, events: list[Any], concurrency: int = 1, *, qualifier: str | None = None
    ) -> list[InvocationRecord]:
        """Invoke `qualifier` once per event with at most `concurrency` in flight; records in event order."""
        gate = asyncio.Semaphore(concurrency)

        async def one(event: Any) -> InvocationRecord:
            async with gate:
                return await self.invoke(event, qualifier=qualifier)

        return list(await asyncio.gather(*(one(event) for event in events)))

    def runtimes(self) -> dict[tuple[str, str], LambdaRuntime]:
        """The runtime serving each (provisioned owner or "", version), for screens and checks."""
        return dict(self._runtimes)

    def in_flight(self) -> int:
        """Invocations running in any version now: what the function's reserved concurrency caps."""
        return sum(runtime.in_flight() for runtime in self._runtimes.values())

    async def aclose(self) -> None:
        await asyncio.gather(*(runtime.aclose() for runtime in self._runtimes.values()))
        self._runtimes.clear()
        if self._owns_launcher:
            await self._launcher.aclose()
        if self._own_store is not None:
            make_writable(Path(self._own_store.name))
            self._own_store.cleanup()

    # -- runtimes -----------------------------------------------------------------------------------------

    def _runtime(self, owner: str | None, version: str) -> LambdaRuntime:
        """The runtime of `version`, or of `owner`'s provisioned pool for it; `$LATEST`'s follows its edits."""
        key = (owner or "", version)
        config = self.versions.latest if version == LATEST else self.versions.version(version).config
        # Reserved concurrency is the function's, not a version's: every version follows $LATEST's setting.
        config = config.replace(
            reserved_concurrency=self.versions.latest.reserved_concurrency,
            provisioned_concurrency=self._provisioned_share(owner, version) if owner else 0,
        )
        runtime = self._runtimes.get(key)
        if runtime is not None and runtime.config != config:
            # $LATEST was edited: its old environments are retired, as Lambda does after an update.
            self._runtimes.pop(key)
            asyncio.ensure_future(runtime.aclose())
            runtime = None
        if runtime is None:
            runtime = LambdaRuntime(
                config, launcher=self._launcher, shared_in_flight=self.in_flight, **self._runtime_options
            )
            self._runtimes[key] = runtime
        return runtime

    def _provisioned_versions(self, qualifier: str) -> list[str]:
        if qualifier.isdigit():
            return [qualifier]
        alias = self.versions.alias(qualifier)
        return [alias.function_version] + ([alias.additional_version] if alias.additional_version else [])

    def _provisioned_share(self, qualifier: str, version: str) -> int:
        """How many of `qualifier`'s provisioned environments serve `version` (split by weight for an alias)."""
        count = self._provisioned.get(qualifier, 0)
        if qualifier.isdigit():
            return count
        alias = self.versions.alias(qualifier)
        additional = round(count * alias.weight) if alias.additional_version else 0
        return additional if version == alias.additional_version else count - additional
