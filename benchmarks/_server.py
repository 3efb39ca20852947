"""A loopback HTTP server of pre-rendered pages, run in its own process so the client's CPU time
is the client's alone. Usage: ``python -m benchmarks._server CARRIER COUNT [LATENCY [SHAPE [PAGE_SIZE]]]``
prints the port (SHAPE: a record-shape variant of :mod:`benchmarks._pages`; PAGE_SIZE, after it:
DIDWW pages of that many DIDs instead of 1000).

Any request for the listing path answers the page its page parameter names (``page`` for Wavix,
``page[number]`` for DIDWW), whatever other parameters a client adds; ``latency`` (seconds)
delays every answer.
"""

from __future__ import annotations

import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def serve(carrier: str, count: int, latency: float = 0.0, shape: str = "clean", page_size: int = 0) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    base = f"http://127.0.0.1:{port}"
    from benchmarks._pages import didww_pages, wavix_pages

    if carrier == "wavix":
        pages, path, param, ctype = wavix_pages(count, shape), "/v1/numbers", "page", "application/json"
    else:
        pages = didww_pages(count, base + "/v3", shape, page_size or None)
        path, param, ctype = "/v3/dids", "page[number]", "application/vnd.api+json"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != path:
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            query = parse_qs(url.query)
            page = int((query.get(param) or ["1"])[0])
            body = pages.get(page) or pages[max(pages)]
            if latency:
                time.sleep(latency)
            self.send_response(200)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(
        sys.argv[1],
        int(sys.argv[2]),
        float(sys.argv[3]) if len(sys.argv) > 3 else 0.0,
        sys.argv[4] if len(sys.argv) > 4 else "clean",
        int(sys.argv[5]) if len(sys.argv) > 5 else 0,
    )
