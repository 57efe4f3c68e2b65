"""Burst checks: every order of the 10,000 runs, and soon, on the lab's traffic with hidden seeds."""

from lambdalearn.simulate.labcheck import judged_scenario, run

TUNABLE = ("invocation", "maximum_event_age_s", "reserved_concurrency")
DRAINED_WITHIN_S = 1800


def _runs(lab):
    return [run(judged_scenario(lab, TUNABLE, lab.rng.randrange(1, 10**9))) for _ in range(2)]


def check_nothing_lost(lab):
    for figures in _runs(lab):
        lost = figures["requests"] - figures["invocations"]
        assert lost == 0, (
            f"{lost:,} of {figures['requests']:,} orders never ran ({figures['throttles']:,} throttles,"
            f" {figures['expired_events']:,} async events expired): a sync caller that gets a 429 has lost its"
            " request unless it retries by itself."
        )


def check_drained(lab):
    for figures in _runs(lab):
        slowest_s = figures["latency_ms"]["max"] / 1000
        assert slowest_s <= DRAINED_WITHIN_S, (
            f"the slowest order ran {slowest_s / 60:,.1f} minutes after it arrived; the shop promised"
            f" {DRAINED_WITHIN_S // 60} minutes. What limits how many run at once?"
        )
