"""The reserved-concurrency lab's burst of unknown size: exactly the requests above 5 must be throttled."""

DATABASE_CONNECTIONS = 5


def check_random_burst(lab):
    burst = lab.rng.randint(7, 15)
    events = [{"report_id": f"sales-{lab.word(6)}"} for _ in range(burst)]
    records = lab.invoke_events(events, concurrency=burst)
    served = [(event, record) for event, record in zip(events, records) if record.status != "throttled"]
    throttled = burst - len(served)
    environments = {record.environment_id for _, record in served}
    assert len(environments) <= DATABASE_CONNECTIONS, (
        f"a burst of {burst} ran in {len(environments)} execution environments at once: {len(environments)}"
        f" database connections, but the database allows {DATABASE_CONNECTIONS}"
    )
    assert throttled == burst - DATABASE_CONNECTIONS, (
        f"a burst of {burst} had {throttled} requests throttled; with room for {DATABASE_CONNECTIONS} connections"
        f" exactly {burst - DATABASE_CONNECTIONS} should be"
    )
    for event, record in served:
        assert record.status == "success" and record.payload == {"stored": event["report_id"]}, (
            f"a request that was not throttled should have stored {event['report_id']}; it gave {record.payload}"
        )
