"""Domain packages never import Textual: each is imported in a fresh interpreter and checked."""

import subprocess
import sys

import pytest

HEADLESS = [
    "lambdalearn.content.loader",
    "lambdalearn.content.scaffold",
    "lambdalearn.study",
    "lambdalearn.progress",
    "lambdalearn.runtime",
    "lambdalearn.labs",
    "lambdalearn.apps",
    "lambdalearn.simulate",
    "lambdalearn.web.hosting",
]


@pytest.mark.parametrize("package", HEADLESS)
def test_domain_package_does_not_import_textual(package):
    code = (
        "import importlib, pkgutil, sys\n"
        f"root = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(getattr(root, '__path__', []), root.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{package} pulled in {result.stdout.strip()}"


def test_cli_start_up_imports_no_heavy_modules():
    code = (
        "import sys\n"
        "from lambdalearn.cli import cli\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'boto3', 'moto', 'plotext', 'fsrs', 'textual_serve', 'aiohttp'))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_simulating_without_charts_never_imports_plotting():
    code = (
        "import sys\n"
        "from lambdalearn.simulate import engine, report, scenario\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('plotext', 'textual', 'numpy'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
