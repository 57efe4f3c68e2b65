"""FunctionConfig refuses what Lambda refuses, in Lambda's words, and accepts everything in range."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from lambdalearn.runtime.config import RESERVED_ENVIRONMENT_KEYS, ConfigError, FunctionConfig, interpreter_note


def config(**changes) -> FunctionConfig:
    return FunctionConfig(**{"handler": "app.handler", "code_dir": Path("."), **changes})


def refusal(**changes) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        config(**changes).validated()
    return caught.value


def test_defaults_are_valid_and_validated_returns_the_same_object():
    default = config()
    assert default.validated() is default
    assert (default.memory_mb, default.timeout_s, default.architecture) == (128, 3.0, "x86_64")


def test_function_arn_names_region_account_and_function():
    assert config(function_name="orders", region="eu-west-1").function_arn == (
        "arn:aws:lambda:eu-west-1:123456789012:function:orders"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"memory_mb": 20000},
            "1 validation error detected: Value '20000' at 'memorySize' failed to satisfy constraint: "
            "Member must have value less than or equal to 10240",
        ),
        (
            {"memory_mb": 64},
            "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: "
            "Member must have value greater than or equal to 128",
        ),
        (
            {"timeout_s": 901},
            "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
            "Member must have value less than or equal to 900",
        ),
        (
            {"timeout_s": 0},
            "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        ),
        (
            {"ephemeral_storage_mb": 256},
            "1 validation error detected: Value '256' at 'ephemeralStorage.size' failed to satisfy constraint: "
            "Member must have value greater than or equal to 512",
        ),
        (
            {"ephemeral_storage_mb": 10241},
            "1 validation error detected: Value '10241' at 'ephemeralStorage.size' failed to satisfy constraint: "
            "Member must have value less than or equal to 10240",
        ),
        (
            {"architecture": "arm"},
            "1 validation error detected: Value '[arm]' at 'architectures' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]",
        ),
    ],
)
def test_out_of_range_values_are_refused_in_lambdas_wording(changes, message):
    error = refusal(**changes)
    assert str(error) == message
    assert error.error_type == "ValidationException"


def test_limits_themselves_are_accepted():
    for changes in (
        {"memory_mb": 128},
        {"memory_mb": 10240},
        {"timeout_s": 1},
        {"timeout_s": 900},
        {"ephemeral_storage_mb": 10240},
        {"architecture": "arm64"},
    ):
        config(**changes).validated()


def test_several_violations_are_reported_together_like_the_api():
    message = str(refusal(memory_mb=1, timeout_s=1000))
    assert message.startswith("2 validation errors detected: Value '1' at 'memorySize'")
    assert "; Value '1000' at 'timeout'" in message
    assert "\n" not in message


def test_non_integer_memory_and_non_numbers_are_refused():
    assert "Member must be an integer" in str(refusal(memory_mb=256.5))
    assert "Member must be a number" in str(refusal(timeout_s="3"))
    assert "Member must be an integer" in str(refusal(memory_mb=True))


def test_function_name_and_handler_patterns():
    assert "at 'functionName'" in str(refusal(function_name="my function"))
    assert "Member must have length less than or equal to 64" in str(refusal(function_name="f" * 65))
    assert "at 'handler'" in str(refusal(handler="app. handler"))


def test_unknown_runtime_is_refused_with_the_enum():
    assert "at 'runtime' failed to satisfy constraint: Member must satisfy enum value set" in str(
        refusal(runtime="nodejs22.x")
    )


@pytest.mark.parametrize("key", ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ACCESS_KEY_ID", "LAMBDA_TASK_ROOT"])
def test_reserved_environment_keys_are_refused(key):
    error = refusal(environment={"TABLE": "orders", key: "x"})
    assert str(error) == (
        "Lambda was unable to configure your environment variables because the environment variables you have "
        "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
        f"in this request: {key}"
    )
    assert error.error_type == "InvalidParameterValueException"


def test_underscore_keys_such_as_handler_fail_the_key_pattern_first():
    assert "Map keys must satisfy constraint" in str(refusal(environment={"_HANDLER": "x"}))


def test_reserved_list_covers_what_the_runtime_sets():
    assert {"AWS_REGION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_RUNTIME_API", "_X_AMZN_TRACE_ID"} <= (
        RESERVED_ENVIRONMENT_KEYS
    )


def test_settable_lambda_variables_are_accepted():
    config(environment={"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrap", "TZ": "Europe/Paris", "PYTHONPATH": "/opt"}).validated()


def test_environment_over_4kb_as_json_is_refused_and_just_under_is_accepted():
    # {"KEY":"<value>"} is 10 bytes of JSON around the value.
    config(environment={"KEY": "v" * (4096 - 10)}).validated()
    error = refusal(environment={"KEY": "v" * (4096 - 9)})
    assert str(error).startswith(
        "Lambda was unable to configure your environment variables because the environment variables you have "
        "provided exceeded the 4KB limit. String measured: {\"KEY\":\"vvv"
    )
    assert len(str(error)) < 500


def test_environment_size_counts_utf8_bytes():
    assert "exceeded the 4KB limit" in str(refusal(environment={"KEY": "é" * 2100}))


def test_environment_keys_must_match_lambdas_pattern():
    assert "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]" in str(
        refusal(environment={"1ST": "x"})
    )


def test_environment_is_a_private_read_only_copy():
    env = {"TABLE": "orders"}
    frozen = config(environment=env)
    env["TABLE"] = "changed"
    assert frozen.environment["TABLE"] == "orders"
    for change in (lambda env: env.__setitem__("NEW", "x"), lambda env: env.update(NEW="x"), lambda env: env.pop("TABLE")):
        with pytest.raises(TypeError, match="read-only"):
            change(frozen.environment)


def test_reserved_concurrency_must_leave_100_unreserved():
    config(reserved_concurrency=900).validated()
    config(reserved_concurrency=0).validated()
    assert str(refusal(reserved_concurrency=901)) == (
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [100]."
    )


def test_small_accounts_keep_their_whole_limit_unreserved():
    config(account_concurrency_limit=10).validated()
    assert "minimum value of [10]" in str(refusal(account_concurrency_limit=10, reserved_concurrency=1))


def test_provisioned_concurrency_must_not_exceed_reserved():
    config(reserved_concurrency=5, provisioned_concurrency=5, version="1").validated()
    error = refusal(reserved_concurrency=5, provisioned_concurrency=6, version="1")
    assert str(error) == (
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
    )


def test_provisioned_concurrency_without_reserved_also_leaves_100_unreserved():
    config(provisioned_concurrency=900, version="1").validated()
    assert str(refusal(provisioned_concurrency=901, version="1")) == (
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [100]."
    )


def test_negative_concurrency_is_refused():
    assert "at 'reservedConcurrentExecutions'" in str(refusal(reserved_concurrency=-1))
    assert "at 'provisionedConcurrentExecutions'" in str(refusal(provisioned_concurrency=-1))


def test_replace_validates_and_leaves_the_original_untouched():
    original = config()
    bigger = original.replace(memory_mb=1024)
    assert (original.memory_mb, bigger.memory_mb) == (128, 1024)
    with pytest.raises(ConfigError):
        original.replace(memory_mb=0)


def test_config_error_is_a_value_error_with_a_single_line():
    error = refusal(memory_mb=0, timeout_s=0, ephemeral_storage_mb=0)
    assert isinstance(error, ValueError)
    assert "\n" not in str(error)


def test_no_environment_is_the_same_as_an_empty_one():
    assert dict(config(environment=None).validated().environment) == {}  # type: ignore[arg-type]


def test_code_dir_given_as_text_becomes_a_path():
    assert config(code_dir="src").code_dir == Path("src")


def test_config_pickles_copies_and_converts_to_a_dict_for_other_processes():
    original = config(environment={"TABLE": "orders"}, memory_mb=256)
    assert pickle.loads(pickle.dumps(original)) == original
    assert copy.deepcopy(original) == original
    assert dataclasses.asdict(original)["environment"] == {"TABLE": "orders"}
    with pytest.raises(TypeError):
        pickle.loads(pickle.dumps(original)).environment["NEW"] = "x"  # type: ignore[index]


def test_provisioned_concurrency_needs_a_published_version_not_latest():
    """AWS: provisioned concurrency is configured on a version or an alias, never $LATEST
    (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html); PutProvisionedConcurrencyConfig
    refuses an unpublished version with this InvalidParameterValueException."""
    error = refusal(provisioned_concurrency=1)
    assert error.error_type == "InvalidParameterValueException"
    assert str(error) == "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
    config(provisioned_concurrency=1, version="3").validated()


def test_a_version_is_latest_or_a_number():
    assert "at 'qualifier' failed to satisfy constraint" in str(refusal(version="v2"))


def test_the_interpreter_is_shown_beside_the_runtime_it_claims_with_a_note_when_they_differ():
    same = interpreter_note("python3.13", (3, 13))
    assert same == "runtime python3.13 (AWS_EXECUTION_ENV=AWS_Lambda_python3.13); handlers run on Python 3.13 here"
    differs = interpreter_note("python3.13", (3, 11))
    assert differs.startswith("runtime python3.13 (AWS_EXECUTION_ENV=AWS_Lambda_python3.13); handlers run on Python 3.11 here - not python3.13")
