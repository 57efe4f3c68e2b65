"""The randomness and clock every sample event draws from, so one seed reproduces a whole event.

Ids are shaped like the ones AWS sends (a 16-hex S3 request id, an `AIDA...` sender id, a 56-digit Kinesis
sequence number), timestamps come in each service's own format, and client addresses are taken from the
documentation ranges (203.0.113.0/24), never from real networks.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lambdalearn.runtime.config import ACCOUNT_ID

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SEEDED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
MAX_BATCH = 10_000  # the largest batch an event source mapping hands one invocation (SQS, Kinesis, DynamoDB)


class EventOptionError(ValueError):
    """A sample-event option a learner gave is out of range or malformed; the message is one line."""


def check_count(count: int) -> None:
    """Refuse batch sizes no event source mapping would deliver."""
    if not 1 <= count <= MAX_BATCH:
        raise EventOptionError(f"count {count} must be between 1 and {MAX_BATCH:,} records")


@dataclass
class EventContext:
    """A random source, the moment the event happens, and where (region, account)."""

    rng: random.Random
    now: datetime
    region: str = "us-east-1"
    account: str = ACCOUNT_ID

    @classmethod
    def create(cls, seed: int | None = None, now: datetime | None = None, region: str = "us-east-1") -> EventContext:
        """Fresh ids and the current time; with a seed, the same ids and a fixed time on every run."""
        rng = random.Random(seed)
        if now is None:
            if seed is None:
                now = datetime.now(UTC)
            else:
                now = _SEEDED_EPOCH + timedelta(seconds=rng.randrange(365 * 24 * 3600), milliseconds=rng.randrange(1000))
        elif now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return cls(rng=rng, now=now.astimezone(UTC), region=region)

    # ids
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, length: int, *, upper: bool = False) -> str:
        digits = "0123456789ABCDEF" if upper else "0123456789abcdef"
        return self.chars(length, digits)

    def digits(self, length: int) -> str:
        return str(self.rng.randrange(1, 10)) + self.chars(length - 1, string.digits)

    def upper_id(self, length: int) -> str:
        return self.chars(length, string.ascii_uppercase + string.digits)

    def lower_id(self, length: int) -> str:
        return self.chars(length, string.ascii_lowercase + string.digits)

    def chars(self, length: int, alphabet: str) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def b64(self, byte_count: int) -> str:
        return base64.b64encode(self.rng.randbytes(byte_count)).decode("ascii")

    def ip(self) -> str:
        return f"203.0.113.{self.rng.randrange(1, 255)}"

    def trace_id(self) -> str:
        return f"Root=1-{int(self.now.timestamp()):08x}-{self.hex(24)}"

    def iam_user_id(self) -> str:
        return "AIDA" + self.upper_id(17)

    # time
    def at(self, offset_ms: int = 0) -> datetime:
        return self.now + timedelta(milliseconds=offset_ms)

    def epoch_ms(self, offset_ms: int = 0) -> int:
        return int(self.at(offset_ms).timestamp() * 1000)

    def iso_ms(self, offset_ms: int = 0) -> str:
        """`2026-11-23T13:51:43.123Z`, as S3 and SNS write it."""
        moment = self.at(offset_ms)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def iso_seconds(self, moment: datetime | None = None) -> str:
        """`2026-11-23T13:51:43Z`, as EventBridge writes it."""
        return (moment or self.now).strftime("%Y-%m-%dT%H:%M:%SZ")

    def clf_time(self) -> str:
        """`23/Nov/2026:13:51:43 +0000`, API Gateway's request time (month names never localised)."""
        moment = self.now
        return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment.strftime('%H:%M:%S')} +0000"
