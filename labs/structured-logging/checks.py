"""The structured-logging lab's whole-log check: every line JSON, the right request id, no e-mail address."""

import json


def _json_object(line):
    """The JSON object a log line carries (from its first "{"), or None."""
    start = line.find("{")
    try:
        value = json.loads(line[start:]) if start >= 0 else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _platform_line(line):
    return line.startswith(("INIT_START ", "INIT_REPORT ", "START RequestId:", "END RequestId:", "REPORT RequestId:"))


def check_every_line_structured_and_private(lab):
    email = f"{lab.word(6)}.{lab.word(7)}@example.org"
    accepted = {"order_id": f"ord-{lab.word(6)}", "customer": {"id": f"cus-{lab.word(4)}", "email": email},
                "items": [{"sku": "TEA-SENCHA-100", "quantity": lab.rng.randint(1, 9)}]}
    rejected = {"order_id": f"ord-{lab.word(6)}", "customer": {"id": f"cus-{lab.word(4)}", "email": email},
                "items": []}
    records = lab.invoke_events([accepted, rejected, accepted])
    lab.expect(records, status="success")
    for record in records:
        lines = [line for line in record.logs if not _platform_line(line)]
        assert lines, "the function wrote no log line of its own"
        for line in lines:
            assert email not in line, f"a log line contains the customer's e-mail address: {line}"
            document = _json_object(line)
            assert document is not None, f"not a JSON log line: {line}"
            missing = [key for key in ("level", "message", "requestId") if key not in document]
            assert not missing, f"a log line lacks {', '.join(missing)}: {line}"
            assert document["requestId"] == record.request_id, (
                f"a log line says requestId {document['requestId']!r}, but it was written during request"
                f" {record.request_id}: {line}"
            )
