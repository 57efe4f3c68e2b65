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


def check_through_a_real_mapping(lab):
    """The app of template.yaml: every good payment recorded once, only the bad messages end in the DLQ."""
    good = [f"ord-{lab.word(6)}" for _ in range(lab.rng.randint(3, 6))]
    bodies = [json.dumps({"order_id": order, "amount_cents": lab.rng.randint(1, 90000)}) for order in good]
    bad = [_bad_body(lab, index) for index in range(2)]
    for message in bad:
        bodies.insert(lab.rng.randint(0, len(bodies)), message)
    run = lab.run_app("template.yaml", [{"sqs_send": {"queue": "Payments", "bodies": bodies}}])
    logs = [line for record in lab.records for line in record.logs]
    for order in good:
        times = sum(line.startswith(f"recorded {order}:") for line in logs)
        assert times == 1, (
            f"payment {order} was recorded {times} times instead of once: when a message of the batch fails and"
            " the handler raises, the whole batch comes back after the visibility timeout (payments before the bad"
            " message are recorded again, those after it never) until the redrive policy parks it in the DLQ"
        )
    parked = sorted(message.body for message in run.queues["PaymentsDlq"].messages)
    assert parked == sorted(bad), (
        f"the dead-letter queue should hold exactly the {len(bad)} bad messages, after 3 receives each;"
        f" it holds {len(parked)}: {parked}"
    )
