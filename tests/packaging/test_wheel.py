"""The built wheel carries the course: an installed lambdalearn works with no source tree around it."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_validates_the_bundled_course(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
    )
    [wheel] = wheels.glob("lambdalearn-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)], check=True
    )
    # Dependencies come from this test environment's site-packages, added by a .pth line: a plain path
    # line does not run the editable-install hook there, so only the wheel's copy of lambdalearn is seen.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True).strip())
    (site / "zz_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "LAMBDALEARN_HOME": str(tmp_path / "home")}
    where = subprocess.run(
        [str(python), "-c", "import lambdalearn, lambdalearn.content.bundled as b; print(lambdalearn.__file__); print(b.bundled_pack_root())"],
        cwd=outside, env=env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(venv)), where
    assert where[1].startswith(str(venv)) and where[1].endswith("_course"), where
    installed = Path(where[1])
    assert (installed / "pack.yaml").is_file() and any((installed / "content").glob("*.md"))
    assert any((installed / "quizzes").glob("*.yaml"))
    result = subprocess.run(
        [str(venv / "bin" / "lambdalearn"), "pack", "validate"], cwd=outside, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: lambda-core ")
    simulated = subprocess.run(
        [str(venv / "bin" / "lambdalearn"), "simulate", "--example", "quiet-tool", "--json"], cwd=outside, env=env,
        capture_output=True, text=True,
    )
    assert simulated.returncode == 0 and '"requests"' in simulated.stdout, simulated.stderr  # the examples ship
