"""A real webhook receiver for delivery tests: an HTTP server on 127.0.0.1 (ephemeral port) in
a thread, answering each request as a plan says (200, a status, or a dropped connection) and
keeping the bodies it acknowledged."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

#: What to do with request number n (from 0): an HTTP status, "drop" the connection before
#: processing, or "ack-lost": process it, then drop the connection before answering.
Plan = Callable[[int], int | str]


class Receiver:
    """What the server got: acknowledged bodies, every request's headers, the request count."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.bodies: list[Any] = []
        self.headers: list[dict[str, str]] = []
        self.requests = 0
        self.lock = threading.Lock()
        self.url = ""

    def events(self) -> list[dict[str, Any]]:
        """Every acknowledged event, in arrival order (bulk arrays flattened)."""
        found: list[dict[str, Any]] = []
        for body in self.bodies:
            found += body if isinstance(body, list) else [body]
        return found


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                number = receiver.requests
                receiver.requests += 1
                receiver.headers.append(dict(self.headers))
            action = receiver.plan(number)
            if action == "ack-lost":  # processed, but the answer never arrives
                with receiver.lock:
                    receiver.bodies.append(orjson.loads(body))
                action = "drop"
            if action == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if action == 200:
                with receiver.lock:
                    receiver.bodies.append(orjson.loads(body))
            self.send_response(int(action))
            if action in (301, 302):
                self.send_header("Location", "/elsewhere")
            answer = b"" if action == 200 else b"not today"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


@contextmanager
def receiving(plan: Plan = lambda n: 200) -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 until the block ends."""
    receiver = Receiver(plan)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
