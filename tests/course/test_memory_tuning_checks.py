"""The memory-tuning lab judges what it teaches (duration = CPU work / the share of a vCPU the memory buys)
the same way on an idle and on a busy machine.

AWS: "Configure Lambda function memory" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html):
CPU power in proportion to memory, the equivalent of one vCPU at 1,769 MB.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.runtime.records import InvocationRecord

LAB = bundled_pack_root() / "labs" / "memory-tuning"


def load_checks():
    spec = importlib.util.spec_from_file_location("memory_tuning_checks", LAB / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BusyMachineLab:
    """A `lab` whose invocations come back as a busy machine makes them: the function needs `cpu_ms` of CPU
    at any memory size, but below one vCPU its wall-clock duration is `stretch` times what its CPU share
    alone would give (other programs held the CPU while the throttled function waited for its turn)."""

    def __init__(self, memory_mb: int, *, cpu_ms: float, stretch: float) -> None:
        self.memory_mb, self.cpu_ms, self.stretch = memory_mb, cpu_ms, stretch
        self.rng = random.Random(7)

    def invoke(self, event, config=None):
        memory = (config or {}).get("memory", self.memory_mb)
        share = min(1.0, memory / 1769)
        duration = self.cpu_ms / share * (self.stretch if share < 1.0 else 1.0)
        return [InvocationRecord(
            request_id="r", environment_id="env-1", cold_start=False, init_duration_ms=None, duration_ms=duration,
            billed_duration_ms=int(duration) + 1, memory_size_mb=memory, max_memory_used_mb=40, status="success",
            error_type=None, payload={"seed": event["seed"]}, cost_usd=0.0, cpu_time_ms=self.cpu_ms,
        )]

    def expect(self, records, status):
        assert all(record.status == status for record in records)


def test_a_busy_machine_does_not_fail_a_memory_that_meets_the_bound():
    """At 1,024 MB a 25 ms thumbnail takes about 43 ms on Lambda; a machine busy enough to stretch the
    throttled wall-clock durations threefold must not turn that into a failure (judged on wall time it read
    about 130 ms)."""
    checks = load_checks()
    memory, duration = checks.lambda_duration_ms(BusyMachineLab(1024, cpu_ms=31.0, stretch=3.0))
    assert memory == 1024 and duration == pytest.approx(25 * 1769 / 1024)
    checks.check_latency(BusyMachineLab(1024, cpu_ms=31.0, stretch=3.0))


def test_too_little_memory_still_fails_on_an_idle_machine():
    checks = load_checks()
    with pytest.raises(AssertionError, match=r"at 128 MB a thumbnail would take about 346 ms on Lambda"):
        checks.check_latency(BusyMachineLab(128, cpu_ms=12.0, stretch=1.0))


@pytest.fixture
def busy_siblings():
    """One process spinning on every core for the length of the test."""
    pids = []
    for _ in range(os.cpu_count() or 1):
        pid = os.fork()
        if pid == 0:
            while True:
                pass
        pids.append(pid)
    yield pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


@pytest.mark.slow
def test_the_lab_is_sound_while_every_core_is_busy(busy_siblings):
    result = CliRunner().invoke(cli, ["pack", "check", "--lab", "memory-tuning"])
    assert result.exit_code == 0, result.output
