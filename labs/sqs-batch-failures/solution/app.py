"""Record the payments of an SQS batch; report only the messages that failed, so the rest are deleted."""

import json

from ledger import record_payment


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            record_payment(json.loads(record["body"]))
        except Exception as error:  # one bad message must not send the whole batch back to the queue
            print(f"message {record['messageId']} failed: {type(error).__name__}: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
