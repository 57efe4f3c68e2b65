"""sns-fan-out: orders the learner has not seen, published to the topic, must reach both consumers."""

import json
import re


def check_every_order_billed_and_shipped(lab):
    orders = [{"order_id": f"ord-{lab.word(5)}", "total_cents": lab.rng.randint(100, 9999), "city": lab.word(6)}
              for _ in range(lab.rng.randint(2, 5))]
    actions = [{"sns_publish": {"topic": "Orders", "message": json.dumps(order)}} for order in orders]
    run = lab.run_app("template.yaml", actions)
    logs = [line for record in lab.records for line in record.logs]
    for verb in ("billed", "shipped"):
        done = [m.group(1) for line in logs if (m := re.match(rf"{verb} (ord-\w+)", line))]
        expected = sorted(order["order_id"] for order in orders)
        assert sorted(done) == expected, (
            f"every order should be {verb} exactly once; {verb}: {sorted(done)}, published: {expected}."
            " A topic delivers a copy of each message to every subscription; each queue needs a consumer"
        )
    left = {name: counts["visible"] for name, counts in run.summary()["queues"].items() if counts["visible"]}
    assert not left, f"messages were left unread on {left}: a queue without an event source mapping is never read"
