"""Checks on what the durable execution did, read from the harness's report (see starter/harness.py)."""


def _run(lab, event):
    [record] = lab.invoke(event)
    lab.expect([record], status="success")
    return record.payload


def _describe(report):
    steps = ", ".join(f"{op['type'].lower()} {op['name']!r} {op['status'].lower()}" for op in report["operations"])
    return (f"the execution {report['status'].lower()} after {report['handler_runs']} run(s) of your handler; "
            f"operations: {steps or 'none'}; shop calls: {report['shop_calls'] or 'none'}"
            + (f"; error: {report['error']['type']}: {report['error']['message']}" if report["error"] else ""))


def _operation(report, kind, name):
    found = [op for op in report["operations"] if op["type"] == kind and op["name"] == name]
    assert found, f"no {kind.lower()} named {name!r}: {_describe(report)}"
    return found[0]


def _calls(report, action):
    return [call for call in report["shop_calls"] if call[0] == action]


def _order(lab, card="visa-4242"):
    order_id = f"{lab.word(3).upper()}-{lab.rng.randint(1000, 9999)}"
    amount = lab.rng.randint(100, 99999)
    return {"order_id": order_id, "items": [{"sku": lab.word(5), "qty": lab.rng.randint(1, 4)}],
            "amount_cents": amount, "card": card}


def check_confirms_an_order(lab):
    event = _order(lab)
    report = _run(lab, event)
    expected = {"order_id": event["order_id"], "status": "confirmed", "reservation": f"res-{event['order_id']}",
                "charge_id": f"ch-{event['order_id']}-{event['amount_cents']}"}
    assert report["status"] == "SUCCEEDED" and report["result"] == expected, \
        f"expected the result {expected}; {_describe(report)}"


def check_reserves_once_in_a_step(lab):
    report = _run(lab, _order(lab))
    step = _operation(report, "STEP", "reserve-stock")
    assert step["status"] == "SUCCEEDED", f"the reserve-stock step did not succeed: {_describe(report)}"
    assert report["handler_runs"] >= 2, f"the handler ran only once, so nothing was replayed: {_describe(report)}"
    reserved = _calls(report, "reserve")
    assert len(reserved) == 1, (f"stock was reserved {len(reserved)} times over {report['handler_runs']} runs of "
                                f"the handler: a replay must reuse the step's checkpointed result")


def check_waits_an_hour_before_charging(lab):
    report = _run(lab, _order(lab))
    wait = _operation(report, "WAIT", "payment-window")
    assert (wait["seconds"] or 0) >= 3600, f"the payment window waited {wait['seconds']} s, not an hour"
    names = [op["name"] for op in report["operations"]]
    charge = _operation(report, "STEP", "charge")
    assert names.index("payment-window") < names.index(charge["name"]), \
        f"the charge must come after the payment window: {_describe(report)}"


def check_charges_once_in_a_step(lab):
    report = _run(lab, _order(lab))
    assert _operation(report, "STEP", "charge")["status"] == "SUCCEEDED", f"the charge failed: {_describe(report)}"
    charged = _calls(report, "charge")
    assert len(charged) == 1, f"the card was charged {len(charged)} times: {_describe(report)}"


def check_declined_card_releases_stock(lab):
    event = _order(lab, card="declined")
    report = _run(lab, event)
    assert report["status"] == "SUCCEEDED" and (report["result"] or {}).get("status") == "cancelled", \
        f"a declined card should end the order as cancelled, not fail the execution: {_describe(report)}"
    charged = _calls(report, "charge")
    assert len(charged) == 1, (f"a declined card was charged {len(charged)} times: a permanent error must not be "
                               "retried (give the charge step a retry strategy)")
    assert _calls(report, "release") == [["release", f"res-{event['order_id']}"]], \
        f"the reservation must be released exactly once: {_describe(report)}"
    _operation(report, "STEP", "release-stock")


def check_busy_service_is_retried(lab):
    event = _order(lab, card="busy")
    report = _run(lab, event)
    assert (report["result"] or {}).get("status") == "confirmed", \
        f"a busy payment service should be retried until the charge goes through: {_describe(report)}"
    assert len(_calls(report, "charge")) == 3, f"expected two failed attempts and a third that works: {_describe(report)}"
