"""The simulator's model, checked against queueing theory, Lambda's documented rules and hand-counted runs."""

from __future__ import annotations

import pytest

from tests.simulate.conftest import run


def test_littles_law_mean_busy_is_arrival_rate_times_mean_service_time():
    """L = lambda * W: with 50 requests/s of 100 ms on average, 5 environments are busy on average."""
    _, figures = run("""
        function: {duration_ms: {exponential: 100}, init_ms: {fixed: 0}}
        traffic: [{poisson: {rate_per_s: 50}, for_s: 4000}]
        seed: 3
    """)
    assert figures["requests"] == pytest.approx(200_000, rel=0.01)
    assert figures["mean_busy"] == pytest.approx(50 * 0.100, rel=0.02)
    assert figures["mean_environments"] >= figures["mean_busy"]


def test_every_request_is_either_invoked_or_throttled_when_sync():
    _, figures = run("""
        function: {duration_ms: {fixed: 1000}, init_ms: {fixed: 0}}
        account: {concurrency_limit: 1000}
        traffic: [{steady: {rate_per_s: 10}, for_s: 100}, {burst: {requests: 2500}}]
    """)
    assert figures["requests"] == 1000 + 2500
    assert figures["invocations"] + figures["throttles"] == figures["requests"]
    assert figures["throttles"] > 0
    assert figures["expired_events"] == 0


def test_a_burst_scales_by_1000_environments_then_1000_more_each_10_seconds():
    """https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html: 1,000 environments per 10 s per function."""
    result, figures = run("""
        function: {duration_ms: {fixed: 60000}, init_ms: {fixed: 0}}
        account: {concurrency_limit: 10000}
        traffic:
          - burst: {requests: 3000}
          - steady: {rate_per_s: 1}
            for_s: 10
          - burst: {requests: 3000}
    """)
    assert figures["environments_created"] == 2000
    assert figures["peak_concurrency"] == 2000
    assert figures["invocations"] == 2000
    assert figures["throttles"] == 6010 - 2000
    colds = result.timeline.cold_starts
    assert colds[0] == 1000 and sum(colds[1:10]) == 0 and colds[10] == 1000


def test_async_burst_is_absorbed_at_the_scaling_rate_without_losing_an_event():
    result, figures = run("""
        function: {duration_ms: {fixed: 60000}, init_ms: {fixed: 0}}
        account: {concurrency_limit: 10000}
        invocation: async
        traffic: [{burst: {requests: 5000}}]
    """)
    assert figures["invocations"] == 5000 and figures["expired_events"] == 0
    colds, step = result.timeline.cold_starts, int(result.timeline.step_s)
    per_window = [sum(colds[start:start + 10 // step]) for start in range(0, len(colds), 10 // step)]
    assert max(per_window) == 1000
    assert figures["latency_ms"]["max"] > 60000  # the last events waited in the queue first


def test_reserved_concurrency_caps_the_function_and_throttles_the_rest():
    _, figures = run("""
        function: {reserved_concurrency: 10, duration_ms: {fixed: 1000}}
        traffic: [{burst: {requests: 50}}]
    """)
    assert (figures["invocations"], figures["throttles"], figures["peak_concurrency"]) == (10, 40, 10)


def test_provisioned_environments_serve_first_and_spill_over_to_on_demand():
    _, figures = run("""
        function: {provisioned_concurrency: 5, duration_ms: {fixed: 100}}
        traffic:
          - steady: {rate_per_s: 1}
            for_s: 100
          - burst: {requests: 8}
    """)
    assert figures["provisioned_invocations"] == 100 + 5
    assert figures["cold_starts"] == 3
    assert figures["environments_created"] == 5 + 3


def test_a_provisioned_schedule_removes_cold_starts_only_once_it_starts():
    _, figures = run("""
        function:
          provisioned_concurrency: [{at_s: 0, value: 0}, {at_s: 50, value: 2}]
          duration_ms: {fixed: 100}
          idle_timeout_s: {fixed: 5}
        traffic: [{steady: {rate_per_s: 0.1}, for_s: 100}]
    """)
    # one request every 10 s, idle timeout 5 s: every on-demand request is cold, every provisioned one warm
    assert figures["cold_starts"] == 5
    assert figures["provisioned_invocations"] == 5


def test_throttled_async_events_are_retried_with_lambdas_backoff():
    """https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html: 1 s, then doubling."""
    _, figures = run("""
        function: {reserved_concurrency: 1, duration_ms: {fixed: 100}, init_ms: {fixed: 0}}
        invocation: async
        traffic: [{burst: {requests: 3}}]
    """)
    # t=0: one runs, two throttled; t=1: one retry runs, one throttled again; t=3: the last runs
    assert figures["invocations"] == 3 and figures["throttles"] == 3
    assert figures["latency_ms"]["max"] == pytest.approx(3100)


def test_async_events_older_than_the_maximum_age_are_dropped():
    _, figures = run("""
        function: {reserved_concurrency: 0}
        invocation: async
        maximum_event_age_s: 60
        traffic: [{burst: {requests: 4}}]
    """)
    # attempts at 0, 1, 3, 7, 15, 31 s; the next (63 s) would be past 60 s
    assert figures["invocations"] == 0 and figures["expired_events"] == 4
    assert figures["throttles"] == 4 * 6


def test_a_reserved_function_is_not_starved_by_a_neighbour_bursting_in_the_same_account():
    _, figures = run("""
        account: {concurrency_limit: 1000}
        functions:
          api:
            reserved_concurrency: 100
            duration_ms: {fixed: 100}
            traffic: [{poisson: {rate_per_s: 200}, for_s: 60}]
          batch:
            duration_ms: {fixed: 30000}
            traffic: [{burst: {requests: 5000}}]
    """)
    api, batch = figures["per_function"]["api"], figures["per_function"]["batch"]
    assert api["throttles"] == 0
    assert batch["peak_concurrency"] == 900 and batch["throttles"] == 4100
    assert figures["requests"] == api["requests"] + batch["requests"]


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    text = """
        function: {duration_ms: {lognormal: {median: 50, p99: 400}}, idle_timeout_s: {uniform: [60, 300]}}
        traffic: [{poisson: {rate_per_s: 20}, for_s: 600}]
        seed: {seed}
    """
    def figures(seed):
        _, result = run(text.replace("{seed}", str(seed)))
        result.pop("wall_s")
        return result
    assert figures(1) == figures(1)
    assert figures(1) != figures(2)


def test_timeline_rows_add_up_to_the_totals():
    result, figures = run("""
        function: {duration_ms: {fixed: 200}}
        traffic: [{poisson: {rate_per_s: 30}, for_s: 120}, {burst: {requests: 2000}}]
    """)
    timeline = result.timeline
    assert timeline.step_s == 1.0
    assert sum(timeline.arrivals) == figures["requests"]
    assert sum(timeline.cold_starts) == figures["cold_starts"]
    assert sum(timeline.throttles) == figures["throttles"]
    assert max(timeline.concurrency) == figures["peak_concurrency"]


def test_memory_does_not_grow_with_the_number_of_requests():
    """State is the live pool, a fixed histogram and the timeline: ten times the requests, about the same peak."""
    import tracemalloc

    from lambdalearn.simulate.engine import simulate
    from tests.simulate.conftest import scenario_of

    def peak_bytes(rate: int) -> int:
        scenario = scenario_of(f"""
            function: {{duration_ms: {{exponential: 50}}}}
            traffic: [{{poisson: {{rate_per_s: {rate}}}, for_s: 1000}}]
        """)
        tracemalloc.start()
        try:
            simulate(scenario)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_bytes(10), peak_bytes(100)  # 10,000 and 100,000 requests
    assert large < 2 * small
