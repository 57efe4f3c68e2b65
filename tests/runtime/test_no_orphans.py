"""Environments never outlive the program that started them, however it ends (SIGKILL, a closing terminal)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from lambdalearn.runtime import procfs

DRIVER = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    from lambdalearn.runtime.config import FunctionConfig
    from lambdalearn.runtime.service import LambdaRuntime

    async def main():
        runtime = LambdaRuntime(FunctionConfig(handler="basic.echo", code_dir=Path(sys.argv[1])))
        await runtime.start()
        await runtime.invoke({"hello": 1})
        print(" ".join(str(view.pid) for view in runtime.environments()), flush=True)
        await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def wait_gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(procfs.is_alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["sigkill", "hangup"])
def test_environments_die_with_their_program(handlers_dir, ending):
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(handlers_dir)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        environment_pids = [int(pid) for pid in driver.stdout.readline().split()]
        assert environment_pids and all(procfs.is_alive(pid) for pid in environment_pids)
        if ending == "sigkill":
            driver.kill()
        else:  # the terminal closes: every process of the driver's session gets SIGHUP
            os.killpg(driver.pid, signal.SIGHUP)
        driver.wait(timeout=5)
        assert wait_gone(environment_pids), f"left behind: {[p for p in environment_pids if procfs.is_alive(p)]}"
    finally:
        if driver.poll() is None:
            driver.kill()
