"""s3-thumbnail-loop: an upload the learner has not seen must give one invocation and one thumbnail."""


def check_one_upload_one_thumbnail(lab):
    name = f"{lab.word(7)}.txt"
    first = f"{lab.word(5)} {lab.word(4)}"
    run = lab.run_app("template.yaml", [
        {"s3_put": {"bucket": "Photos", "key": f"uploads/{name}", "body": f"{first}\nmore text"}},
    ])
    invocations = run.timeline.of_kind("invocation")
    stopped = run.timeline.of_kind("loop_stopped")
    assert not stopped, (
        f"Lambda stopped a recursive loop after {len(invocations)} invocations: each thumbnail written into the"
        " Photos bucket is itself an upload that invokes the function again"
    )
    assert len(invocations) == 1, f"one upload should invoke the function once; it ran {len(invocations)} times"
    thumbnails = {key: body for objects in run.objects.values() for key, body in objects.items()
                  if key.endswith(name) and not key.startswith("uploads/" + name)}
    assert list(thumbnails.values()) == [first.upper()], (
        f"expected one thumbnail of {name} holding {first.upper()!r}; found {thumbnails}"
    )
