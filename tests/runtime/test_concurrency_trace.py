"""The concurrency trace: admitted requests over time, as the runtime counts them, and throttles per bucket.

Lambda counts concurrency as the requests its environments are serving; a throttled request gets no
environment and does not count (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
ConcurrentExecutions is "the number of active concurrent invocations", to be viewed with MAX per period, as
the buckets do (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html).
"""

from lambdalearn.runtime.concurrency_trace import Bucket, ConcurrencyTrace, time_label


def trace_of(samples, origin=0.0):
    trace = ConcurrencyTrace(origin=origin)
    for time, running, *throttled in samples:
        trace.note(origin + time, running, throttled=bool(throttled))
    return trace


def test_peak_and_current_are_the_runtime_counts_not_the_requests_sent():
    trace = trace_of([(0.00, 1), (0.01, 2), (0.02, 2, "throttle"), (0.03, 2, "throttle"), (0.5, 1), (0.6, 0)])
    assert (trace.peak, trace.current) == (2, 0)
    assert trace.throttle_times_s == [0.02, 0.03]
    assert ConcurrencyTrace(origin=0.0).peak == 0 and ConcurrencyTrace(origin=0.0).buckets() == []


def test_buckets_hold_the_most_running_in_each_slice_and_carry_the_level_across_quiet_ones():
    trace = trace_of([(0.0, 1), (0.05, 3), (0.1, 3, "throttle"), (0.12, 3, "throttle"), (0.35, 1), (0.95, 0)])
    assert trace.buckets(0.25) == [
        Bucket(0.0, 0.25, running=3, throttles=2),
        Bucket(0.25, 0.25, running=3, throttles=0),  # 3 still running when the slice opened
        Bucket(0.5, 0.25, running=1, throttles=0),  # nothing happened in it: 1 was running throughout
        Bucket(0.75, 0.25, running=1, throttles=0),
    ]


def test_samples_are_seconds_after_the_origin_and_a_clock_stepping_back_never_reorders_them():
    trace = trace_of([(0.5, 1), (0.25, 2)], origin=1000.0)
    assert trace.times_s == [0.5, 0.5]


def test_the_bucket_width_is_a_round_number_giving_at_most_the_asked_count():
    assert trace_of([(0.0, 1), (0.48, 0)]).bucket_width() == 0.02
    assert trace_of([(0.0, 1), (0.015, 0)]).bucket_width() == 0.001
    assert trace_of([(0.0, 1), (9.9, 0)]).bucket_width() == 0.5
    assert trace_of([(0.0, 1), (9.9, 0)]).bucket_width(most=10) == 1.0
    assert trace_of([(0.0, 1), (100_000.0, 0)]).bucket_width() == 3600.0


def test_time_labels_use_milliseconds_below_a_second():
    assert [time_label(value) for value in (0.0, 0.005, 0.25, 1.0, 1.5, 120.0)] == [
        "0 ms", "5 ms", "250 ms", "1 s", "1.5 s", "120 s"]
