"""The shared-layer lab: both functions format money through the layer, for amounts the learner cannot know."""


def expected(cents):
    return f"${cents // 100:,}.{cents % 100:02d}"


def check_billing_lines(lab):
    lines = [lab.rng.randint(1, 500000) for _ in range(3)]
    [record] = lab.invoke({"invoice": lab.word(6), "lines": lines}, config={"handler": "billing.handler"})
    lab.expect([record], status="success")
    assert record.payload["lines"] == [expected(c) for c in lines], (
        f"billing formatted {lines} as {record.payload['lines']}; expected {[expected(c) for c in lines]}"
    )
    assert record.payload["total"] == expected(sum(lines)), f"the invoice total should be {expected(sum(lines))}"


def check_random_amounts(lab):
    for cents in (0, 5, lab.rng.randint(100, 10**9)):
        [order] = lab.invoke({"order_id": lab.word(4), "cents": cents})
        lab.expect([order], status="success")
        assert order.payload["total"] == expected(cents), (
            f"{cents} cents should read {expected(cents)}, got {order.payload['total']}"
        )
