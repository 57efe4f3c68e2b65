"""Record the payments of an SQS batch."""

import json

from ledger import record_payment


def handler(event, context):
    # TODO: one bad message raises here and fails the whole batch: every message, good or bad, goes back to
    # the queue and is delivered again. Catch the failure of each message and report only the failed ones.
    for record in event["Records"]:
        record_payment(json.loads(record["body"]))
    return {"batchItemFailures": []}
