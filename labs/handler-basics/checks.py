"""Checks that lab.yaml cannot express: totals of random orders the learner has never seen."""


def check_random_orders(lab):
    for _ in range(3):
        items = [
            {"sku": lab.word(5), "price_cents": lab.rng.randint(1, 5000), "qty": lab.rng.randint(1, 9)}
            for _ in range(lab.rng.randint(1, 6))
        ]
        order_id = lab.word(6)
        expected = sum(item["price_cents"] * item["qty"] for item in items)
        [record] = lab.invoke({"order_id": order_id, "items": items})
        lab.expect([record], status="success")
        got = record.payload.get("total_cents") if isinstance(record.payload, dict) else None
        assert got == expected, f"order {order_id} with {len(items)} items: expected total_cents {expected}, got {got}"
