"""The canary-deployment lab: deploy the learner's template release after release and read the timeline."""


def deployment_steps(result):
    return [event for event in result["events"] if event["kind"] == "deployment"]


def check_first_deploy(lab):
    [first] = lab.deploy_releases(["releases/v1"])
    [outcome] = first["outcomes"]
    assert (outcome["alias"], outcome["to_version"], outcome["status"]) == ("live", "1", "Created"), (
        f"the first deploy should create alias live on version 1, got {outcome}"
    )


def check_broken_release_rolls_back(lab):
    _, broken = lab.deploy_releases(["releases/v1", "releases/v2-broken"])
    [outcome] = broken["outcomes"]
    steps = deployment_steps(broken)
    shifts = [step["weights"] for step in steps if step["event"] == "shifted"]
    assert shifts, "the alias never shifted: is there a DeploymentPreference on the function?"
    first_share = shifts[0].get("2", 0.0)
    assert first_share <= 0.1, (
        f"the new version first got {first_share:.0%} of the traffic; a canary (or linear) release starts with 10%,"
        " so a broken version hurts only a few requests"
    )
    assert outcome["status"] == "Failed" and any(step["event"] == "rolled_back" for step in steps), (
        "the broken version was not rolled back: CodeDeploy rolls back only when an alarm listed in"
        " DeploymentPreference.Alarms goes to ALARM"
    )
    rolled_back = next(step for step in steps if step["event"] == "rolled_back")
    assert rolled_back["t"] <= 180, (
        f"the rollback came {rolled_back['t']:.0f} s into the release; an alarm over one 60-second period"
        " with a threshold of 1 error catches a broken version within two or three minutes at this traffic"
    )
    served = [e for e in broken["events"] if e["kind"] == "invocation"]
    failed = [e for e in served if e["status"] == "error"]
    assert served and len(failed) / len(served) <= 0.3, (
        f"{len(failed)} of {len(served)} requests failed during the release: too many reached the broken version"
    )


def check_good_release_goes_through(lab):
    _, fixed = lab.deploy_releases(["releases/v1", "releases/v2-fixed"])
    [outcome] = fixed["outcomes"]
    assert outcome["status"] == "Succeeded", f"a healthy release should go through, got {outcome}"
    shifts = [step["weights"] for step in deployment_steps(fixed) if step["event"] == "shifted"]
    assert shifts and shifts[-1] == {"2": 1.0}, f"the release should end with all traffic on version 2, got {shifts}"
    assert len(shifts) >= 2, "a gradual release shifts in steps; AllAtOnce would send everyone to a broken version too"
