"""CPU in proportion to memory: a 128 MB function gets about 7% of a vCPU while it runs."""

from __future__ import annotations

import pytest

from lambdalearn.runtime.cpu_share import FULL_VCPU_MEMORY_MB, cpu_share
from lambdalearn.runtime.service import LambdaRuntime


def test_the_share_is_memory_over_1769_mb_up_to_one_vcpu():
    assert cpu_share(128) == pytest.approx(128 / 1769)
    assert cpu_share(FULL_VCPU_MEMORY_MB) == 1.0
    assert cpu_share(10240) == 1.0


@pytest.mark.slow
def test_a_small_function_is_stopped_for_most_of_each_period_and_a_switched_off_model_is_not(run, function_config):
    async def fraction(models_cpu_share: bool) -> float:
        config = function_config("hostile.misbehave", memory_mb=128)
        async with LambdaRuntime(config, models_cpu_share=models_cpu_share) as runtime:
            record = await runtime.invoke({"action": "cpu_fraction", "seconds": 0.4})
            return record.payload["cpu_fraction"]

    throttled = run(fraction(True))
    unthrottled = run(fraction(False))
    # About 0.07 when modelled; close to 1 on an idle machine otherwise (less under load, never as low).
    assert throttled < 0.3
    assert unthrottled > throttled


@pytest.mark.slow
def test_a_thread_pool_cannot_escape_the_share(run, function_config):
    async def scenario():
        async with LambdaRuntime(function_config("hostile.misbehave", memory_mb=128)) as runtime:
            return await runtime.invoke({"action": "cpu_fraction_threads", "seconds": 0.3})

    assert run(scenario()).payload["cpu_fraction"] < 0.3
