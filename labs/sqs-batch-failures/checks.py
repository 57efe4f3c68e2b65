"""The sqs-batch-failures lab's random batch: unknown size, unknown message ids, bad messages in unknown places."""

import json


def _bad_body(lab, index):
    kinds = [
        f"PAYMENT ord-{index} EUR 9.99",  # not JSON
        json.dumps({"order_id": f"ord-{lab.word(5)}", "amount_cents": -lab.rng.randint(1, 5000)}),
        json.dumps({"amount_cents": lab.rng.randint(1, 5000)}),  # no order id
        json.dumps([f"ord-{lab.word(5)}", 100]),  # JSON, but not an object
    ]
    return lab.rng.choice(kinds)


def check_random_batch(lab):
    size = lab.rng.randint(4, 10)
    event = lab.generate("sqs", count=size, queue="payments")
    bad = set(lab.rng.sample(range(size), lab.rng.randint(1, size - 2)))
    good_orders = []
    for index, record in enumerate(event["Records"]):
        if index in bad:
            record["body"] = _bad_body(lab, index)
        else:
            order_id = f"ord-{lab.word(6)}"
            good_orders.append(order_id)
            record["body"] = json.dumps({"order_id": order_id, "amount_cents": lab.rng.randint(1, 90000)})
    [record] = lab.invoke(event)
    lab.expect([record], status="success")
    expected = [{"itemIdentifier": event["Records"][index]["messageId"]} for index in sorted(bad)]
    got = record.payload.get("batchItemFailures") if isinstance(record.payload, dict) else None
    assert got == expected, (
        f"a batch of {size} with bad messages at positions {sorted(i + 1 for i in bad)} should report exactly"
        f" those, in batch order:\n  expected {json.dumps(expected)}\n  got      {json.dumps(got)}"
    )
    recorded = [line for line in record.logs if line.startswith("recorded ")]
    assert len(recorded) == len(good_orders) and all(
        any(line.startswith(f"recorded {order}:") for line in recorded) for order in good_orders
    ), f"every good message must be recorded once: expected {len(good_orders)} 'recorded' log lines, got {len(recorded)}"
