"""idempotent-consumer: orders with duplicates and a bad message, in an order the learner has not seen."""

import json


def check_stock_taken_once_per_order(lab):
    sku = f"sku-{lab.word(5)}"
    orders = [f"ord-{lab.word(6)}" for _ in range(lab.rng.randint(3, 6))]
    bodies = [json.dumps({"order_id": order, "sku": sku}) for order in orders]
    bodies += [json.dumps({"order_id": order, "sku": sku}) for order in lab.rng.sample(orders, 2)]  # duplicates
    bad = f"ORDER {lab.word(4)} ???"
    bodies.insert(lab.rng.randint(0, len(bodies)), bad)
    lab.rng.shuffle(bodies)
    start = 100
    run = lab.run_app("template.yaml", [
        {"ddb_put": {"table": "Stock", "item": {"sku": sku, "units": start}}},
        {"sqs_send": {"queue": "Orders", "bodies": bodies}},
    ])
    units = run.items["Stock"].get(sku, {}).get("units")
    assert units == start - len(orders), (
        f"{len(orders)} distinct orders should take {len(orders)} units ({start} -> {start - len(orders)}), but"
        f" the stock went from {start} to {units}. Look at the timeline: a duplicate or a redelivered batch takes"
        " stock again, and a message that raises stops the rest of its batch"
    )
    parked = [message.body for message in run.queues["OrdersDlq"].messages]
    assert parked == [bad], f"only the bad message should end in OrdersDlq after 3 receives; it holds {parked}"
