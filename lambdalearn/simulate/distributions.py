"""The random quantities of a scenario (durations, INIT, idle lifetimes): parsed once, sampled fast.

A `Distribution` knows its mean (for Little's law and the summary) and makes a zero-argument sampler bound to
the run's `random.Random`, so a seed fixes every draw. `fixed` is kept apart because the engine skips the
call altogether for it: most scenarios, and every SimFaaS comparison, use fixed values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

# z of the 99th percentile of a standard normal: p99 = median * exp(Z99 * sigma) for a lognormal.
Z99 = 2.3263478740408408


@dataclass(frozen=True)
class Distribution:
    """One of: fixed, exponential, lognormal (median, p99), uniform [a, b], empirical (values of a file)."""

    kind: str
    a: float = 0.0  # fixed value, exponential mean, lognormal median, uniform low
    b: float = 0.0  # lognormal p99, uniform high
    values: tuple[float, ...] = ()

    @property
    def fixed(self) -> float | None:
        return self.a if self.kind == "fixed" else None

    @property
    def mean(self) -> float:
        if self.kind in ("fixed", "exponential"):
            return self.a
        if self.kind == "uniform":
            return (self.a + self.b) / 2
        if self.kind == "lognormal":
            sigma = self._sigma()
            return self.a * math.exp(sigma * sigma / 2)
        return sum(self.values) / len(self.values)

    def describe(self) -> str:
        if self.kind == "fixed":
            return f"{self.a:g}"
        if self.kind == "exponential":
            return f"exponential, mean {self.a:g}"
        if self.kind == "lognormal":
            return f"lognormal, median {self.a:g}, p99 {self.b:g}"
        if self.kind == "uniform":
            return f"uniform {self.a:g}-{self.b:g}"
        return f"empirical, {len(self.values)} values, mean {self.mean:.4g}"

    def sampler(self, rng: Random) -> Callable[[], float]:
        """A function drawing one value from this distribution with `rng`."""
        if self.kind == "fixed":
            value = self.a
            return lambda: value
        if self.kind == "exponential":  # random.expovariate's formula, without its call overhead
            mean, log, random = self.a, math.log, rng.random
            return lambda: -mean * log(1.0 - random())
        if self.kind == "lognormal":
            mu, sigma = math.log(self.a), self._sigma()
            lognormvariate = rng.lognormvariate
            return lambda: lognormvariate(mu, sigma)
        if self.kind == "uniform":
            low, high = self.a, self.b
            uniform = rng.uniform
            return lambda: uniform(low, high)
        values = self.values
        choice = rng.choice
        return lambda: choice(values)

    def _sigma(self) -> float:
        return math.log(self.b / self.a) / Z99


def fixed(value: float) -> Distribution:
    return Distribution("fixed", float(value))
