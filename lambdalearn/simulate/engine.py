"""The discrete-event engine: requests meet a pool of execution environments under Lambda's rules.

The model (docs/simulate.md states it for learners):
- one request per environment at a time; a warm request goes to the newest idle environment (the most
  recently created, as in SimFaaS), so older ones sit idle and age out after their idle timeout;
- provisioned environments serve first and never expire; above them requests spill to on-demand ones;
- a request that finds no idle environment starts one (a cold start: INIT then the handler) if the function
  is under its concurrency limit and the scaling rate allows (`runtime/policy.py`); otherwise it is
  throttled: a sync caller gets a 429, an async event goes back to the queue and is retried with Lambda's
  backoff until its maximum age;
- durations, INIT and idle timeouts are drawn from the scenario's distributions with the scenario's seed.

State is the size of the live pool, never of the traffic: a heap of busy environments (by end time), a heap
of idle ones (newest first, whose deaths are found lazily: an environment past its expiry is counted dead at
its expiry time when it is met, and swept at every timeline row), a heap of async retries, and counters.
Time-averages come from sums: environment-seconds are the sum of death times minus the sum of birth times.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from heapq import heappop, heappush
from random import Random

from lambdalearn.runtime import policy
from lambdalearn.runtime.billing import round_up_ms
from lambdalearn.simulate.scenario import FunctionSpec, Scenario
from lambdalearn.simulate.stats import LOG_SMALLEST, SCALE, SMALLEST_MS, LogHistogram
from lambdalearn.simulate.traffic import phase_arrivals

ProgressCallback = Callable[[float], None]


@dataclass
class Timeline:
    """Rows of the run over time, one per `step_s`: each row is the interval starting at `time_s`."""

    step_s: float
    time_s: list[float] = field(default_factory=list)
    arrivals: list[int] = field(default_factory=list)
    concurrency: list[int] = field(default_factory=list)  # the most requests running at once in the interval
    environments: list[int] = field(default_factory=list)  # alive at the end of the interval
    cold_starts: list[int] = field(default_factory=list)
    throttles: list[int] = field(default_factory=list)
    queue_depth: list[int] = field(default_factory=list)  # async events waiting for a retry, at the end

    COLUMNS = ("time_s", "arrivals", "concurrency", "environments", "cold_starts", "throttles", "queue_depth")

    def rows(self) -> Iterator[tuple]:
        return zip(*(getattr(self, column) for column in self.COLUMNS))


def timeline_step_s(span_s: float) -> float:
    """Per second for runs up to an hour, per minute up to four days, per hour beyond (at most ~6,000 rows)."""
    if span_s <= 3600:
        return 1.0
    if span_s <= 4 * 86400:
        return 60.0
    return 3600.0


@dataclass
class FunctionResult:
    """What one function did: counts, time sums, billed milliseconds and the latency histogram."""

    spec: FunctionSpec
    requests: int = 0
    invocations: int = 0
    cold_starts: int = 0
    throttles: int = 0
    expired_events: int = 0  # async events dropped after maximum_event_age_s
    provisioned_invocations: int = 0
    environments_created: int = 0
    peak_concurrency: int = 0
    busy_seconds: float = 0.0
    environment_seconds: float = 0.0
    on_demand_billed_ms: int = 0  # INVOKE of on-demand invocations
    init_billed_ms: int = 0  # INIT of cold starts (billed since 1 Aug 2025)
    provisioned_billed_ms: int = 0  # INVOKE of invocations served by provisioned environments
    provisioned_steps: list[tuple[float, float, int]] = field(default_factory=list)  # (from_s, to_s, environments)
    latency: LogHistogram = field(default_factory=LogHistogram)


@dataclass
class SimulationResult:
    scenario: Scenario
    span_s: float
    functions: list[FunctionResult]
    timeline: Timeline
    peak_concurrency: int
    wall_s: float


class _Pool:
    """The concurrency a group of functions draws from: one function's reservation, or the unreserved pool."""

    __slots__ = ("limit", "members")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.members: list[_FunctionSim] = []

    def in_flight(self) -> int:
        return sum(len(sim.busy) + len(sim.pc_busy) for sim in self.members)


class _FunctionSim:
    """One function's pool of environments; `offer` places one request at time t."""

    def __init__(self, spec: FunctionSpec, rng: Random, scale_per_10s: int, pool: _Pool) -> None:
        self.spec = spec
        self.result = FunctionResult(spec)
        self.pool = pool
        pool.members.append(self)
        self.scaling = policy.ScalingBudget(scale_per_10s)
        self.duration_fixed, self.duration_draw = spec.duration_ms.fixed, spec.duration_ms.sampler(rng)
        self.init_fixed, self.init_draw = spec.init_ms.fixed, spec.init_ms.sampler(rng)
        self.idle_fixed, self.idle_draw = spec.idle_timeout_s.fixed, spec.idle_timeout_s.sampler(rng)
        self.busy: list[tuple[float, int]] = []  # (end_s, env id) of on-demand environments running a request
        self.idle: list[tuple[int, float]] = []  # (-env id, expires_at_s): newest first
        self.pc_busy: list[float] = []  # end_s of provisioned environments running a request
        self.pc_idle = self.pc_total = self.pc_retiring = 0
        self.schedule = list(spec.provisioned)
        self.next_pc_change = self.schedule[0][0] if self.schedule else math.inf
        self.alive = 0
        self.next_id = 0
        self.birth_sum = self.death_sum = 0.0
        self.hist_counts = self.result.latency.counts
        self.hist_sums = self.result.latency.sums
        self.requests = self.invocations = self.cold_starts = self.throttles = 0  # invocations: set by finish
        self.row_peak = 0  # the most requests running at once since the last timeline row
        self.duration_billed = round_up_ms(self.duration_fixed) if self.duration_fixed is not None else 0
        self.billed_ms = self.init_billed_ms = self.pc_billed_ms = self.pc_invocations = 0
        self.drawn_ms = self.init_ms_total = 0.0  # sums of the durations and INITs that ran (drawn ones)
        self.retry_offers = 0  # async retries placed (each one either ran or was throttled again)
        self.last_latency, self.last_latency_count = -1.0, 0

    # -- the hot path ------------------------------------------------------------------------------------

    def offer(self, t: float, waited_s: float) -> bool:
        """Place a request at time `t` (after `waited_s` in the async queue); False if it was throttled."""
        if t >= self.next_pc_change:
            self.change_provisioned(t)
        busy, idle, pc_busy = self.busy, self.idle, self.pc_busy
        if (busy and busy[0][0] <= t) or (pc_busy and pc_busy[0] <= t):
            self.release(t)
        duration = self.duration_fixed
        if duration is None:
            duration = self.duration_draw()
            self.drawn_ms += duration
            billed = round_up_ms(duration)
        else:
            billed = self.duration_billed
        if self.pc_idle:
            self.pc_idle -= 1
            heappush(pc_busy, t + duration / 1000.0)
            self.pc_invocations += 1
            self.pc_billed_ms += billed
            service_ms = duration
        else:
            while idle:
                neg_id, expires = heappop(idle)
                if expires > t:
                    heappush(busy, (t + duration / 1000.0, -neg_id))
                    self.billed_ms += billed
                    service_ms = duration
                    break
                self.death_sum += expires
                self.alive -= 1
            else:
                service_ms = self.cold_start(t, duration, billed)
                if service_ms < 0:
                    return False
        latency = service_ms + waited_s * 1000.0
        if latency == self.last_latency:  # fixed durations repeat: count runs of equal latencies
            self.last_latency_count += 1
        else:
            self.flush_latency()
            self.last_latency, self.last_latency_count = latency, 1
        running = len(busy) + len(pc_busy)
        if running > self.row_peak:
            self.row_peak = running
        return True

    def cold_start(self, t: float, duration: float, billed: int) -> float:
        """Start a new environment for a request at `t` if the limits allow: its service time, or -1 (throttled)."""
        busy = self.busy
        pool = self.pool
        if not (policy.may_start_environment(len(busy) + len(self.pc_busy), pool.limit)
                and (len(pool.members) == 1 or pool.in_flight() < pool.limit)
                and self.scaling.take(t)):
            self.throttles += 1
            if self.duration_fixed is None:
                self.drawn_ms -= duration  # a throttled request never ran
            return -1.0
        init = self.init_fixed
        if init is None:
            init = self.init_draw()
        service_ms = init + duration
        self.init_ms_total += init
        self.next_id += 1
        heappush(busy, (t + service_ms / 1000.0, self.next_id))
        self.alive += 1
        self.birth_sum += t
        self.cold_starts += 1
        self.billed_ms += billed
        self.init_billed_ms += round_up_ms(service_ms) - billed
        return service_ms

    def flush_latency(self) -> None:
        """Add the current run of equal latencies to the histogram."""
        latency, count = self.last_latency, self.last_latency_count
        if count:
            index = int((math.log(latency) - LOG_SMALLEST) * SCALE) if latency > SMALLEST_MS else 0
            self.hist_counts[index] = self.hist_counts.get(index, 0) + count
            self.hist_sums[index] = self.hist_sums.get(index, 0.0) + latency * count
            self.last_latency_count = 0

    def release(self, t: float) -> None:
        """Environments whose request ended by `t` become idle (on-demand) or ready again (provisioned)."""
        busy, idle = self.busy, self.idle
        idle_fixed = self.idle_fixed
        while busy and busy[0][0] <= t:
            end, env = heappop(busy)
            heappush(idle, (-env, end + (idle_fixed if idle_fixed is not None else self.idle_draw())))
        pc_busy = self.pc_busy
        while pc_busy and pc_busy[0] <= t:
            heappop(pc_busy)
            if self.pc_retiring:
                self.pc_retiring -= 1
                self.pc_total -= 1
            else:
                self.pc_idle += 1

    # -- the slow path -----------------------------------------------------------------------------------

    def change_provisioned(self, t: float) -> None:
        """Apply the provisioned-concurrency steps due by `t` (new environments are ready at once)."""
        while self.schedule and self.schedule[0][0] <= t:
            at_s, value = self.schedule.pop(0)
            steps = self.result.provisioned_steps
            if steps:
                steps[-1] = (steps[-1][0], at_s, steps[-1][2])
            steps.append((at_s, math.inf, value))
            self.release(at_s)
            if value >= self.pc_total:
                self.pc_idle += value - self.pc_total
                self.result.environments_created += value - self.pc_total
                self.pc_retiring = 0
            else:
                excess = self.pc_total - value
                dropped = min(excess, self.pc_idle)
                self.pc_idle -= dropped
                self.pc_retiring = excess - dropped
            self.pc_total = value + self.pc_retiring
        self.next_pc_change = self.schedule[0][0] if self.schedule else math.inf

    def sweep(self, t: float) -> int:
        """Count idle environments past their expiry at `t` as dead; the number alive (on-demand and provisioned)."""
        self.release(t)
        dead = [expires for _, expires in self.idle if expires <= t]
        if dead:
            self.idle = [entry for entry in self.idle if entry[1] > t]
            heapq.heapify(self.idle)
            self.death_sum += sum(dead)
            self.alive -= len(dead)
        return self.alive + self.pc_total

    def finish(self, end_s: float) -> FunctionResult:
        """Close the books at `end_s`: environments still alive are counted up to it."""
        if self.next_pc_change <= end_s:
            self.change_provisioned(end_s)
        self.release(end_s)
        self.sweep(end_s)
        self.death_sum += end_s * self.alive
        result = self.result
        self.invocations = self.requests + self.retry_offers - self.throttles
        result.requests, result.invocations = self.requests, self.invocations
        result.cold_starts, result.throttles = self.cold_starts, self.throttles
        result.on_demand_billed_ms, result.init_billed_ms = self.billed_ms, self.init_billed_ms
        result.provisioned_billed_ms, result.provisioned_invocations = self.pc_billed_ms, self.pc_invocations
        durations_ms = self.drawn_ms if self.duration_fixed is None else self.invocations * self.duration_fixed
        result.busy_seconds = (durations_ms + self.init_ms_total) / 1000.0
        self.flush_latency()
        result.environments_created += self.next_id
        steps = result.provisioned_steps
        if steps:
            steps[-1] = (steps[-1][0], end_s, steps[-1][2])
        pc_seconds = sum((to_s - from_s) * value for from_s, to_s, value in steps)
        result.environment_seconds = self.death_sum - self.birth_sum + pc_seconds
        result.latency.high = max(
            (result.latency.sums[i] / c for i, c in result.latency.counts.items() if c), default=0.0
        )
        return result


def simulate(scenario: Scenario, *, on_progress: ProgressCallback | None = None) -> SimulationResult:
    """Run `scenario` to the end; `on_progress(fraction)` is called now and then (it may raise to cancel)."""
    started = time.perf_counter()
    return _Run(scenario, on_progress).run(started)


class _Run:
    def __init__(self, scenario: Scenario, on_progress: ProgressCallback | None) -> None:
        self.scenario = scenario
        self.on_progress = on_progress
        self.expected = max(1.0, scenario.expected_requests)
        reserved = [spec.reserved_concurrency for spec in scenario.functions if spec.reserved_concurrency is not None]
        shared = _Pool(policy.concurrency_limit(None, scenario.concurrency_limit, reserved))
        self.sims = []
        for spec in scenario.functions:
            pool = shared if spec.reserved_concurrency is None else _Pool(spec.reserved_concurrency)
            rng = Random(f"{scenario.seed}/{spec.name}/service")
            self.sims.append(_FunctionSim(spec, rng, scenario.scale_per_10s, pool))
        self.retries: list[tuple[float, int, int, float, int]] = []  # (at_s, order, function, arrived_s, attempt)
        self.retry_order = 0
        self.timeline = Timeline(timeline_step_s(scenario.traffic_span_s))
        self.next_row = self.timeline.step_s
        self.row_peak = 0
        self.totals = [0, 0, 0]  # arrivals, cold starts, throttles at the last row
        self.account_peak = 0
        self.last_end = 0.0

    def run(self, started: float) -> SimulationResult:
        if len(self.sims) == 1:
            self.run_one(self.sims[0])
        else:
            self.run_many()
        self.drain_retries(math.inf)
        end_s = max(self.scenario.traffic_span_s, self.last_busy_end())
        self.rows_until(end_s, final=True)
        results = [sim.finish(end_s) for sim in self.sims]
        peak = self.account_peak if len(self.sims) > 1 else results[0].peak_concurrency
        return SimulationResult(self.scenario, end_s, results, self.timeline, peak, time.perf_counter() - started)

    def run_one(self, sim: _FunctionSim) -> None:
        """The common case, kept tight: one function's arrivals in order, async retries merged in."""
        offer, retries, asynchronous = sim.offer, self.retries, sim.spec.invocation == "async"
        rng = Random(f"{self.scenario.seed}/{sim.spec.name}/arrivals")
        next_row, arrived = self.next_row, 0
        for chunk in phase_arrivals(sim.spec.traffic, rng):
            for t in chunk:
                if t >= next_row:
                    sim.requests = arrived
                    self.rows_until(t)
                    next_row = self.next_row
                if retries and retries[0][0] <= t:
                    self.drain_retries(t)
                if not offer(t, 0.0) and asynchronous:
                    self.retry(0, t, t, 1)
                arrived += 1
            sim.requests = arrived
            self.report_progress()

    def run_many(self) -> None:
        """Several functions: their arrival streams merged in time order, all pools brought up to date first."""
        streams = [self.tagged_arrivals(index, sim) for index, sim in enumerate(self.sims)]
        count = 0
        for t, index in heapq.merge(*streams):
            if t >= self.next_row:
                self.rows_until(t)
            if self.retries and self.retries[0][0] <= t:
                self.drain_retries(t)
            sim = self.sims[index]
            self.release_all(t)
            if not sim.offer(t, 0.0) and sim.spec.invocation == "async":
                self.retry(index, t, t, 1)
            sim.requests += 1
            self.note_account_peak()
            count += 1
            if count % 8192 == 0:
                self.report_progress()

    def tagged_arrivals(self, index: int, sim: _FunctionSim) -> Iterator[tuple[float, int]]:
        rng = Random(f"{self.scenario.seed}/{sim.spec.name}/arrivals")
        for chunk in phase_arrivals(sim.spec.traffic, rng):
            for t in chunk:
                yield t, index

    def release_all(self, t: float) -> None:
        for sim in self.sims:
            sim.release(t)

    def note_account_peak(self) -> None:
        running = sum(len(sim.busy) + len(sim.pc_busy) for sim in self.sims)
        self.account_peak = max(self.account_peak, running)
        self.row_peak = max(self.row_peak, running)

    def retry(self, index: int, now: float, arrived: float, attempt: int) -> None:
        """Put a throttled async event back in the queue, or drop it once it is too old."""
        sim = self.sims[index]
        at = now + policy.async_retry_delay_s(attempt)
        if at - arrived > sim.spec.maximum_event_age_s:
            sim.result.expired_events += 1
            return
        self.retry_order += 1
        heappush(self.retries, (at, self.retry_order, index, arrived, attempt))

    def drain_retries(self, until: float) -> None:
        retries, many = self.retries, len(self.sims) > 1
        while retries and retries[0][0] <= until:
            at, _, index, arrived, attempt = heappop(retries)
            if at >= self.next_row:
                self.rows_until(at)
            if many:
                self.release_all(at)
            self.sims[index].retry_offers += 1
            if not self.sims[index].offer(at, at - arrived):
                self.retry(index, at, arrived, attempt + 1)
            if many:
                self.note_account_peak()

    def last_busy_end(self) -> float:
        ends = [end for sim in self.sims for end, _ in sim.busy] + [end for sim in self.sims for end in sim.pc_busy]
        return max(ends, default=0.0)

    def rows_until(self, t: float, final: bool = False) -> None:
        """Write the timeline rows of every interval that ended by `t` (and the last, partial one if final)."""
        timeline, step = self.timeline, self.timeline.step_s
        while self.next_row <= t or (final and self.next_row - step < t):
            boundary = min(self.next_row, t) if final else self.next_row
            row_start = self.next_row - step
            environments = sum(sim.sweep(boundary) for sim in self.sims)
            arrivals = sum(sim.requests for sim in self.sims)
            colds = sum(sim.cold_starts for sim in self.sims)
            throttles = sum(sim.throttles for sim in self.sims)
            for sim in self.sims:
                sim.result.peak_concurrency = max(sim.result.peak_concurrency, sim.row_peak)
            peak = self.sims[0].row_peak if len(self.sims) == 1 else self.row_peak
            timeline.time_s.append(row_start)
            timeline.arrivals.append(arrivals - self.totals[0])
            timeline.concurrency.append(peak)
            timeline.environments.append(environments)
            timeline.cold_starts.append(colds - self.totals[1])
            timeline.throttles.append(throttles - self.totals[2])
            timeline.queue_depth.append(len(self.retries))
            self.totals = [arrivals, colds, throttles]
            self.row_peak = sum(len(sim.busy) + len(sim.pc_busy) for sim in self.sims)
            for sim in self.sims:
                sim.row_peak = len(sim.busy) + len(sim.pc_busy)
            self.next_row += step
        self.report_progress()

    def report_progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(min(1.0, sum(sim.requests for sim in self.sims) / self.expected))
