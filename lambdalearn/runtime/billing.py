"""What an invocation would cost on AWS Lambda: one documented price table and the rules Lambda bills by.

Prices are the public on-demand prices for US East (N. Virginia), us-east-1, first pricing tier, as listed on
https://aws.amazon.com/lambda/pricing/ and in the AWS Price List (rate names "Lambda Duration",
"Lambda Duration-ARM", "Lambda Duration-Provisioned", "Lambda Provisioned-Concurrency", "Lambda Requests",
"Lambda Storage-Duration"); checked on 23 November 2026. Volume tiers (cheaper GB-seconds after 6 billion a
month on x86_64, 7.5 billion on arm64) are not modelled: a lab never gets near them.

Rules modelled:
- Billed duration is rounded UP to the next whole millisecond (minimum 1 ms), from the durations as REPORT
  shows them (two decimals), so the REPORT line's own arithmetic always gives its Billed Duration.
- INIT phase: since 1 August 2025 Lambda bills the INIT phase of on-demand functions packaged as ZIP with a
  managed runtime (before that date it was free for them, and already billed for container images, custom
  runtimes and provisioned concurrency). A cold start's Billed Duration is therefore ceil(Init Duration +
  Duration). `InitBilling.BEFORE_2025_08_01` keeps the old rule so a lesson can compare the two.
- Provisioned concurrency: environments initialised in advance are paid for by the provisioned-concurrency
  price (per GB-second configured, periods rounded up to 5 minutes); invocations they serve pay a lower
  duration price; their INIT is not part of any invocation's billed duration.
- Requests cost the same on both architectures; throttled invocations are not billed at all.
- The free tier (1M requests and 400,000 GB-seconds a month, both architectures together) is listed for
  lessons; per-invocation costs here are list prices before the free tier.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MB_PER_GB = 1024
PROVISIONED_BILLING_PERIOD_S = 300

PRICES: dict[str, Any] = {
    "region": "us-east-1",
    "checked": "2026-11-23",
    "source": "https://aws.amazon.com/lambda/pricing/",
    "currency": "USD",
    # On-demand duration, USD per GB-second (first tier).
    "gb_second": {"x86_64": 0.0000166667, "arm64": 0.0000133334},
    # USD per request (= $0.20 per 1M), both architectures.
    "request": 0.20 / 1_000_000,
    # Provisioned concurrency: kept ready (per GB-second configured, used or not) and duration of the
    # invocations it serves (per GB-second).
    "provisioned_concurrency_gb_second": {"x86_64": 0.0000041667, "arm64": 0.0000033334},
    "provisioned_duration_gb_second": {"x86_64": 0.0000097222, "arm64": 0.0000077778},
    # Ephemeral storage (/tmp) above the 512 MB every function gets, USD per GB-second.
    "ephemeral_storage_gb_second": 0.0000000309,
    "free_ephemeral_storage_mb": 512,
    # Monthly free tier; does not apply to provisioned concurrency.
    "free_tier": {"requests": 1_000_000, "gb_seconds": 400_000},
}


class InitBilling(enum.Enum):
    """Which rule decides whether a cold start's INIT phase is billed."""

    SINCE_2025_08_01 = "billed"  # today's rule: INIT is billed like INVOKE
    BEFORE_2025_08_01 = "free"  # the old rule for ZIP + managed runtime, on-demand


def billed_duration_ms(
    duration_ms: float,
    init_duration_ms: float | None,
    *,
    init_billing: InitBilling = InitBilling.SINCE_2025_08_01,
) -> int:
    """Billed Duration as REPORT shows it: (INIT +) INVOKE, rounded up to the next millisecond, at least 1.

    `init_duration_ms` is None for warm starts and for environments pre-initialised by provisioned
    concurrency (their INIT is paid through the provisioned-concurrency price instead).
    """
    if duration_ms < 0 or (init_duration_ms is not None and init_duration_ms < 0):
        raise ValueError("durations must not be negative")
    # From the durations as REPORT shows them (to 0.01 ms): Billed Duration is then exactly the sum a reader
    # of the REPORT line computes, rounded up, never 1 ms more because of digits REPORT does not show.
    total = round(duration_ms, 2)
    if init_duration_ms is not None and init_billing is InitBilling.SINCE_2025_08_01:
        total += round(init_duration_ms, 2)
    return round_up_ms(total)


def round_up_ms(total_ms: float) -> int:
    """Lambda's rounding of a billed time: up to the next whole millisecond, at least 1."""
    # round() first so float noise such as 2.0000000000000004 does not bill an extra millisecond.
    return max(1, math.ceil(round(total_ms, 6)))


def gb_seconds_for(billed_ms: int, memory_mb: int) -> float:
    """Compute used by one invocation: configured memory in GB times billed seconds."""
    return (memory_mb / MB_PER_GB) * (billed_ms / 1000)


def duration_cost(
    billed_ms: int,
    memory_mb: int,
    architecture: str,
    *,
    provisioned: bool = False,
    ephemeral_storage_mb: int = 512,
) -> float:
    """USD for the duration of one invocation (no request charge)."""
    price_table = PRICES["provisioned_duration_gb_second"] if provisioned else PRICES["gb_second"]
    if architecture not in price_table:
        raise ValueError(f"unknown architecture {architecture!r}: expected one of {', '.join(price_table)}")
    cost = gb_seconds_for(billed_ms, memory_mb) * price_table[architecture]
    extra_storage_mb = max(0, ephemeral_storage_mb - PRICES["free_ephemeral_storage_mb"])
    return cost + gb_seconds_for(billed_ms, extra_storage_mb) * PRICES["ephemeral_storage_gb_second"]


def invocation_cost(
    billed_duration_ms: int,
    memory_mb: int,
    architecture: str,
    *,
    provisioned: bool = False,
    ephemeral_storage_mb: int = 512,
) -> float:
    """USD for one billed invocation: GB-seconds times the duration price, plus the request charge."""
    duration = duration_cost(
        billed_duration_ms, memory_mb, architecture, provisioned=provisioned, ephemeral_storage_mb=ephemeral_storage_mb
    )
    return duration + PRICES["request"]


def provisioned_concurrency_cost(environments: int, memory_mb: int, seconds: float, architecture: str) -> float:
    """USD for keeping `environments` ready for `seconds` (rounded up to 5 minutes, as Lambda bills it)."""
    if architecture not in PRICES["provisioned_concurrency_gb_second"]:
        raise ValueError(f"unknown architecture {architecture!r}")
    periods = math.ceil(seconds / PROVISIONED_BILLING_PERIOD_S) if seconds > 0 else 0
    billed_seconds = periods * PROVISIONED_BILLING_PERIOD_S
    return environments * (memory_mb / MB_PER_GB) * billed_seconds * PRICES["provisioned_concurrency_gb_second"][architecture]


@dataclass
class RunTotals:
    """Running totals over the invocations of one run (a `lambdalearn invoke --times N`, a lab check).

    `add` takes an invocation record: a mapping or an object with `billed_duration_ms`, `memory_size_mb` and
    `status` (`success`, `error` or `throttled`), and optionally `provisioned` (served by a pre-initialised
    provisioned-concurrency environment). Errors are billed like successes; throttles are only counted.
    """

    architecture: str = "x86_64"
    ephemeral_storage_mb: int = 512
    invocations: int = 0
    throttles: int = 0
    gb_seconds: float = 0.0
    request_cost: float = 0.0
    compute_cost: float = 0.0

    @property
    def total(self) -> float:
        return self.request_cost + self.compute_cost

    def add(self, record: Mapping[str, Any] | object) -> None:
        if _field(record, "status") == "throttled":
            self.throttles += 1
            return
        billed_ms = int(_field(record, "billed_duration_ms"))
        memory_mb = int(_field(record, "memory_size_mb"))
        self.invocations += 1
        self.gb_seconds += gb_seconds_for(billed_ms, memory_mb)
        self.request_cost += PRICES["request"]
        self.compute_cost += duration_cost(
            billed_ms,
            memory_mb,
            self.architecture,
            provisioned=bool(_field(record, "provisioned", False)),
            ephemeral_storage_mb=self.ephemeral_storage_mb,
        )


_MISSING = object()


def _field(record: Mapping[str, Any] | object, name: str, default: Any = _MISSING) -> Any:
    """Read `name` from a dict-like record (JSON lines) or an attribute-style one (the runtime's dataclass)."""
    value = record.get(name, default) if isinstance(record, Mapping) else getattr(record, name, default)
    if value is _MISSING:
        raise KeyError(f"invocation record has no {name!r}")
    return value
