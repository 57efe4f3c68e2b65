"""How long one request of the report API takes at a given memory size and architecture.

Measured once at a full vCPU: 120 ms of CPU work and 30 ms waiting for the database. Lambda gives a
function CPU in proportion to its memory, one full vCPU at 1,769 MB, so below that the CPU part stretches
by 1769 / memory (above it, this single-threaded code gets no faster). On arm64 this code's CPU part runs
5% slower than on x86_64.

    python3 model.py 1024 arm64      # prints the duration in ms to put in scenario.yaml
"""

import sys

CPU_MS_AT_FULL_VCPU = 120.0
IO_MS = 30.0
FULL_VCPU_MB = 1769
CPU_FACTOR = {"x86_64": 1.0, "arm64": 1.05}


def duration_ms(memory_mb: int, architecture: str) -> float:
    share = min(1.0, memory_mb / FULL_VCPU_MB)
    return round(IO_MS + CPU_MS_AT_FULL_VCPU * CPU_FACTOR[architecture] / share, 1)


if __name__ == "__main__":
    print(duration_ms(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "x86_64"))
