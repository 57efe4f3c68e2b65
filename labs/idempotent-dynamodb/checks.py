"""Checks of the idempotent-dynamodb lab that YAML cannot say: interleaved duplicates, and a retry after a
failed charge."""


def _payment_event(lab, payment_id, amount_cents):
    event = lab.event("payment.json")
    event["id"] = f"{lab.word(8)}-{lab.word(4)}"
    event["detail"] = {"paymentId": payment_id, "orderId": f"ord-{lab.word(5)}", "amountCents": amount_cents}
    return event


def _ledger_entries(lab):
    return lab.aws.client("dynamodb").scan(TableName="ledger")["Items"]


def check_interleaved_duplicates(lab):
    payments = {f"pay-{lab.word(8)}": lab.rng.randint(100, 50000) for _ in range(3)}
    deliveries = [payment_id for payment_id in payments for _ in range(lab.rng.randint(2, 3))]
    lab.rng.shuffle(deliveries)
    events = {payment_id: _payment_event(lab, payment_id, amount) for payment_id, amount in payments.items()}
    records = lab.invoke_events([events[payment_id] for payment_id in deliveries])
    lab.expect(records, status="success")
    seen = set()
    for number, (payment_id, record) in enumerate(zip(deliveries, records), start=1):
        expected = {"paymentId": payment_id, "duplicate": payment_id in seen}
        assert record.payload == expected, f"delivery {number} ({payment_id}): expected {expected}, got {record.payload}"
        seen.add(payment_id)
    charged = sorted(entry["payment_id"]["S"] for entry in _ledger_entries(lab))
    assert charged == sorted(payments), (
        f"{len(deliveries)} deliveries of {len(payments)} payments should leave one ledger entry per payment;"
        f" the ledger holds {len(charged)}: {charged}"
    )


def check_failed_charge_is_retried(lab):
    payment_id, amount = f"pay-{lab.word(8)}", lab.rng.randint(100, 50000)
    event = _payment_event(lab, payment_id, amount)
    dynamodb = lab.aws.client("dynamodb")
    dynamodb.delete_table(TableName="ledger")  # the card processor is down: charge_card raises
    [first] = lab.invoke(event)
    assert first.status == "error", (
        f"with the card processor down the invocation should fail (so that Lambda retries it); it returned"
        f" {first.payload}"
    )
    dynamodb.create_table(
        TableName="ledger",
        KeySchema=[{"AttributeName": "entry_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "entry_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    [retry] = lab.invoke(event)
    lab.expect([retry], status="success")
    assert retry.payload == {"paymentId": payment_id, "duplicate": False}, (
        "the retry after a failed charge must charge: the failed attempt charged nothing, so it is not a duplicate;"
        f" got {retry.payload} (did the failed attempt leave its claim behind?)"
    )
    charged = [entry["payment_id"]["S"] for entry in _ledger_entries(lab)]
    assert charged == [payment_id], f"expected one ledger entry for {payment_id} after the retry, found {charged}"
