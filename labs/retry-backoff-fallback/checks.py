"""retry-backoff-fallback: the learner's Retry and Catch rules, run on orders they have not seen."""


def _run(lab, **payload):
    order = f"o-{lab.rng.randint(100, 999)}"
    run = lab.run_app("template.yaml", [{"start_execution": {"state_machine": "Quote", "input": {"order_id": order, **payload}}}])
    retries = [(line["error"], line["delay_s"]) for line in run.timeline.of_kind("retry")]
    final = run.timeline.of_kind("execution")[-1]
    return retries, final


def check_short_outage_is_retried_with_backoff(lab):
    retries, final = _run(lab, items=["a", "b"], outage_calls=2)
    assert retries == [("PricingUnavailable", 2.0), ("PricingUnavailable", 4.0)], (
        f"the retries were {retries or 'none'}; expected PricingUnavailable retried after 2 s and then 4 s"
        " (IntervalSeconds 2, BackoffRate 2.0)"
    )
    assert final["status"] == "SUCCEEDED" and (final["output"] or {}).get("source") == "live", (
        f"the execution ended {final['status']} with {final.get('output') or final.get('error')}; the third call should give the live price"
    )


def check_long_outage_falls_back_after_three_retries(lab):
    retries, final = _run(lab, items=["a"], outage_calls=99)
    assert [delay for _, delay in retries] == [2.0, 4.0, 8.0], (
        f"the retry delays were {[delay for _, delay in retries]}; expected 2, 4 and 8 s (MaxAttempts 3)"
    )
    assert final["status"] == "SUCCEEDED" and (final["output"] or {}).get("source") == "cache", (
        f"the execution ended {final['status']} ({final.get('error') or final.get('output')}); after the last retry"
        " a Catch should send the order to the Fallback state, which answers the cached price"
    )


def check_invalid_order_is_not_retried(lab):
    retries, final = _run(lab, items=[])
    assert retries == [], f"an InvalidOrder was retried {len(retries)} times; retrying cannot fix it"
    assert final["status"] == "SUCCEEDED" and (final["output"] or {}).get("source") == "cache", (
        f"the execution ended {final['status']} ({final.get('error') or final.get('output')}); the Catch should send it to Fallback"
    )
