"""Running one `checks.py` function in a worker thread with a deadline.

A checks.py function runs inside lambdalearn's own process (not in the sandbox), so a loop that never ends
there would hang `lab check`, watch mode or the lab screen. The learner's function cannot cause this: each of
its invocations has its own timeout. `call_with_deadline` waits for the function up to a deadline, then
reports `CheckTimedOut` and asks the worker thread to stop (CPython raises the exception in that thread at
its next Python instruction; a thread blocked inside a C call stops when the call returns). The thread is a
daemon: it never keeps lambdalearn from exiting.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Callable
from typing import Any


class CheckTimedOut(Exception):
    """A checks.py function did not finish before its deadline."""


async def call_with_deadline(function: Callable[[Any], object], argument: Any, seconds: float) -> None:
    """Run `function(argument)` in a daemon thread; re-raise what it raises; CheckTimedOut after `seconds`."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[BaseException | None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if not outcome.done():
            outcome.set_result(error)

    def work() -> None:
        try:
            try:
                function(argument)
            except BaseException as error:  # handed to the event loop, which re-raises it
                _tell(loop, settle, error)
            else:
                _tell(loop, settle, None)
        except CheckTimedOut:  # stopped after the deadline: nobody waits for the outcome any more
            pass

    thread = threading.Thread(target=work, name=f"checks.py {getattr(function, '__name__', 'function')}", daemon=True)
    thread.start()
    try:
        error = await asyncio.wait_for(asyncio.shield(outcome), seconds)
    except TimeoutError:
        raise CheckTimedOut(f"did not finish within {seconds:g} s") from None
    finally:
        if not outcome.done() and thread.is_alive():  # timed out, or the run was cancelled: stop the thread
            _interrupt(thread)
    if error is not None:
        raise error


def _tell(loop: asyncio.AbstractEventLoop, settle: Callable[[BaseException | None], None],
          error: BaseException | None) -> None:
    try:
        loop.call_soon_threadsafe(settle, error)
    except RuntimeError:  # the run has ended and its loop is closed: nobody is waiting any more
        pass


def _interrupt(thread: threading.Thread) -> None:
    """Raise CheckTimedOut inside `thread` at its next Python instruction."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(CheckTimedOut))
