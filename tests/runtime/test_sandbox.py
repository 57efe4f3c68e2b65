"""The execution environment is sealed like Lambda's, on both containment paths (see sandbox.py).

AWS: "Lambda execution environment" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html)
for the life cycle, freezing and /tmp; "Configure ephemeral storage"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html) for /tmp's size (512 MB by
default); "Working with layers" (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html) for
/opt/python and /opt/python/lib/python3.x/site-packages on the import path.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lambdalearn.runtime import procfs
from lambdalearn.runtime.config import FunctionConfig
from lambdalearn.runtime.cpu_share import FULL_VCPU_MEMORY_MB
from lambdalearn.runtime.service import LambdaRuntime

from .conftest import skip_because, states_of

pytestmark = pytest.mark.slow

LAYER = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "demo"


def needs_namespaces(sandbox_path: str) -> None:
    if sandbox_path != "namespaces":
        skip_because("the fallback path cannot do this without namespaces (lambdalearn invoke --explain-sandbox says so)")


def invoke(run, config, *events):
    async def scenario():
        async with LambdaRuntime(config) as runtime:
            return [await runtime.invoke(event) for event in events]

    return run(scenario())


def test_a_handler_imports_only_the_code_directory_the_standard_library_and_the_sdk(run, function_config):
    modules = ["json", "sqlite3", "basic", "boto3", "botocore", "dateutil", "click", "textual", "lambdalearn", "pytest"]
    # Importing boto3 is about 0.3 s of CPU. At 128 MB the handler gets 7% of a vCPU, so that took 3-5 s on a
    # slow day and timed out at 3 s: a full vCPU and room to spare leave only what this test checks.
    config = function_config("sealed.imports", memory_mb=FULL_VCPU_MEMORY_MB, timeout_s=60)
    (record,) = invoke(run, config, {"modules": modules})
    assert record.error_type is None, record.payload
    found = record.payload["found"]
    assert all(found[name] for name in ("json", "sqlite3", "basic", "boto3", "botocore", "dateutil")), found
    assert [name for name in ("click", "textual", "lambdalearn", "pytest") if found[name]] == []


def test_importing_a_package_that_is_only_installed_beside_lambdalearn_is_an_import_module_error(
    run, function_config, tmp_path
):
    (tmp_path / "needs_click.py").write_text("import click\n\ndef handler(event, context):\n    return 1\n")
    (record,) = invoke(run, FunctionConfig(handler="needs_click.handler", code_dir=tmp_path), {})
    assert record.error_type == "Runtime.ImportModuleError"
    assert record.payload["errorMessage"] == "Unable to import module 'needs_click': No module named 'click'"


def test_a_layer_is_on_the_import_path_as_opt_python(run, function_config, sandbox_path):
    (record,) = invoke(run, function_config("sealed.imports", opt_dir=LAYER), {"modules": ["layer_greeting"]})
    location = record.payload["found"]["layer_greeting"]
    root = "/opt" if sandbox_path == "namespaces" else str(LAYER)
    assert location == f"{root}/python/layer_greeting.py"
    # site-packages is named for the runtime the function declares (python3.13 here), as a layer built for it is
    assert record.payload["sys_path"][1:3] == [f"{root}/python/lib/python3.13/site-packages", f"{root}/python"]


def test_tmp_is_private_to_each_environment_and_empty_at_each_cold_start(run, function_config, sandbox_path):
    folder = "/tmp" if sandbox_path == "namespaces" else None

    async def scenario():
        async with LambdaRuntime(function_config("sealed.write_tmp")) as runtime:
            first, second = await runtime.invoke_many(
                [{"name": "a", "folder": folder}, {"name": "b", "folder": folder}], concurrency=2
            )
            warm = await runtime.invoke({"name": "c", "folder": folder})
            await runtime.shut_down_idle()
            cold = await runtime.invoke({"name": "d", "folder": folder})
        return first, second, warm, cold

    first, second, warm, cold = run(scenario())
    assert first.environment_id != second.environment_id
    assert first.payload["before"] == second.payload["before"] == []
    assert not warm.cold_start and warm.payload["before"] in (["a"], ["b"])  # the same environment keeps /tmp
    assert cold.cold_start and cold.payload["before"] == []


def test_tmp_is_as_large_as_the_ephemeral_storage_and_writes_past_it_fail_with_enospc(run, function_config, sandbox_path):
    needs_namespaces(sandbox_path)
    config = function_config("sealed.fill_tmp", ephemeral_storage_mb=600)
    fits, too_much = invoke(run, config, {"mb": 100}, {"mb": 601})
    assert fits.payload == {"outcome": "ok", "size_mb": 600}
    assert too_much.payload == {"outcome": "ENOSPC", "size_mb": 600}


def test_the_code_directory_is_read_only(run, function_config, sandbox_path):
    needs_namespaces(sandbox_path)
    (record,) = invoke(run, function_config("sealed.write_code_dir"), {})
    assert record.payload == {"outcome": "EROFS"}


def test_a_handler_cannot_see_other_processes_or_their_environment(run, function_config, sandbox_path, monkeypatch):
    needs_namespaces(sandbox_path)
    monkeypatch.setenv("LEARNER_SECRET", "s3cr3t-value")
    (record,) = invoke(run, function_config("sealed.peek"), {"secret": "s3cr3t-value"})
    assert record.payload["leaked"] == []
    assert record.payload["ppid"] == 0  # the parent is outside the environment's PID namespace
    assert record.payload["pids"] == [1]


def test_home_is_the_environments_own(run, function_config, sandbox_path, monkeypatch):
    monkeypatch.setenv("HOME", "/root/the-learners-home")
    (record,) = invoke(run, function_config("sealed.peek"), {"secret": "-"})
    assert record.payload["home"] != "/root/the-learners-home"
    if sandbox_path == "namespaces":
        assert record.payload["home"] == "/tmp"


def test_a_daemon_started_with_setsid_is_frozen_with_the_environment_and_dies_with_it(run, function_config, sandbox_path):
    async def scenario():
        async with LambdaRuntime(function_config("sealed.detach")) as runtime:
            record = await runtime.invoke({})
            await asyncio.sleep(0.1)  # SIGSTOP is delivered asynchronously
            return record, runtime.environments()[0].frozen, states_of(runtime, sandbox_path)

    record, frozen, states = run(scenario())
    assert record.payload == {"detached": True}
    assert frozen and len(states) >= 2, "the daemon must count as a process of the environment"
    assert {state for _, state in states} == {"T"}, "every process is stopped while the environment is idle"
    assert [pid for pid, _ in states if procfs.is_alive(pid)] == []


def test_memory_held_by_a_detached_child_counts_and_kills_the_environment(run, function_config):
    (record,) = invoke(run, function_config("sealed.detached_hog", memory_mb=128, timeout_s=10), {"mb": 300})
    assert record.error_type == "Runtime.OutOfMemory"
    assert record.max_memory_used_mb == 128


def test_child_processes_share_the_cpu_slice_of_the_memory_size(run, function_config):
    (record,) = invoke(run, function_config("sealed.spin_with_children", memory_mb=128), {"children": 2, "seconds": 1.0})
    assert record.payload["cpu_fraction"] < 0.3  # 128 MB gets about 7% of one vCPU, all processes together


def test_a_checkout_and_a_venv_under_the_hosts_tmp_still_run_handlers(tmp_path):
    """A learner who clones lambdalearn (and makes its venv) under /tmp: the environment's private /tmp must not
    hide the runtime's own code or the SDK. Simulated with a venv under pytest's /tmp folder whose .pth files
    reach lambdalearn and the SDK through folders of links there, ahead of this venv's site-packages."""
    import importlib.util
    import subprocess
    import sys
    import sysconfig
    import venv

    import lambdalearn
    from lambdalearn.runtime.sandbox import SDK_PACKAGES

    checkout, sdk, learner_venv = tmp_path / "checkout", tmp_path / "sdk", tmp_path / "venv"
    checkout.mkdir()
    sdk.mkdir()
    (checkout / "lambdalearn").symlink_to(Path(lambdalearn.__file__).parent)
    for name in SDK_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            origin = Path(spec.origin)
            target = origin.parent if spec.submodule_search_locations else origin
            (sdk / target.name).symlink_to(target)
    venv.create(learner_venv, with_pip=False)
    python = learner_venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # .pth lines are added in order: the SDK's links, the checkout, then what lambdalearn itself needs.
    Path(site, "learner.pth").write_text(f"{sdk}\n{checkout}\n{sysconfig.get_paths()['purelib']}\n")
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("import boto3\n\ndef handler(event, context):\n    return boto3.__file__\n")
    result = subprocess.run(
        [python, "-m", "lambdalearn", "invoke", "app.handler", "--code", str(code)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().strip('"') == str(sdk / "boto3" / "__init__.py")
