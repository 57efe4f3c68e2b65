"""A stand-in for the card processor. Like a real one, it is NOT idempotent: every call is a new charge,
written to the ledger table under a fresh id.

Do not change this file: the lab restores it before every check run.
"""

import os
import uuid

import boto3

_ledger = boto3.resource("dynamodb").Table(os.environ["LEDGER_TABLE"])


def charge_card(payment_id, amount_cents):
    entry_id = str(uuid.uuid4())
    _ledger.put_item(Item={"entry_id": entry_id, "payment_id": payment_id, "amount_cents": amount_cents})
    print(f"charged {amount_cents} cents for {payment_id} (ledger entry {entry_id})")
    return entry_id
