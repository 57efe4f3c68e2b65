"""Traffic runs tally exactly what the runtime did: cold starts, throttles, percentiles, cost."""

import asyncio

import pytest

from lambdalearn.runtime.service import LambdaRuntime
from lambdalearn.runtime.traffic import KEPT_FAILURES, Burst, Steady, TrafficTally, fire


def run(coroutine):
    return asyncio.run(coroutine)


def test_burst_beyond_reserved_concurrency_throttles_the_excess(function_config):
    async def scenario():
        config = function_config("traffic.sleepy", reserved_concurrency=3)
        seen = []
        async with LambdaRuntime(config) as runtime:
            tally = await fire(runtime, Burst(requests=6, concurrency=6), lambda n: {"seconds": 0.3},
                               on_record=lambda record, t: seen.append(record.status))
            return tally, seen, runtime.metrics

    tally, seen, metrics = run(scenario())
    assert tally.sent == 6 and len(seen) == 6
    assert tally.throttles == 3 and tally.invocations == 3 and tally.cold_starts == 3
    # Peak concurrency counts the admitted requests only (the three throttled ones never ran), and the
    # trace ends with nothing running; the throttles sit in the trace as they happened.
    assert (tally.peak_in_flight, tally.in_flight) == (3, 0) and len(tally.trace.throttle_times_s) == 3
    assert sum(bucket.throttles for bucket in tally.trace.buckets()) == 3
    assert metrics.throttles == 3 and metrics.invocations == 3 and metrics.concurrent_executions == 3
    assert tally.p50_ms is not None and tally.p50_ms >= 250 and tally.cost_usd > 0


def test_burst_within_concurrency_reuses_warm_environments(function_config):
    async def scenario():
        async with LambdaRuntime(function_config("traffic.sleepy")) as runtime:
            return await fire(runtime, Burst(requests=6, concurrency=2), lambda n: {"seconds": 0.05})

    tally = run(scenario())
    assert tally.invocations == 6 and tally.throttles == 0
    assert tally.cold_starts == 2 and tally.peak_in_flight == 2


def test_steady_rate_sends_rate_times_duration(function_config):
    async def scenario():
        async with LambdaRuntime(function_config("traffic.sleepy")) as runtime:
            return await fire(runtime, Steady(rate_per_s=20, duration_s=0.5), lambda n: {"seconds": 0.01})

    tally = run(scenario())
    assert tally.sent == 10 and tally.invocations == 10 and tally.errors == 0


def test_percentiles_use_nearest_rank():
    tally = TrafficTally(durations_ms=[float(n) for n in range(1, 101)])
    assert (tally.p50_ms, tally.p99_ms, tally.percentile(100)) == (50.0, 99.0, 100.0)
    assert TrafficTally().p50_ms is None


@pytest.mark.parametrize("bad", [lambda: Burst(0, 1), lambda: Burst(1, 0), lambda: Steady(0, 1), lambda: Steady(1, 0)])
def test_plans_refuse_nonsense(bad):
    with pytest.raises(ValueError):
        bad()


def test_failed_invocations_are_kept_with_their_logs_the_last_few_only(function_config):
    async def scenario():
        async with LambdaRuntime(function_config("basic.fails")) as runtime:
            return await fire(runtime, Burst(requests=KEPT_FAILURES + 2, concurrency=2))

    tally = run(scenario())
    assert tally.errors == KEPT_FAILURES + 2 and len(tally.failures) == KEPT_FAILURES
    assert tally.first_failure is not None and tally.first_failure not in tally.failures
    failure = tally.failures[-1]
    assert failure.status == "error" and failure.payload["errorType"] == failure.error_type
    assert any(line.startswith("START RequestId") for line in failure.logs)
    assert "something went wrong" in "\n".join(failure.logs) and failure.logs[-1].startswith("REPORT RequestId")
