"""Checks of the tmp-cache lab that YAML cannot say: prices of random products, and the hit/miss sequence."""


_SHARED_TMP_NOTE = (
    " (fewer downloads than environments: if `lambdalearn invoke --explain-sandbox` says fallback, this"
    " machine cannot give environments a /tmp of their own, and they all share yours)"
)


def check_random_products(lab):
    catalog = lab.lab_module("catalog")  # the lab's own catalog.py (the learner may not change it)
    numbers = lab.rng.sample(range(1, catalog.PRODUCTS + 1), 3)
    events = [{"sku": catalog.sku(number)} for number in numbers]
    records = lab.invoke_events(events)
    lab.expect(records, status="success")
    for number, record in zip(numbers, records):
        expected = {"sku": catalog.sku(number), "found": True, "price_cents": catalog.price_cents(number)}
        got = {key: record.payload.get(key) for key in expected}
        assert got == expected, f"for {catalog.sku(number)} expected {expected}, got {record.payload}"


def check_one_download_per_environment(lab):
    records = lab.invoke({"sku": "SKU-00007"}, count=4, concurrency=2)
    lab.expect(records, status="success")
    environments = {record.environment_id for record in records}
    downloads = [line for record in records for line in record.logs if line.startswith("catalog: downloading")]
    assert len(downloads) == len(environments), (
        f"{len(records)} invocations ran in {len(environments)} execution environments, so the catalogue should"
        f" have been downloaded {len(environments)} times; it was downloaded {len(downloads)} times"
        + (_SHARED_TMP_NOTE if len(downloads) < len(environments) else "")
    )
    for record in records:
        expected = "miss" if record.cold_start else "hit"
        got = record.payload.get("cache")
        start = "a cold start (new environment, empty /tmp)" if record.cold_start else "a warm start"
        assert got == expected, f"an invocation on {start} reported cache {got!r}, expected {expected!r}"
