"""The textual-serve server for `lambdalearn web`: our start-up lines, and every app stopped on the way out.

Imported only by the `web` command: textual-serve brings aiohttp and Jinja, which nothing else needs.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
import socket
import webbrowser
from pathlib import Path
from typing import Callable

from aiohttp import web
from textual_serve.server import Server

from lambdalearn.web.hosting import SERVER_PID_ENV, app_command, public_url, stop_apps


class PortUnavailable(Exception):
    """The port cannot be listened on (in use, or not ours to take)."""


class StudyServer(Server):
    """textual-serve's server, announcing itself in lambdalearn's words and leaving no app behind."""

    def __init__(self, data_dir: Path, host: str, port: int, announce: Callable[[str], None],
                 open_browser: bool = False) -> None:
        super().__init__(app_command(data_dir), host=host, port=port, title="lambdalearn",
                         public_url=public_url(host, port))
        self.announce = announce
        self.open_browser = open_browser

    def initialize_logging(self) -> None:
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # a line per request hides what matters

    async def on_startup(self, app: web.Application) -> None:
        """Nothing yet: aiohttp runs this before it binds the port (textual-serve prints its banner here)."""

    def listening(self) -> None:
        """Say where to go, and go there with --open, only now that the port accepts connections."""
        self.announce(f"lambdalearn is served at {self.public_url}  (Ctrl+C stops it and every app it started)")
        if self.open_browser:
            webbrowser.open(self.public_url)

    def serve(self, debug: bool = False) -> None:
        """textual-serve's `serve`, with aiohttp's after-binding message hook calling `listening`."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        except NotImplementedError:  # Windows' event loop has no signal handlers: Ctrl+C ends run_app itself
            pass
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=lambda *_: self.listening())

    async def on_shutdown(self, app: web.Application) -> None:
        # Open tabs keep their websockets, and aiohttp would wait for them: quitting the apps closes them.
        await asyncio.to_thread(stop_apps, os.getpid())


def check_port(host: str, port: int) -> None:
    """Fail early, before announcing a URL, when the port cannot be bound (aiohttp binds after start-up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used ({error.strerror})"
            raise PortUnavailable(f"port {port} on {host} {reason}; choose another with --port") from None


def serve(data_dir: Path, host: str, port: int, announce: Callable[[str], None], open_browser: bool = False) -> None:
    """Serve the app until SIGINT/SIGTERM; on the way out, whatever happens, no process it started survives."""
    check_port(host, port)
    os.environ[SERVER_PID_ENV] = str(os.getpid())  # inherited by each app: see hosting.follow_server
    try:
        StudyServer(data_dir, host, port, announce, open_browser).serve()
    finally:
        stop_apps(os.getpid(), grace_s=1.0)
