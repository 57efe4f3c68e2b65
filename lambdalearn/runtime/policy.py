"""Lambda's rules for concurrency, scaling and throttle retries, as pure functions.

Written once and used by both the live runtime (`runtime/service.py`) and the simulator
(`lambdalearn/simulate/engine.py`), so a limit changes in one place. Sources:
- https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html: a function's concurrency is capped
  by its reserved concurrency, otherwise it shares the account's unreserved pool; provisioned environments
  count toward that concurrency.
- https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html: each function can add at most 1,000
  execution environments every 10 seconds; unused scaling does not accumulate.
- https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html: a throttled
  asynchronous event goes back to the queue and is retried for up to 6 hours by default, the interval
  growing exponentially from 1 second to at most 5 minutes.
"""

from __future__ import annotations

from collections.abc import Iterable

ACCOUNT_CONCURRENCY_LIMIT = 1000
SCALE_PER_WINDOW = 1000
SCALING_WINDOW_S = 10.0
MAXIMUM_EVENT_AGE_S = 21600.0
FIRST_RETRY_DELAY_S = 1.0
MAX_RETRY_DELAY_S = 300.0


def concurrency_limit(reserved: int | None, account_limit: int, reserved_by_others: Iterable[int] = ()) -> int:
    """How many requests one function may run at once: its reservation, or what the others left unreserved."""
    if reserved is not None:
        return reserved
    return max(0, account_limit - sum(reserved_by_others))


def may_start_environment(in_flight: int, limit: int) -> bool:
    """Whether a request that found no idle environment may start one (else it is throttled, 429)."""
    return in_flight < limit


def async_retry_delay_s(attempt: int) -> float:
    """Seconds before the `attempt`-th retry (1-based) of a throttled asynchronous event."""
    return min(MAX_RETRY_DELAY_S, FIRST_RETRY_DELAY_S * 2.0 ** min(attempt - 1, 30))


class ScalingBudget:
    """The scaling rate: at most `per_window` new environments per function in each window of 10 s.

    AWS refills the budget continuously "as a best attempt"; windows starting at time 0 are the documented
    approximation, and unused budget does not carry over, as documented.
    """

    __slots__ = ("per_window", "window_s", "_window", "_left")

    def __init__(self, per_window: int = SCALE_PER_WINDOW, window_s: float = SCALING_WINDOW_S) -> None:
        self.per_window = per_window
        self.window_s = window_s
        self._window = -1
        self._left = 0

    def take(self, now_s: float) -> bool:
        """Spend one new environment at `now_s`; False when this window's budget is used up."""
        window = int(now_s // self.window_s)
        if window != self._window:
            self._window = window
            self._left = self.per_window
        if self._left <= 0:
            return False
        self._left -= 1
        return True
