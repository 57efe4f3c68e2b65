"""Billing follows Lambda's rules: ms rounding up, INIT billed since 1 Aug 2025, arm64 cheaper, throttles free."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lambdalearn.runtime.billing import (
    PRICES,
    InitBilling,
    RunTotals,
    billed_duration_ms,
    invocation_cost,
    provisioned_concurrency_cost,
)


def test_price_table_holds_the_documented_us_east_1_prices():
    assert PRICES["region"] == "us-east-1"
    assert PRICES["request"] == pytest.approx(0.20 / 1_000_000)
    assert PRICES["gb_second"] == {"x86_64": 0.0000166667, "arm64": 0.0000133334}
    assert PRICES["free_tier"] == {"requests": 1_000_000, "gb_seconds": 400_000}
    assert PRICES["provisioned_concurrency_gb_second"]["x86_64"] == 0.0000041667
    assert PRICES["provisioned_duration_gb_second"]["x86_64"] == 0.0000097222


@pytest.mark.parametrize(
    ("duration", "billed"), [(0.0, 1), (0.2, 1), (1.0, 1), (1.01, 2), (99.999, 100), (100.0, 100), (2999.5, 3000)]
)
def test_billed_duration_rounds_up_to_the_next_millisecond(duration, billed):
    assert billed_duration_ms(duration, None) == billed


def test_float_noise_does_not_bill_an_extra_millisecond():
    assert billed_duration_ms(0.1 + 0.2 + 2.7, None) == 3


def test_cold_start_bills_init_plus_duration_today():
    # A REPORT line seen on AWS: Init Duration 1293.83 ms, Duration 1049.63 ms, Billed Duration 2344 ms.
    assert billed_duration_ms(1049.63, 1293.83) == 2344


def test_billed_duration_is_the_sum_of_the_durations_report_shows_rounded_up():
    """Duration is rounded up to the nearest 1 ms (https://aws.amazon.com/lambda/pricing/); the sum is taken of
    the values REPORT prints (two decimals), so a reader's arithmetic matches: 1000.00 + 8.00 bills 1008."""
    assert billed_duration_ms(1000.0, 8.004) == 1008
    assert billed_duration_ms(1000.0, 8.006) == 1009  # REPORT shows 8.01
    assert billed_duration_ms(0.001, None) == 1


def test_old_rule_left_init_unbilled():
    assert billed_duration_ms(1049.63, 1293.83, init_billing=InitBilling.BEFORE_2025_08_01) == 1050


def test_negative_durations_are_refused():
    with pytest.raises(ValueError):
        billed_duration_ms(-1, None)


def test_invocation_cost_is_gb_seconds_times_price_plus_request():
    # 1024 MB for 1000 ms is exactly one GB-second.
    assert invocation_cost(1000, 1024, "x86_64") == pytest.approx(0.0000166667 + 0.0000002)
    assert invocation_cost(200, 512, "x86_64") == pytest.approx(0.1 * 0.0000166667 + 0.0000002)


def test_arm64_is_cheaper_per_gb_second():
    assert invocation_cost(1000, 1024, "arm64") == pytest.approx(0.0000133334 + 0.0000002)
    assert invocation_cost(1000, 1024, "arm64") < invocation_cost(1000, 1024, "x86_64")


def test_provisioned_invocations_pay_the_lower_duration_price():
    assert invocation_cost(1000, 1024, "x86_64", provisioned=True) == pytest.approx(0.0000097222 + 0.0000002)


def test_ephemeral_storage_above_512_mb_is_charged():
    extra = invocation_cost(1000, 1024, "x86_64", ephemeral_storage_mb=1536) - invocation_cost(1000, 1024, "x86_64")
    assert extra == pytest.approx(0.0000000309)


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="unknown architecture"):
        invocation_cost(1, 128, "sparc")


def test_provisioned_concurrency_bills_whole_five_minute_periods():
    one_period = 2 * 1.0 * 300 * 0.0000041667
    assert provisioned_concurrency_cost(2, 1024, 1, "x86_64") == pytest.approx(one_period)
    assert provisioned_concurrency_cost(2, 1024, 300, "x86_64") == pytest.approx(one_period)
    assert provisioned_concurrency_cost(2, 1024, 301, "x86_64") == pytest.approx(2 * one_period)
    assert provisioned_concurrency_cost(2, 1024, 0, "x86_64") == 0


def test_run_totals_add_dict_records_and_skip_throttles():
    totals = RunTotals()
    totals.add({"billed_duration_ms": 1000, "memory_size_mb": 1024, "status": "success"})
    totals.add({"billed_duration_ms": 500, "memory_size_mb": 1024, "status": "error"})
    totals.add({"billed_duration_ms": 0, "memory_size_mb": 1024, "status": "throttled"})
    assert (totals.invocations, totals.throttles) == (2, 1)
    assert totals.gb_seconds == pytest.approx(1.5)
    assert totals.request_cost == pytest.approx(2 * 0.0000002)
    assert totals.compute_cost == pytest.approx(1.5 * 0.0000166667)
    assert totals.total == pytest.approx(totals.request_cost + totals.compute_cost)


def test_run_totals_read_attribute_records_and_use_the_runs_architecture():
    @dataclass
    class Record:
        billed_duration_ms: int
        memory_size_mb: int
        status: str
        provisioned: bool = False

    totals = RunTotals(architecture="arm64")
    totals.add(Record(1000, 1024, "success"))
    totals.add(Record(1000, 1024, "success", provisioned=True))
    assert totals.compute_cost == pytest.approx(0.0000133334 + 0.0000077778)


def test_run_totals_match_per_invocation_costs():
    totals = RunTotals()
    for billed in (1, 17, 250):
        totals.add({"billed_duration_ms": billed, "memory_size_mb": 256, "status": "success"})
    assert totals.total == pytest.approx(sum(invocation_cost(b, 256, "x86_64") for b in (1, 17, 250)))


def test_run_totals_name_a_missing_field():
    with pytest.raises(KeyError, match="billed_duration_ms"):
        RunTotals().add({"memory_size_mb": 128, "status": "success"})
