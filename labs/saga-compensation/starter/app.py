"""A trip booking: each step reserves one thing; each cancel step gives one back."""


class BookingFailed(Exception):
    """The supplier said no."""


def _book(kind, event):
    if event.get("fail") == kind:
        raise BookingFailed(f"no {kind} available for trip {event['trip']}")
    return {**event, f"{kind}_ref": f"{kind[:1].upper()}-{event['trip']}"}


def book_flight(event, context):
    return _book("flight", event)


def book_hotel(event, context):
    return _book("hotel", event)


def book_car(event, context):
    return _book("car", event)


def cancel_flight(event, context):
    return {"cancelled": "flight", "trip": event["trip"]}


def cancel_hotel(event, context):
    return {"cancelled": "hotel", "trip": event["trip"]}
