"""Shared plumbing for the fake AWS endpoints: a threaded HTTP(S) server and SigV4 checks.

Each fake is a real socket server on 127.0.0.1 so that unmodified boto3 and crhelper code talks to
it exactly as it talks to AWS: serialisation, signing, retries and TLS all run for real.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import ssl
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "FakeServer",
    "Request",
    "Response",
    "SigV4Scope",
    "json_response",
    "parse_sigv4",
]

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"

_log = logging.getLogger(__name__)

#: How long a connection may sit idle before its handler thread gives up; keeps stop() bounded
#: even when a client connects and never sends a byte.
_SOCKET_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Request:
    """One HTTP request as the fake's application code sees it (body fully read)."""

    method: str
    path: str
    """The raw, still percent-encoded path, without the query string."""
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    """Header names lower-cased (HTTP header names are case-insensitive)."""
    body: bytes


@dataclass
class Response:
    """What the application answers; `None` instead of a Response means "drop the connection"."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, document: Any, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response with the content type AWS rest-json services use."""
    merged = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())}
    merged.update(headers or {})
    return Response(status, json.dumps(document).encode(), merged)


App = Callable[[Request], Response | None]


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that joins its request threads on close and can wrap TLS lazily."""

    # Non-daemon request threads, joined by server_close(): stop() returns only when every
    # in-flight request is finished, so tests never leak threads into the next test.
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, app: App, ssl_context: ssl.SSLContext | None) -> None:
        self.app = app
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        if self.ssl_context is None:
            return sock, address
        # The handshake is deferred to the first read, which happens in the request thread: a
        # client that never completes it cannot stall the accept loop.
        wrapped = self.ssl_context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        return wrapped, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that drop TLS handshakes or connections are expected in fault tests; keep the
        # test output clean but leave a trace for debugging.
        _log.debug("connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so request threads end as soon as they have answered
    # and server_close() never waits on an idle keep-alive connection.
    protocol_version = "HTTP/1.0"
    timeout = _SOCKET_TIMEOUT_SECONDS
    server_version = "FakeAWS/1.0"
    sys_version = ""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("%s " + format, self.address_string(), *args)

    def _dispatch(self) -> None:
        server = self.server
        assert isinstance(server, _HTTPServer)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        try:
            response = server.app(request)
        except Exception:
            _log.exception("fake endpoint crashed on %s %s", self.command, self.path)
            response = json_response(500, {"message": "fake endpoint crashed"})
        if response is None:
            # Fault injection: vanish without a status line, as a dropped connection would.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)


_S = TypeVar("_S", bound="FakeServer")


class FakeServer:
    """Base class: owns one listening socket and its serving thread; subclasses implement `handle`.

    Bound to 127.0.0.1 on an ephemeral port; usable as a context manager; `stop()` is idempotent
    and returns only after every request thread has finished.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl_context = ssl_context
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handle(self, request: Request) -> Response | None:
        """Answer one request (called on the request's own thread)."""
        raise NotImplementedError

    def start(self: _S) -> _S:
        """Bind and serve in a background thread; returns self so `Fake().start()` chains."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(self.handle, self._ssl_context)
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-{httpd.server_address[1]}",
            daemon=True,
        )
        self._httpd = httpd
        self._thread = thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, wait for in-flight requests, close the socket. Safe to call twice."""
        httpd, thread = self._httpd, self._thread
        self._httpd = None
        self._thread = None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._httpd.server_address[1])

    @property
    def endpoint_url(self) -> str:
        """Base URL for boto3's `endpoint_url` / `AWS_ENDPOINT_URL_<SERVICE>`."""
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self: _S) -> _S:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class SigV4Scope:
    """The parts of a SigV4 credential scope the fakes check."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]


_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 "
    r"Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,\s*"
    r"SignedHeaders=(?P<signed>[a-z0-9;\-]+),\s*"
    r"Signature=(?P<sig>[0-9a-f]{64})$"
)


def parse_sigv4(headers: Mapping[str, str]) -> SigV4Scope | None:
    """The credential scope of a SigV4-signed request, or None when it is not signed that way.

    The signature itself is not verified (the fakes do not know the secret); what matters is that
    the client signs for the right service and region, as the real endpoint would demand.
    """
    match = _AUTH_RE.match(headers.get("authorization", ""))
    if match is None or "x-amz-date" not in headers:
        return None
    signed = tuple(match["signed"].split(";"))
    if "host" not in signed:
        return None
    return SigV4Scope(match["key"], match["date"], match["region"], match["service"], signed)
