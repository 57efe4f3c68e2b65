"""stream-filter-shipped: order changes the learner has not seen; only those to SHIPPED may invoke."""

import re


def check_only_shipments_invoke(lab):
    orders = [f"ord-{lab.word(5)}" for _ in range(lab.rng.randint(4, 7))]
    shipped = set(lab.rng.sample(orders, lab.rng.randint(1, len(orders) - 2)))
    actions = [{"ddb_put": {"table": "Orders", "item": {"order_id": order, "status": "NEW"}}} for order in orders]
    actions.append({"wait_s": 60})
    for order in orders:
        status = "SHIPPED" if order in shipped else lab.rng.choice(["PAID", "CANCELLED"])
        actions.append({"ddb_put": {"table": "Orders", "item": {"order_id": order, "status": status}}})
    run = lab.run_app("template.yaml", actions)
    logs = [line for record in lab.records for line in record.logs]
    notified = {m.group(1) for line in logs if (m := re.match(r"notified (ord-\w+)$", line))}
    assert notified == shipped, (
        f"customers notified: {sorted(notified)}; orders that shipped: {sorted(shipped)}. The function notifies for"
        " every record it receives: only the records of orders that became SHIPPED may reach it"
    )
    invocations = len(run.timeline.of_kind("invocation"))
    assert invocations == len(shipped), (
        f"the function ran {invocations} times for {len(shipped)} shipments: a record filtered out costs no invocation"
    )
