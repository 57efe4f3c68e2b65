"""$LATEST, published versions and aliases of one function: the control plane of Lambda's versioning.

Why a module of its own: what a learner must see is the rules, not the processes. `$LATEST` is the only
mutable copy; publishing freezes its code and configuration as version N (numbers are never reused, and
publishing an unchanged `$LATEST` returns the last version instead of a new one); an alias names one
version and may send a share of its traffic to a second one (`AdditionalVersionWeights`, 0.0-1.0, both
published). Refusals use the Lambda API's exception names and wording (checked against the Lambda API
reference and the "Lambda function aliases" and "weighted alias" pages of the developer guide,
December 2026).

Running a version is `runtime/function.py`'s job; this module only decides *which* frozen configuration
serves a qualifier.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lambdalearn.runtime.config import ConfigError, FunctionConfig

LATEST = "$LATEST"
MAX_ALIAS_NAME_LENGTH = 128
_ALIAS_NAME_PATTERN = r"(?!^[0-9]+$)([a-zA-Z0-9-_]+)"


class VersioningError(ConfigError):
    """A request the Lambda API would refuse, with its exception name (`error_type`) and message."""


@dataclass(frozen=True)
class PublishedVersion:
    """An immutable snapshot: the configuration names a read-only copy of the code made when it was published."""

    number: str
    config: FunctionConfig
    code_sha256: str
    description: str = ""


@dataclass(frozen=True)
class Alias:
    """A named pointer to a version, optionally sending `weight` of the traffic to `additional_version`."""

    name: str
    function_version: str
    additional_version: str | None = None
    weight: float = 0.0
    description: str = ""

    @property
    def routing(self) -> dict[str, float]:
        """`AdditionalVersionWeights` as the API shows it ({} without routing)."""
        return {self.additional_version: self.weight} if self.additional_version else {}


@dataclass(frozen=True)
class Resolution:
    """What one invocation of a qualifier runs: the frozen configuration, the version and the ARN it was called by."""

    config: FunctionConfig
    executed_version: str
    invoked_arn: str
    alias: str | None = None


@dataclass
class FunctionVersions:
    """The versions and aliases of one function. `store_dir` keeps the code snapshots of published versions."""

    latest: FunctionConfig
    store_dir: Path
    _versions: dict[str, PublishedVersion] = field(default_factory=dict)
    _aliases: dict[str, Alias] = field(default_factory=dict)
    _last_number: int = 0

    def __post_init__(self) -> None:
        self.latest = self.latest.replace(version=LATEST)
        self.store_dir = Path(self.store_dir)

    # -- $LATEST and versions -----------------------------------------------------------------------------

    def update_latest(self, **changes: object) -> FunctionConfig:
        """UpdateFunctionCode / UpdateFunctionConfiguration: only `$LATEST` changes; versions stay as published."""
        if "version" in changes:
            raise VersioningError("Only $LATEST can be updated; published versions are immutable.", "InvalidParameterValueException")
        self.latest = self.latest.replace(**changes)
        return self.latest

    def publish(self, description: str = "", *, even_unchanged: bool = False) -> PublishedVersion:
        """PublishVersion: freeze `$LATEST`'s code and configuration as the next number.

        Like Lambda, publishing again without a change to code or configuration returns the last version;
        `even_unchanged` publishes anyway (a template's AWS::Lambda::Version resources each stand for one).
        """
        digest = code_sha256(self.latest.code_dir)
        last = self._versions.get(str(self._last_number))
        unchanged = last is not None and last.code_sha256 == digest and _same_settings(last.config, self.latest)
        if unchanged and not even_unchanged:
            return last
        self._last_number += 1
        number = str(self._last_number)
        snapshot = self.store_dir / "versions" / number / "code"
        _freeze_copy(self.latest.code_dir, snapshot)
        frozen = self.latest.replace(code_dir=snapshot, version=number)
        version = PublishedVersion(number, frozen, digest, description)
        self._versions[number] = version
        return version

    def version(self, number: str) -> PublishedVersion:
        """A published version, or ResourceNotFoundException as Invoke would say it."""
        try:
            return self._versions[number]
        except KeyError:
            raise self._not_found(number) from None

    def published(self) -> list[PublishedVersion]:
        return list(self._versions.values())

    # -- aliases ------------------------------------------------------------------------------------------

    def create_alias(
        self, name: str, function_version: str, routing: Mapping[str, float] | None = None, description: str = ""
    ) -> Alias:
        """CreateAlias: a new alias (ResourceConflictException if the name is taken)."""
        if name in self._aliases:
            raise VersioningError(f"Alias already exists: {self.latest.function_arn}:{name}", "ResourceConflictException")
        alias = self._checked_alias(name, function_version, routing or {}, description)
        self._aliases[name] = alias
        return alias

    def update_alias(
        self, name: str, function_version: str | None = None, routing: Mapping[str, float] | None = None
    ) -> Alias:
        """UpdateAlias: move the alias or change its routing (None keeps what it has)."""
        current = self.alias(name)
        version = current.function_version if function_version is None else function_version
        weights = current.routing if routing is None else routing
        alias = self._checked_alias(name, version, weights, current.description)
        self._aliases[name] = alias
        return alias

    def alias(self, name: str) -> Alias:
        try:
            return self._aliases[name]
        except KeyError:
            raise self._not_found(name) from None

    def aliases(self) -> list[Alias]:
        return list(self._aliases.values())

    def _checked_alias(self, name: str, function_version: str, routing: Mapping[str, float], description: str) -> Alias:
        if not re.fullmatch(_ALIAS_NAME_PATTERN, name) or len(name) > MAX_ALIAS_NAME_LENGTH:
            raise VersioningError(
                f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must"
                f" satisfy regular expression pattern: {_ALIAS_NAME_PATTERN}"
            )
        if function_version != LATEST:
            self.version(function_version)
        if len(routing) > 1:
            raise VersioningError(
                "Number of items in AdditionalVersionWeights cannot be greater than 1", "InvalidParameterValueException"
            )
        if not routing:
            return Alias(name, function_version, description=description)
        (additional, weight), = routing.items()
        if function_version == LATEST or additional == LATEST:
            raise VersioningError(
                "$LATEST is not supported for an alias pointing to more than 1 version", "InvalidParameterValueException"
            )
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not 0.0 <= weight <= 1.0:
            raise VersioningError(
                f"1 validation error detected: Value '{weight}' at 'routingConfig.additionalVersionWeights' failed"
                " to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or"
                " equal to 1.0, Member must have value greater than or equal to 0.0]"
            )
        if additional == function_version:
            raise VersioningError(
                f"Invalid function version {additional}. Function version {additional} is already included in"
                " routing configuration.",
                "InvalidParameterValueException",
            )
        self.version(additional)
        return Alias(name, function_version, additional, float(weight), description)

    # -- invocation ---------------------------------------------------------------------------------------

    def resolve(self, qualifier: str | None, draw: float = 0.0) -> Resolution:
        """Which configuration serves an invocation of `qualifier` (None: the unqualified ARN, i.e. $LATEST).

        `draw` is a number in [0, 1) from the caller's random source: under `weight` it picks the alias's
        additional version, which is how a weighted alias splits traffic (a simple probabilistic model, as
        AWS describes it: at low traffic the split can stray far from the weight).
        """
        arn = self.latest.function_arn
        if qualifier is None:
            return Resolution(self.latest, LATEST, arn)
        if qualifier == LATEST:
            return Resolution(self.latest, LATEST, f"{arn}:{LATEST}")
        if qualifier.isdigit():
            version = self.version(qualifier)
            return Resolution(version.config, version.number, f"{arn}:{qualifier}")
        alias = self.alias(qualifier)
        chosen = alias.additional_version if alias.additional_version and draw < alias.weight else alias.function_version
        config = self.latest if chosen == LATEST else self.version(chosen).config
        return Resolution(config, chosen, f"{arn}:{qualifier}", alias=qualifier)

    # -- persistence --------------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the versions and aliases to `store_dir/versions.json`, so a later deploy continues from them."""
        state = {
            "last_number": self._last_number,
            "versions": [
                {"number": v.number, "code_sha256": v.code_sha256, "description": v.description,
                 "config": _config_to_json(v.config)}
                for v in self._versions.values()
            ],
            "aliases": [
                {"name": a.name, "function_version": a.function_version, "additional_version": a.additional_version,
                 "weight": a.weight, "description": a.description}
                for a in self._aliases.values()
            ],
        }
        self.store_dir.mkdir(parents=True, exist_ok=True)
        (self.store_dir / "versions.json").write_text(json.dumps(state, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, latest: FunctionConfig, store_dir: Path) -> FunctionVersions:
        """The versions saved in `store_dir` (none if nothing was saved), with `latest` as `$LATEST`."""
        versions = cls(latest, store_dir)
        path = Path(store_dir) / "versions.json"
        if not path.is_file():
            return versions
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            for saved in state["versions"]:
                config = FunctionConfig(**_config_from_json(saved["config"]))
                versions._versions[saved["number"]] = PublishedVersion(
                    saved["number"], config, saved["code_sha256"], saved.get("description", "")
                )
            for saved in state["aliases"]:
                versions._aliases[saved["name"]] = Alias(
                    saved["name"], saved["function_version"], saved.get("additional_version"),
                    float(saved.get("weight", 0.0)), saved.get("description", "")
                )
            versions._last_number = int(state["last_number"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise VersioningError(f"{path}: the saved versions cannot be read ({error}); delete the folder to start over") from None
        return versions

    def _not_found(self, qualifier: str) -> VersioningError:
        return VersioningError(f"Function not found: {self.latest.function_arn}:{qualifier}", "ResourceNotFoundException")


def _config_to_json(config: FunctionConfig) -> dict[str, object]:
    data = dataclasses.asdict(config)
    data["code_dir"] = str(config.code_dir)
    data["opt_dir"] = None if config.opt_dir is None else str(config.opt_dir)
    data["environment"] = dict(config.environment)
    return data


def _config_from_json(data: dict[str, object]) -> dict[str, object]:
    return {**data, "code_dir": Path(str(data["code_dir"])), "opt_dir": None if data.get("opt_dir") is None else Path(str(data["opt_dir"]))}


def code_sha256(code_dir: Path) -> str:
    """A digest of a code folder (relative paths and contents, in order), to tell whether code changed."""
    digest = hashlib.sha256()
    root = Path(code_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _same_settings(published: FunctionConfig, latest: FunctionConfig) -> bool:
    """Whether two configurations differ only in where their code lives and which version they are."""
    unversioned = {"code_dir": latest.code_dir, "version": LATEST, "reserved_concurrency": latest.reserved_concurrency}
    return published.replace(**unversioned) == latest


def _freeze_copy(source: Path, target: Path) -> None:
    """Copy a code folder and make the copy read-only, so a published version cannot change under it."""
    if target.exists():
        make_writable(target)
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    read_only = ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    for folder, dirs, files in os.walk(target, topdown=False):
        for name in files + dirs:
            path = os.path.join(folder, name)
            os.chmod(path, os.stat(path).st_mode & read_only)
    os.chmod(target, os.stat(target).st_mode & read_only)


def make_writable(root: Path) -> None:
    """Undo `_freeze_copy`'s read-only modes so a snapshot folder can be removed."""
    for folder, dirs, files in os.walk(root):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IWUSR)
        for name in files:
            path = os.path.join(folder, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
