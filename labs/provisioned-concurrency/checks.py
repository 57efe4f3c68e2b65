"""The provisioned-concurrency lab's burst of unknown size: the first 4 are warm, the rest spill over cold."""

PEAK = 4


def check_spillover_of_random_burst(lab):
    burst = lab.rng.randint(PEAK + 1, PEAK + 5)
    events = [{"cart_id": f"cart-{lab.word(6)}", "speed": "standard"} for _ in range(burst)]
    records = lab.invoke_events(events, concurrency=burst)
    lab.expect(records, status="success")
    cold = sum(record.cold_start for record in records)
    assert cold == burst - PEAK, (
        f"a burst of {burst} had {cold} cold starts; with environments ready for the peak of {PEAK},"
        f" exactly {burst - PEAK} requests should spill over to new (cold) environments"
    )
    for event, record in zip(events, records):
        assert record.payload == {"cart_id": event["cart_id"], "shipping": 4.9}, (
            f"expected a quote for {event['cart_id']}, got {record.payload}"
        )
