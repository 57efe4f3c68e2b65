"""Capture of an execution environment's output (stdout and stderr, one pipe), bounded per invocation.

A handler may print without end; the runtime must not keep it all. Each invocation keeps at most
`cap_bytes` of output; the rest is read and thrown away (so the handler never blocks on a full pipe) and a
marker line says how much was dropped. Reading happens in the event loop through non-blocking pipes; the
runtime drains them at the phase boundaries (end of INIT, end of the invocation), when the bootstrap has
already written everything it had.
"""

from __future__ import annotations

import asyncio
import os

DEFAULT_CAP_BYTES = 1024 * 1024
_READ_SIZE = 1 << 16
# Bounded so that a flooding handler cannot keep the event loop inside one callback.
_MAX_READS_PER_WAKE = 64


class LogCapture:
    """Reads one environment's output pipe into lines for the current phase."""

    def __init__(self, cap_bytes: int = DEFAULT_CAP_BYTES) -> None:
        self.cap_bytes = cap_bytes
        self._read_fds: list[int] = []
        self._partial: dict[int, bytearray] = {}
        self._lines: list[str] = []
        self._kept = 0
        self._dropped = 0

    def open(self) -> int:
        """Create the pipe and start reading; returns its write end, for the process's stdout and stderr both:
        one pipe keeps what the handler prints and what it logs to stderr in the order it wrote them, as
        Lambda's log stream does."""
        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        self._read_fds.append(read_fd)
        self._partial[read_fd] = bytearray()
        asyncio.get_running_loop().add_reader(read_fd, self._read_available, read_fd)
        return write_fd

    def _read_available(self, fd: int) -> None:
        for _ in range(_MAX_READS_PER_WAKE):
            try:
                data = os.read(fd, _READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._close_fd(fd)
                return
            self._feed(fd, data)
            if len(data) < _READ_SIZE:
                return

    def _feed(self, fd: int, data: bytes) -> None:
        room = self.cap_bytes - self._kept
        if room <= 0:
            self._dropped += len(data)
            return
        if len(data) > room:
            self._dropped += len(data) - room
            data = data[:room]
        self._kept += len(data)
        buffer = self._partial[fd]
        buffer.extend(data)
        *complete, rest = buffer.split(b"\n")
        self._lines.extend(line.decode("utf-8", "replace") for line in complete)
        self._partial[fd] = bytearray(rest)

    def take_lines(self) -> list[str]:
        """Everything written so far (pipes drained, partial lines included), and start a new phase."""
        for fd in list(self._read_fds):
            self._read_available(fd)
        lines = self._lines
        for fd, buffer in self._partial.items():
            if buffer:
                lines.append(buffer.decode("utf-8", "replace"))
                buffer.clear()
        if self._dropped:
            lines.append(
                f"[lambdalearn] output truncated: {self._dropped} more bytes dropped"
                f" (at most {self.cap_bytes} bytes are kept per invocation)"
            )
        self._lines, self._kept, self._dropped = [], 0, 0
        return lines

    def _close_fd(self, fd: int) -> None:
        if fd in self._read_fds:
            self._read_fds.remove(fd)
            try:
                asyncio.get_running_loop().remove_reader(fd)
            except RuntimeError:
                pass
            os.close(fd)

    def close(self) -> None:
        for fd in list(self._read_fds):
            self._close_fd(fd)
