"""Layers: order, the five-layer and 250 MB limits, immutability, and the import path a handler sees.

AWS docs: "Managing Lambda dependencies with layers" (extracted to /opt in order; a later layer overrides
an earlier one's file at the same path), "Working with layers for Python Lambda functions" (/opt/python and
/opt/python/lib/pythonX.Y/site-packages on the path) and "Lambda quotas" (five layers; 250 MB unzipped for
code and layers together).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.runtime.config import ConfigError, FunctionConfig
from lambdalearn.runtime.layers import UNZIPPED_LIMIT_BYTES, LayerStore, assemble_opt, python_paths
from lambdalearn.runtime.service import LambdaRuntime


def make_layer(root: Path, name: str, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / name


@pytest.fixture
def code(tmp_path: Path) -> Path:
    return make_layer(tmp_path, "code", {"app.py": "import shared\ndef handler(e, c):\n    return shared.WHO\n"})


def test_later_layers_override_earlier_ones_at_the_same_path(tmp_path: Path, code: Path) -> None:
    first = make_layer(tmp_path, "first", {"python/shared.py": "WHO = 'first'", "python/only_first.py": ""})
    second = make_layer(tmp_path, "second", {"python/shared.py": "WHO = 'second'"})
    opt = assemble_opt([first, second], code, tmp_path / "opt")
    assert (opt / "python" / "shared.py").read_text() == "WHO = 'second'"
    assert (opt / "python" / "only_first.py").exists()
    opt = assemble_opt([second, first], code, tmp_path / "opt")
    assert (opt / "python" / "shared.py").read_text() == "WHO = 'first'"


def test_more_than_five_layers_are_refused(tmp_path: Path, code: Path) -> None:
    layers = [make_layer(tmp_path, f"l{n}", {"python/m.py": ""}) for n in range(6)]
    with pytest.raises(ConfigError) as refused:
        assemble_opt(layers, code, tmp_path / "opt")
    assert refused.value.error_type == "InvalidParameterValueException"
    assert "more than 5 layers" in str(refused.value)


def test_code_and_layers_over_250_mb_unzipped_are_refused_with_lambdas_message(tmp_path: Path, code: Path) -> None:
    big = tmp_path / "big" / "python"
    big.mkdir(parents=True)
    with open(big / "blob.bin", "wb") as sparse:  # a sparse file: its apparent size counts, no disk is used
        sparse.truncate(UNZIPPED_LIMIT_BYTES)
    code_bytes = sum(p.stat().st_size for p in code.rglob("*") if p.is_file())
    with pytest.raises(ConfigError) as refused:
        assemble_opt([tmp_path / "big"], code, tmp_path / "opt")
    assert str(refused.value) == (
        "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes."
        f" The actual size is {UNZIPPED_LIMIT_BYTES + code_bytes} bytes."
    )


def test_a_published_layer_version_does_not_change_when_its_folder_does(tmp_path: Path) -> None:
    source = make_layer(tmp_path, "src", {"python/shared.py": "WHO = 'v1'"})
    store = LayerStore(tmp_path / "layers")
    one = store.publish("common", source)
    (source / "python" / "shared.py").write_text("WHO = 'v2'")
    two = store.publish("common", source)
    assert (one.version, two.version) == (1, 2)
    assert (one.content_dir / "python" / "shared.py").read_text() == "WHO = 'v1'"
    assert one.arn == "arn:aws:lambda:us-east-1:123456789012:layer:common:1"


def test_python_paths_put_site_packages_before_python(tmp_path: Path) -> None:
    assert python_paths(tmp_path, "python3.12") == [
        str(tmp_path / "python/lib/python3.12/site-packages"),
        str(tmp_path / "python"),
    ]


@pytest.mark.slow
def test_a_handler_imports_from_its_layers_and_fails_like_lambda_without_them(run, tmp_path: Path, code: Path) -> None:
    layer = make_layer(tmp_path, "common", {"python/lib/python3.13/site-packages/shared.py": "WHO = 'layer'"})
    opt = assemble_opt([layer], code, tmp_path / "opt")

    async def invoke(config: FunctionConfig):
        async with LambdaRuntime(config) as runtime:
            return await runtime.invoke({})

    with_layer = run(invoke(FunctionConfig(handler="app.handler", code_dir=code, opt_dir=opt)))
    without = run(invoke(FunctionConfig(handler="app.handler", code_dir=code)))
    assert with_layer.payload == "layer"
    assert without.error_type == "Runtime.ImportModuleError"
    assert without.payload["errorMessage"] == "Unable to import module 'app': No module named 'shared'"
