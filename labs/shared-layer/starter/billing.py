"""Invoices: one formatted line per item, and the total. Do not change this file: the lab is about the layer."""

from money import format_cents


def handler(event, context):
    lines = [int(cents) for cents in event["lines"]]
    return {"invoice": event["invoice"], "lines": [format_cents(c) for c in lines], "total": format_cents(sum(lines))}
