"""Versions and aliases: the rules of Lambda's versioning, without running anything.

AWS docs: "Managing Lambda function versions" and "Creating an alias for a Lambda function"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html) and "Implement Lambda canary
deployments using a weighted alias" (https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.versions import FunctionVersions, VersioningError, code_sha256


@pytest.fixture
def code(tmp_path: Path) -> Path:
    folder = tmp_path / "code"
    folder.mkdir()
    (folder / "app.py").write_text("def handler(event, context):\n    return 'v1'\n")
    return folder


@pytest.fixture
def versions(tmp_path: Path, code: Path) -> FunctionVersions:
    return FunctionVersions(FunctionConfig(handler="app.handler", code_dir=code, function_name="orders"), tmp_path / "store")


def test_publishing_freezes_code_and_configuration(versions: FunctionVersions, code: Path) -> None:
    one = versions.publish()
    (code / "app.py").write_text("def handler(event, context):\n    return 'v2'\n")
    versions.update_latest(memory_mb=512)
    assert one.number == "1"
    assert "v1" in (one.config.code_dir / "app.py").read_text()
    assert one.config.memory_mb == 128
    assert one.config.version == "1"
    assert versions.latest.memory_mb == 512 and versions.latest.version == "$LATEST"


def test_publishing_an_unchanged_latest_returns_the_last_version(versions: FunctionVersions, code: Path) -> None:
    one = versions.publish()
    assert versions.publish() is one
    (code / "app.py").write_text("def handler(event, context):\n    return 'v2'\n")
    assert versions.publish().number == "2"
    versions.update_latest(timeout_s=10)
    assert versions.publish().number == "3"


def test_version_numbers_are_never_reused_and_unknown_ones_are_not_found(versions: FunctionVersions) -> None:
    versions.publish()
    with pytest.raises(VersioningError) as refused:
        versions.resolve("7")
    assert refused.value.error_type == "ResourceNotFoundException"
    assert str(refused.value) == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:orders:7"


def test_only_latest_can_be_updated(versions: FunctionVersions) -> None:
    with pytest.raises(VersioningError):
        versions.update_latest(version="1")


def test_qualifiers_resolve_to_their_version_and_arn(versions: FunctionVersions) -> None:
    versions.publish()
    versions.create_alias("live", "1")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
    assert (versions.resolve(None).executed_version, versions.resolve(None).invoked_arn) == ("$LATEST", arn)
    assert versions.resolve("$LATEST").invoked_arn == f"{arn}:$LATEST"
    assert (versions.resolve("1").executed_version, versions.resolve("1").invoked_arn) == ("1", f"{arn}:1")
    live = versions.resolve("live")
    assert (live.executed_version, live.invoked_arn, live.alias) == ("1", f"{arn}:live", "live")


def test_a_weighted_alias_picks_the_additional_version_below_its_weight(versions: FunctionVersions, code: Path) -> None:
    versions.publish()
    (code / "app.py").write_text("def handler(event, context):\n    return 'v2'\n")
    versions.publish()
    versions.create_alias("live", "1", {"2": 0.1})
    assert versions.resolve("live", draw=0.05).executed_version == "2"
    assert versions.resolve("live", draw=0.1).executed_version == "1"
    assert versions.resolve("live", draw=0.99).executed_version == "1"
    assert versions.alias("live").routing == {"2": 0.1}


@pytest.mark.parametrize(
    ("primary", "routing", "error_type", "message"),
    [
        ("$LATEST", {"1": 0.5}, "InvalidParameterValueException", "$LATEST is not supported for an alias pointing to more than 1 version"),
        ("1", {"$LATEST": 0.5}, "InvalidParameterValueException", "$LATEST is not supported for an alias pointing to more than 1 version"),
        ("1", {"1": 0.5}, "InvalidParameterValueException", "Function version 1 is already included"),
        ("1", {"2": 1.5}, "ValidationException", "Member must have value less than or equal to 1.0"),
        ("1", {"2": 0.1, "3": 0.1}, "InvalidParameterValueException", "cannot be greater than 1"),
        ("9", {}, "ResourceNotFoundException", "Function not found"),
    ],
)
def test_alias_routing_rules(
    versions: FunctionVersions, code: Path, primary: str, routing: dict, error_type: str, message: str
) -> None:
    versions.publish()
    (code / "app.py").write_text("# v2\n")
    versions.publish()
    with pytest.raises(VersioningError) as refused:
        versions.create_alias("live", primary, routing)
    assert refused.value.error_type == error_type
    assert message in str(refused.value)


def test_an_alias_may_point_at_latest_without_routing(versions: FunctionVersions) -> None:
    assert versions.create_alias("dev", "$LATEST").function_version == "$LATEST"
    assert versions.resolve("dev").executed_version == "$LATEST"


@pytest.mark.parametrize("name", ["123", "bad name", "x" * 129])
def test_alias_names_follow_lambdas_pattern(versions: FunctionVersions, name: str) -> None:
    with pytest.raises(VersioningError):
        versions.create_alias(name, "$LATEST")


def test_alias_names_are_unique_and_updates_keep_what_is_not_given(versions: FunctionVersions, code: Path) -> None:
    versions.publish()
    (code / "app.py").write_text("# v2\n")
    versions.publish()
    versions.create_alias("live", "1")
    with pytest.raises(VersioningError) as taken:
        versions.create_alias("live", "1")
    assert taken.value.error_type == "ResourceConflictException"
    versions.update_alias("live", routing={"2": 0.25})
    assert versions.alias("live").function_version == "1"
    versions.update_alias("live", function_version="2", routing={})
    assert versions.alias("live").routing == {}


def test_code_digest_ignores_bytecode_caches(code: Path) -> None:
    before = code_sha256(code)
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    assert code_sha256(code) == before


def test_versions_and_aliases_survive_a_save_and_load(versions: FunctionVersions, code: Path, tmp_path: Path) -> None:
    versions.publish("first")
    (code / "app.py").write_text("# v2\n")
    versions.update_latest(memory_mb=256, environment={"STAGE": "prod"})
    versions.publish()
    versions.create_alias("live", "1", {"2": 0.25})
    versions.save()
    again = FunctionVersions.load(versions.latest, tmp_path / "store")
    assert again.version("2").config == versions.version("2").config
    assert again.version("1").description == "first"
    assert again.alias("live").routing == {"2": 0.25}
    assert again.publish() is again.version("2")  # unchanged $LATEST: no third version
    (code / "app.py").write_text("# v3\n")
    assert again.publish().number == "3"


def test_a_damaged_save_is_refused_with_its_path(versions: FunctionVersions, tmp_path: Path) -> None:
    (tmp_path / "store").mkdir(exist_ok=True)
    (tmp_path / "store" / "versions.json").write_text("{not json")
    with pytest.raises(VersioningError, match="versions.json: the saved versions cannot be read"):
        FunctionVersions.load(versions.latest, tmp_path / "store")
