"""The remaining-time lab's big-job check: random image names, and a split that adds up."""

MINIMUM_RENDERED = 5


def check_big_job_is_split(lab):
    job = f"job-{lab.word(6)}"
    images = [f"uploads/{lab.word(5)}/{lab.word(8)}.jpg" for _ in range(24)]
    [record] = lab.invoke({"job": job, "images": images})
    lab.expect([record], status="success")
    answer = record.payload
    processed, remaining = answer.get("processed"), answer.get("remaining")
    assert answer.get("job") == job, f"expected \"job\": {job!r} in the answer, got {answer.get('job')!r}"
    assert isinstance(processed, list) and isinstance(remaining, list), (
        f"expected lists in \"processed\" and \"remaining\", got {answer}"
    )
    assert processed + remaining == images, (
        "\"processed\" followed by \"remaining\" must be the job's images, each once, in order; got "
        f"{len(processed)} processed and {len(remaining)} remaining that do not add up to the {len(images)} sent"
    )
    assert remaining, "a 24-image job cannot fit in 3 seconds, yet \"remaining\" is empty"
    assert len(processed) >= MINIMUM_RENDERED, (
        f"only {len(processed)} images rendered before stopping; with a 3 s timeout and 250 ms per image at least"
        f" {MINIMUM_RENDERED} fit: is the safety margin too large?"
    )
    rendered = [line for line in record.logs if line.startswith("rendered ")]
    assert len(rendered) == len(processed), (
        f"the log shows {len(rendered)} images rendered but the answer lists {len(processed)} as processed"
    )
