"""map-concurrency-limit: the learner's Map state, run on batches they have not seen."""


def _batch(lab, size):
    orders = [{"id": f"o-{lab.rng.randint(100, 999)}-{n}", "amount": lab.rng.randint(1, 50)} for n in range(size)]
    region = lab.rng.choice(["eu-west-1", "us-east-2", "ap-south-1"])
    run = lab.run_app("template.yaml", [{"start_execution": {"state_machine": "ChargeBatch", "input": {"region": region, "orders": orders}}}])
    return orders, region, run


def check_each_order_charged_with_region(lab):
    orders, region, run = _batch(lab, 4)
    final = run.timeline.of_kind("execution")[-1]
    assert final["status"] == "SUCCEEDED", f"the execution ended {final['status']}: {final.get('error')} {final.get('cause')}"
    charged = [(item or {}).get("order_id") for item in final["output"] or []]
    assert charged == [order["id"] for order in orders], f"the Map returned charges for {charged}; expected each order once, in order"
    regions = {(item or {}).get("region") for item in final["output"]}
    assert regions == {region}, (
        f"the charges carried regions {sorted(map(str, regions))}; each iteration needs the batch's region {region}:"
        " build its input with ItemSelector (the item and $.region)"
    )


def check_at_most_two_at_once(lab):
    orders, _, run = _batch(lab, 6)
    charges = [line for line in run.timeline.of_kind("invocation") if line["function"] == "Charge"]
    assert len(charges) == len(orders), f"{len(charges)} charges ran for {len(orders)} orders"
    environments = {record.environment_id for record in lab.records}
    assert len(environments) <= 2, (
        f"{len(environments)} execution environments served the batch, so up to {len(environments)} charges ran at"
        " once; the provider allows two: set the Map's MaxConcurrency"
    )
