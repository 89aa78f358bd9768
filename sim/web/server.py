"""Running a Starlette app with uvicorn: on a socket bound first (so that the port in use is
known, and a busy port is one clear line), in the foreground until Ctrl-C (``serve``) or in a
thread for tests (``serve_in_thread``); and the JSON answers every bad request gets.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import uvicorn
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sim.errors import UsageError

#: Where servers listen unless told otherwise: this machine only.
LOCALHOST = "127.0.0.1"


def problem(status: int, message: str) -> JSONResponse:
    """A 4xx answer: ``{"error": message}``."""
    return JSONResponse({"error": message}, status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (404, 405) as JSON."""
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}")


async def internal_error(request: Request, exc: Exception) -> Response:
    """A bug: one line, no traceback to the client."""
    return problem(500, f"internal error ({type(exc).__name__}); the server keeps running")


EXCEPTION_HANDLERS: dict[Any, Any] = {HTTPException: http_error, Exception: internal_error}


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; a busy or forbidden port is a UsageError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said outright: asyncio switches Nagle's algorithm off (answers leave at
    # once, not 40 ms later) only on sockets that say they are TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        busy = exc.errno == errno.EADDRINUSE
        why = "is in use: choose another with --port" if busy else f"cannot be used: {exc.strerror}"
        raise UsageError(f"{host}:{port} {why}") from exc
    sock.listen(128)
    return sock


def url_of(sock: socket.socket) -> str:
    """The address a bound socket answers on."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _server(app: Any) -> uvicorn.Server:
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def serve(app: Any, sock: socket.socket) -> None:
    """Serve until Ctrl-C (or SIGTERM): for a server that is the way to stop, not a failure.
    uvicorn shuts down, then raises the interrupt again; it ends here."""
    with suppress(KeyboardInterrupt):
        _server(app).run(sockets=[sock])


@contextmanager
def serve_in_thread(app: Any, host: str = LOCALHOST, port: int = 0) -> Iterator[str]:
    """Serve in a background thread on an ephemeral port; yield the URL; stop on exit."""
    sock = bind(host, port)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
