"""Serve an emulator over HTTP on a loopback address (threaded, for the carriers' own SDKs and
for benchmarks)."""

from __future__ import annotations

import functools
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from ._emulator import Dispatch
from ._messages import EmulatorRequest, EmulatorResponse

if TYPE_CHECKING:
    from ._emulator import Emulator


def _handler_for(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the emulator keeps its own request log."""

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(str(self.path))
            request = EmulatorRequest(
                method=self.command,
                path=url.path,
                query=parse_qs(url.query, keep_blank_values=True),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            try:
                dispatch = emulator.dispatch(request)
            except Exception as exc:  # an emulator bug: answer it, rather than leave the client hanging
                error = {"error": f"emulator error: {type(exc).__name__}: {exc}"}
                dispatch = Dispatch(EmulatorResponse.json(error, 500))
            if dispatch.latency:
                time.sleep(dispatch.latency)
            if dispatch.drop or dispatch.response is None:
                self.close_connection = True
                return
            answer = dispatch.response
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


class ServedEmulator:
    """A running loopback server; a context manager. ``url`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self.server = ThreadingHTTPServer((host, port), _handler_for(emulator))
        self.server.daemon_threads = True
        self.host, self.port = str(host), int(self.server.server_address[1])
        # shutdown() waits for the serving loop's next poll: at the default 0.5 s, every close
        # (and every exit of `didkit sandbox serve`) took half a second
        serve = functools.partial(self.server.serve_forever, poll_interval=0.05)
        self._thread = threading.Thread(target=serve, name=f"sandbox-{emulator.name}")
        self._thread.daemon = True
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ServedEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
