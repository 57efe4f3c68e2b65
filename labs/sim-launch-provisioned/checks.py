"""Launch-day checks: the learner's provisioned concurrency, on the lab's traffic, with seeds they never see."""

from lambdalearn.simulate.labcheck import judged_scenario, run

TUNABLE = ("provisioned_concurrency",)
P99_BOUND_MS = 400
BUDGET_USD = 4.75


def _runs(lab):
    return [run(judged_scenario(lab, TUNABLE, lab.rng.randrange(1, 10**9))) for _ in range(3)]


def check_p99(lab):
    for figures in _runs(lab):
        p99 = figures["latency_ms"]["p99"]
        assert p99 <= P99_BOUND_MS, (
            f"p99 latency {p99:,.0f} ms with {figures['cold_starts']:,} cold starts in {figures['requests']:,} requests:"
            f" more than 1% of requests wait for INIT. The bound is {P99_BOUND_MS} ms."
        )


def check_budget(lab):
    for figures in _runs(lab):
        cost = figures["cost_usd"]
        assert cost["total"] <= BUDGET_USD, (
            f"the day costs ${cost['total']:,.2f} (provisioned ${cost['provisioned']:,.2f}), over the ${BUDGET_USD}"
            " budget: environments kept ready when no push is coming are paid for all the same."
        )
