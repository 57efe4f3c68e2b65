"""saga-compensation: the learner's state machine, run on trips they have not seen."""


def _run(lab, fail=None):
    trip = lab.rng.randint(200, 999)
    payload = {"trip": trip, **({"fail": fail} if fail else {})}
    run = lab.run_app("template.yaml", [{"start_execution": {"state_machine": "BookTrip", "input": payload}}])
    ran = [line["function"] for line in run.timeline.of_kind("invocation")]
    final = run.timeline.of_kind("execution")[-1]
    return ran, final


def check_car_failure_compensates_in_reverse(lab):
    ran, final = _run(lab, "car")
    undone = [name for name in ran if name.startswith("Cancel")]
    assert undone == ["CancelHotel", "CancelFlight"], (
        f"after the car failed these compensations ran: {undone or 'none'}; expected CancelHotel then CancelFlight"
        " (undo in the reverse order of booking): add a Catch on Car that leads to UndoHotel"
    )
    assert final["status"] == "FAILED" and final["error"] == "TripNotBooked", (
        f"the execution ended {final['status']} ({final.get('error')}); a compensated trip should end in TripFailed"
    )


def check_hotel_failure_cancels_the_flight(lab):
    ran, final = _run(lab, "hotel")
    assert "BookCar" not in ran, "after the hotel failed, the car must not be booked"
    undone = [name for name in ran if name.startswith("Cancel")]
    assert undone == ["CancelFlight"], (
        f"after the hotel failed these compensations ran: {undone or 'none'}; expected only CancelFlight"
        " (no hotel was booked): add a Catch on Hotel that leads to UndoFlight"
    )
    assert final["status"] == "FAILED", f"the execution ended {final['status']}; expected FAILED (TripFailed)"


def check_success_cancels_nothing(lab):
    ran, final = _run(lab)
    assert ran == ["BookFlight", "BookHotel", "BookCar"], f"a trip with everything available ran {ran}"
    assert final["status"] == "SUCCEEDED", f"the execution ended {final['status']}: {final.get('error')}"
    assert {"flight_ref", "hotel_ref", "car_ref"} <= set(final["output"]), f"the output lost a booking: {final['output']}"
