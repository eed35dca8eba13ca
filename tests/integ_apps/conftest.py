"""Fixtures for the search function's tests: the signature-checking domain on 127.0.0.1 and a
Lambda-like environment (credentials, Region, ``DOMAIN_ENDPOINT``) pointing at it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integ_apps.signed_domain import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    TOKEN,
    FakeDomain,
    expected_signature,
)


@pytest.fixture
def domain() -> Iterator[tuple[FakeDomain, str]]:
    fake = FakeDomain()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.seen.append((self.command, self.path, headers))
            signature = headers["authorization"].rsplit("Signature=", 1)[1]
            answer: object
            if signature != expected_signature(self.command, self.path, headers, body):
                status, answer = 403, {"message": "signature does not match"}
            else:
                status, answer = fake.answer(self.command, self.path, body)
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_PUT = do_POST = _handle  # noqa: N815 (BaseHTTPRequestHandler's names)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, domain: tuple[FakeDomain, str]) -> FakeDomain:
    fake, endpoint = domain
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("DOMAIN_ENDPOINT", endpoint)
    return fake
