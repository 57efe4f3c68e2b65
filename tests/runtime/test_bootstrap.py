"""Our bootstrap's pieces, in-process: handler loading faults, error objects, marshalling, the context."""

from __future__ import annotations

import decimal
import subprocess
import sys

import pytest

from lambdalearn.runtime import bootstrap


@pytest.fixture
def on_path(handlers_dir, monkeypatch):
    monkeypatch.syspath_prepend(str(handlers_dir))
    for name in ("basic", "import_error", "syntax_error", "pkg", "pkg.sub", "pkg.sub.mod"):
        monkeypatch.delitem(sys.modules, name, raising=False)


def fault_of(handler: str) -> bootstrap.Fault:
    with pytest.raises(bootstrap.Fault) as caught:
        bootstrap.load_handler(handler)
    return caught.value


def test_a_nested_handler_loads(on_path):
    assert bootstrap.load_handler("pkg.sub.mod.handler")({}, None) == {"nested": True, "module": "pkg.sub.mod"}


def test_load_faults_use_awslambdaric_types_and_messages(on_path):
    assert (fault_of("nodot").error_type, fault_of("nodot").message) == (
        "Runtime.MalformedHandlerName",
        "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
    )
    assert fault_of("sys.exit").error_type == "Runtime.BuiltInModuleConflict"
    assert fault_of("import_error.handler").message == (
        "Unable to import module 'import_error': No module named 'no_such_module_xyz'"
    )
    assert fault_of("basic.absent").message == "Handler 'absent' missing on module 'basic'"
    syntax = fault_of("syntax_error.handler")
    assert syntax.error_type == "Runtime.UserCodeSyntaxError"
    assert syntax.trace == [f'  File "{syntax.trace[0].split(chr(34))[1]}" Line 4\n    def handler(event, context)\n']


def test_an_exception_error_object_starts_at_the_users_frame():
    def handler():
        raise KeyError("id")

    try:
        handler()
    except KeyError as error:
        error_object = bootstrap.error_from_exception(error, "req-1")
    assert error_object["errorType"] == "KeyError"
    assert error_object["errorMessage"] == "'id'"
    assert error_object["requestId"] == "req-1"
    assert error_object["stackTrace"][0].startswith('  File "')
    assert error_object["stackTrace"][-1].endswith('raise KeyError("id")\n')


def test_marshalling_follows_lambda(monkeypatch):
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.13")
    assert bootstrap.marshal_response({"a": "é"}) == ('{"a": "é"}'.encode(), "application/json")
    assert bootstrap.marshal_response(b"\x00raw") == (b"\x00raw", "application/unknown")
    assert bootstrap.marshal_response(decimal.Decimal("1.5")) == (b"1.5", "application/json")
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11")
    assert bootstrap.marshal_response("é") == (b'"\\u00e9"', "application/json")
    with pytest.raises(bootstrap.Fault) as caught:
        bootstrap.marshal_response({1, 2})
    assert caught.value.message == "Unable to marshal response: Object of type set is not JSON serializable"


def test_the_context_reads_the_runtime_api_headers(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    headers = bootstrap.Headers(
        {
            "lambda-runtime-invoked-function-arn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
            "lambda-runtime-deadline-ms": "1",
            "lambda-runtime-cognito-identity": '{"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool"}',
            "lambda-runtime-client-context": '{"custom": {"k": "v"}, "client": {"app_title": "app"}}',
        }
    )
    context = bootstrap.LambdaContext("req-1", headers)
    assert context.function_name == "fn" and context.aws_request_id == "req-1"
    assert context.get_remaining_time_in_millis() == 0
    assert (context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id) == ("id-1", "pool")
    assert context.client_context.custom == {"k": "v"} and context.client_context.client.app_title == "app"


def test_the_bootstrap_imports_only_light_parts_of_the_standard_library():
    """Nothing of lambdalearn's heavy parts, and not http.client/ssl: a handler importing those pays for them."""
    code = (
        "import sys; import lambdalearn.runtime.bootstrap; "
        "print(sorted(m for m in sys.modules if m.startswith(('lambdalearn', 'click', 'textual', 'yaml', 'boto', "
        "'http', 'ssl', 'email', 'urllib'))))"
    )
    output = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "['lambdalearn', 'lambdalearn.runtime', 'lambdalearn.runtime.bootstrap']"
