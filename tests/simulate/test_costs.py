"""Every cost line against hand arithmetic with the published us-east-1 prices.

Prices: https://aws.amazon.com/lambda/pricing/ ($0.20 per 1M requests; $0.0000166667 per GB-s on x86_64,
$0.0000133334 on arm64; provisioned concurrency $0.0000041667 per GB-s configured, rounded up to 5 minutes,
and $0.0000097222 per GB-s of the invocations it serves). INIT is billed since 1 August 2025
(https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/).
"""

from __future__ import annotations

import pytest

from tests.simulate.conftest import run

ONE_WARM_FUNCTION = """
    function:
      memory_mb: 2048
      architecture: {arch}
      duration_ms: {{fixed: 100.4}}
      init_ms: {{fixed: 250.3}}
    traffic: [{{steady: {{rate_per_s: 1}}, for_s: 1000}}]
"""


def test_requests_compute_and_init_lines_match_hand_arithmetic_on_x86():
    _, figures = run(ONE_WARM_FUNCTION.format(arch="x86_64"))
    cost = figures["cost_usd"]
    assert figures["invocations"] == 1000 and figures["cold_starts"] == 1
    assert cost["requests"] == pytest.approx(1000 * 0.20 / 1e6)
    # every invocation bills ceil(100.4) = 101 ms at 2 GB
    assert cost["compute"] == pytest.approx(1000 * 0.101 * 2 * 0.0000166667)
    # the cold start bills ceil(250.3 + 100.4) = 351 ms, of which 351 - 101 = 250 ms is INIT
    assert cost["init"] == pytest.approx(0.250 * 2 * 0.0000166667)
    assert cost["provisioned"] == 0
    assert cost["total"] == pytest.approx(cost["requests"] + cost["compute"] + cost["init"])


def test_arm64_duration_is_cheaper_and_requests_cost_the_same():
    _, x86 = run(ONE_WARM_FUNCTION.format(arch="x86_64"))
    _, arm = run(ONE_WARM_FUNCTION.format(arch="arm64"))
    assert arm["cost_usd"]["compute"] == pytest.approx(1000 * 0.101 * 2 * 0.0000133334)
    assert arm["cost_usd"]["requests"] == x86["cost_usd"]["requests"]


def test_provisioned_concurrency_bills_the_configured_time_and_a_lower_duration_price():
    _, figures = run("""
        function:
          memory_mb: 1024
          provisioned_concurrency: 3
          duration_ms: {fixed: 50}
        traffic: [{steady: {rate_per_s: 2}, for_s: 1000}]
    """)
    cost = figures["cost_usd"]
    assert figures["provisioned_invocations"] == 2000 and figures["cold_starts"] == 0
    # 3 environments x 1 GB for 1,000 s, rounded up to 1,200 s (5-minute periods)
    assert cost["provisioned"] == pytest.approx(3 * 1 * 1200 * 0.0000041667)
    assert cost["compute"] == pytest.approx(2000 * 0.050 * 1 * 0.0000097222)
    assert cost["init"] == 0


def test_throttled_requests_cost_nothing():
    _, figures = run("""
        function: {reserved_concurrency: 1, duration_ms: {fixed: 1000}, init_ms: {fixed: 0}}
        traffic: [{burst: {requests: 10}}]
    """)
    assert figures["throttles"] == 9
    assert figures["cost_usd"]["requests"] == pytest.approx(0.20 / 1e6)


def test_the_free_tier_covers_a_small_run_only_when_asked():
    text = ONE_WARM_FUNCTION.format(arch="x86_64")
    _, listed = run(text)
    _, free = run(text, free_tier=True)
    assert listed["cost_usd"]["total"] > 0
    assert free["cost_usd"] == {"requests": 0, "compute": 0, "init": 0, "provisioned": 0, "total": 0}


def test_the_free_tier_never_covers_provisioned_concurrency():
    _, free = run("""
        function: {provisioned_concurrency: 1}
        traffic: [{steady: {rate_per_s: 1}, for_s: 600}]
    """, free_tier=True)
    assert free["cost_usd"]["provisioned"] == pytest.approx(1 * 600 * 0.0000041667)
