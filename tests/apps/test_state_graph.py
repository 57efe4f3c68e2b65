"""The state machine graph a screen draws, and each state's status as an execution's timeline lines arrive."""

from __future__ import annotations

from lambdalearn.apps.state_graph import CAUGHT, FAILED, PENDING, RUNNING, SUCCEEDED, ExecutionProgress, graph_rows

SAGA = {
    "StartAt": "Flight",
    "States": {
        "TripFailed": {"Type": "Fail", "Error": "TripNotBooked"},
        "UndoFlight": {"Type": "Task", "Resource": "f", "Next": "TripFailed"},
        "Flight": {"Type": "Task", "Resource": "f", "Next": "Hotel"},
        "Hotel": {"Type": "Task", "Resource": "f", "End": True, "Catch": [{"ErrorEquals": ["BookingFailed"], "Next": "UndoFlight"}]},
        "Fan": {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}}},
    },
}


def test_states_come_in_the_order_an_execution_meets_them_with_their_transitions():
    rows = graph_rows(SAGA)
    assert [(r.state, r.depth) for r in rows] == [("Flight", 0), ("Hotel", 0), ("UndoFlight", 0), ("TripFailed", 0), ("Fan", 0), ("One", 1)]
    assert rows[1].edges == (("catch BookingFailed", "UndoFlight"), ("end", ""))
    choice = graph_rows({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 2, "Next": "C"}], "Default": "C"}}})
    assert choice[0].edges == (("if $.n NumericGreaterThan 2", "C"), ("default", "C"))


def lines(execution="execution-1"):
    common = {"state_machine": "Trip", "execution": execution}
    return [
        {**common, "kind": "execution", "status": "RUNNING"},
        {**common, "kind": "state_entered", "state": "Flight"},
        {**common, "kind": "state_exited", "state": "Flight"},
        {**common, "kind": "state_entered", "state": "Hotel"},
        {**common, "kind": "task_failed", "state": "Hotel", "error": "BookingFailed"},
        {**common, "kind": "caught", "state": "Hotel", "error": "BookingFailed", "next": "UndoFlight"},
        {**common, "kind": "state_exited", "state": "Hotel"},
        {**common, "kind": "state_entered", "state": "UndoFlight"},
    ]


def test_each_state_takes_the_status_of_its_latest_line():
    progress = ExecutionProgress()
    for event in lines():
        progress.see(event)
    assert [progress.status_of(s) for s in ("Flight", "Hotel", "UndoFlight", "TripFailed")] == [SUCCEEDED, CAUGHT, RUNNING, PENDING]
    progress.see({"state_machine": "Trip", "execution": "execution-1", "kind": "state_entered", "state": "TripFailed"})
    progress.see({"state_machine": "Trip", "execution": "execution-1", "kind": "execution", "status": "FAILED"})
    assert progress.status_of("TripFailed") == FAILED and progress.status == "FAILED"


def test_a_new_execution_starts_from_a_clean_graph_unless_one_is_chosen():
    following, pinned = ExecutionProgress(), ExecutionProgress("execution-1")
    for event in lines("execution-1") + lines("execution-2")[:2]:
        following.see(event)
        pinned.see(event)
    assert following.execution == "execution-2" and following.status_of("Hotel") == PENDING
    assert pinned.status_of("Hotel") == CAUGHT


def test_a_fail_state_shows_failed_as_soon_as_it_is_entered_even_when_the_execution_succeeds():
    """A Fail state in a Parallel branch whose error the Parallel's Catch handles: the execution succeeds, the
    Fail state still failed (and a Succeed state succeeded) the moment it was entered."""
    progress = ExecutionProgress()
    common = {"state_machine": "Trip", "execution": "execution-1"}
    progress.see({**common, "kind": "execution", "status": "RUNNING"})
    progress.see({**common, "kind": "state_entered", "state": "Bad", "type": "Fail"})
    progress.see({**common, "kind": "state_entered", "state": "Fine", "type": "Succeed"})
    assert (progress.status_of("Bad"), progress.status_of("Fine")) == (FAILED, SUCCEEDED)
    progress.see({**common, "kind": "execution", "status": "SUCCEEDED"})
    assert progress.status_of("Bad") == FAILED
