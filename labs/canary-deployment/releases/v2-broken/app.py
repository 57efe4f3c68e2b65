"""Release 2, broken: a refactoring renamed the rate table and nobody ran the tests."""

RATES = {"standard": 4.9}


def handler(event, context):
    return {"shipping": RATE_TABLE["standard"]}  # NameError on every request
