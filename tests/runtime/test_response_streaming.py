"""Response streaming the way a custom runtime does it: chunks posted with
`Lambda-Runtime-Function-Response-Mode: streaming` and chunked encoding reach the caller as the handler produces
them; an error after the first chunk travels in the `Lambda-Runtime-Function-Error-Type`/`-Body` trailers.

AWS docs: "Implementing response streaming in a custom runtime"
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming).
"""

from __future__ import annotations

import json
import shutil

import pytest

from lambdalearn.runtime.config import ConfigError, FunctionConfig
from lambdalearn.runtime.service import LambdaRuntime

pytestmark = pytest.mark.slow

STREAM = {"invoke_mode": "RESPONSE_STREAM"}


@pytest.fixture
def streaming_config(tmp_path, handlers_dir):
    """A config whose code folder (a copy of the fixture) also holds the gate file the handler waits for."""
    code = tmp_path / "code"
    code.mkdir()
    shutil.copy(handlers_dir / "streaming.py", code / "streaming.py")

    def make(handler: str, **changes):
        return FunctionConfig(handler=handler, code_dir=code, timeout_s=10, **changes)

    return make, str(code / "gate")


def invoke_collecting(run, config, event, *, open_gate: str | None = None):
    """Invoke once; returns (record, chunks received, content types). With `open_gate`, the gate file is
    created when the first chunk arrives: the handler cannot produce its last chunk before that."""
    received: list[bytes] = []
    types: list[str] = []

    def on_chunk(data: bytes, content_type: str) -> None:
        received.append(data)
        types.append(content_type)
        if open_gate:
            open(open_gate, "w").close()

    async def scenario():
        async with LambdaRuntime(config) as runtime:
            return await runtime.invoke(event, on_chunk=on_chunk)

    return run(scenario()), received, types


def test_chunks_reach_the_caller_before_the_handler_finishes(run, streaming_config):
    make, gate = streaming_config
    record, received, types = invoke_collecting(run, make("streaming.chunks", **STREAM), {"gate": gate}, open_gate=gate)
    # "two," is only produced after the gate opens, which happens when "one," has reached us.
    assert record.status == "success", record.payload
    assert b"".join(received) == b"one,two,three"
    assert set(types) == {"application/octet-stream"}
    assert record.payload == "one,two,three"  # the record still has the whole body
    assert record.logs[-1].startswith("REPORT RequestId: ")


def test_a_dict_first_is_the_function_url_prelude(run, streaming_config):
    make, gate = streaming_config
    record, received, types = invoke_collecting(run, make("streaming.http", **STREAM), {"gate": gate}, open_gate=gate)
    body = b"".join(received)
    prelude, delimiter, rest = body.partition(b"\0" * 8)
    assert delimiter and rest == b"hello world"
    assert json.loads(prelude) == {"statusCode": 201, "headers": {"content-type": "text/plain", "x-stream": "yes"}, "cookies": ["a=1", "b=2"]}
    assert set(types) == {"application/vnd.awslambda.http-integration-response"} and record.status == "success"


def test_an_error_mid_stream_arrives_in_the_trailers_and_the_record_shows_it(run, streaming_config):
    make, _ = streaming_config
    record, received, _ = invoke_collecting(run, make("streaming.fails_midway", **STREAM), {})
    assert b"".join(received) == b"partial"
    assert record.status == "error" and record.error_type == "ValueError" and record.function_error == "Unhandled"
    assert record.payload["errorMessage"] == "broke mid-stream" and record.payload["requestId"] == record.request_id
    assert any("fails_midway" in frame for frame in record.payload["stackTrace"])
    assert any(line.startswith("[ERROR] ValueError: broke mid-stream") for line in record.logs)


def test_an_error_before_the_first_chunk_is_an_ordinary_function_error(run, streaming_config):
    make, _ = streaming_config
    record, received, _ = invoke_collecting(run, make("streaming.fails_first", **STREAM), {})
    assert received == [] and record.error_type == "KeyError"


def test_a_chunk_that_is_not_text_or_bytes_is_a_marshal_error_mid_stream(run, streaming_config):
    make, _ = streaming_config
    record, received, _ = invoke_collecting(run, make("streaming.bad_chunk", **STREAM), {})
    assert b"".join(received) == b"fine" and record.error_type == "Runtime.MarshalError"
    assert "must be str or bytes, not int" in record.payload["errorMessage"]


def test_buffered_mode_is_unchanged_a_generator_is_not_json(run, streaming_config):
    make, _ = streaming_config
    record, received, _ = invoke_collecting(run, make("streaming.chunks"), {})
    assert received == [] and record.error_type == "Runtime.MarshalError"


def test_a_plain_return_value_in_streaming_mode_is_posted_whole(run, streaming_config):
    make, _ = streaming_config
    record, received, _ = invoke_collecting(run, make("streaming.plain", **STREAM), {})
    assert received == [] and record.payload == {"statusCode": 200, "body": "not a stream"}


def test_the_environment_serves_the_next_invocation_after_a_stream(run, streaming_config):
    make, _ = streaming_config

    async def scenario():
        async with LambdaRuntime(make("streaming.fails_midway", **STREAM)) as runtime:
            return await runtime.invoke({}), await runtime.invoke({})

    first, second = run(scenario())
    assert not second.cold_start and second.environment_id == first.environment_id and second.error_type == "ValueError"


def test_invoke_mode_is_validated(function_config):
    with pytest.raises(ConfigError, match="invokeMode' failed to satisfy constraint: Member must satisfy enum value set: \\[BUFFERED, RESPONSE_STREAM\\]"):
        function_config("basic.echo", invoke_mode="STREAMING").validated()
