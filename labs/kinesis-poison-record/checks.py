"""kinesis-poison-record: a stream of clicks with one poison record at a place the learner has not seen."""

import json
import re


def check_poison_record_is_isolated(lab):
    user = f"user-{lab.word(4)}"
    total = lab.rng.randint(14, 24)
    poison_at = lab.rng.randint(2, total - 2)
    records = []
    for n in range(1, total + 1):
        data = f"CLICK {user} {n}" if n == poison_at else {"user": user, "n": n}
        records.append({"partition_key": user, "data": data})
    run = lab.run_app("template.yaml", [{"kinesis_put": {"stream": "Clicks", "records": records}}], until=900)
    counted = [int(m.group(1)) for record in lab.records for line in record.logs
               if (m := re.match(rf"counted click (\d+) of {user}$", line))]
    first_seen = list(dict.fromkeys(counted))
    good = [n for n in range(1, total + 1) if n != poison_at]
    missing = sorted(set(good) - set(counted))
    assert not missing, (
        f"after 15 minutes (AWS time) the clicks {missing} were never counted: the poison record {poison_at} still"
        " blocks the shard, because a stream mapping retries a failed batch until it succeeds or its records expire"
    )
    assert first_seen == good, f"the clicks were first counted in the order {first_seen}; a shard must keep its order"
    reports = [json.loads(message.body) for message in run.queues["PoisonRecords"].messages]
    assert len(reports) == 1, (
        f"PoisonRecords holds {len(reports)} messages; expected one on-failure record for the poison record"
    )
    info = reports[0].get("KinesisBatchInfo", {})
    assert info.get("batchSize") == 1, (
        f"the on-failure record covers {info.get('batchSize')} records; bisecting should narrow it to the poison one alone"
    )
