"""Lambda's concurrency, scaling and retry rules, shared by the runtime and the simulator."""

from __future__ import annotations

from lambdalearn.runtime import policy


def test_a_reservation_caps_a_function_and_the_others_share_what_is_left():
    """https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html"""
    assert policy.concurrency_limit(50, 1000) == 50
    assert policy.concurrency_limit(None, 1000, reserved_by_others=[100, 200]) == 700
    assert policy.may_start_environment(699, 700) and not policy.may_start_environment(700, 700)


def test_the_scaling_budget_is_1000_per_10_second_window_and_does_not_accumulate():
    """https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html"""
    budget = policy.ScalingBudget()
    assert sum(budget.take(0.0) for _ in range(1500)) == 1000
    assert not budget.take(9.99)
    assert sum(budget.take(10.0) for _ in range(1500)) == 1000
    assert sum(budget.take(45.0) for _ in range(3000)) == 1000  # quiet windows 20-40 s left nothing saved


def test_async_throttle_retries_back_off_from_1_second_to_5_minutes():
    """https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html"""
    assert [policy.async_retry_delay_s(n) for n in range(1, 11)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert policy.async_retry_delay_s(1000) == 300
