"""The integration test's search function (integ/search_function) against a local HTTP server on
127.0.0.1 that checks every request's SigV4 signature, recomputed here from the AWS signing
specification (not with botocore), for the service ``es``: so that a real run is not its first."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.credentials import Credentials

from integ.search_function import index

REGION = "eu-west-3"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session-token-example"


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def expected_signature(method: str, raw_path: str, headers: dict[str, str], body: bytes) -> str:
    """SigV4 as specified: canonical request, string to sign, derived key, signature."""
    authorization = headers["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 ")
    parts = dict(
        p.strip().split("=", 1) for p in authorization[len("AWS4-HMAC-SHA256 ") :].split(",")
    )
    signed_headers = parts["SignedHeaders"].split(";")
    path, _, query = raw_path.partition("?")
    canonical_query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
        for k, v in sorted(urllib.parse.parse_qsl(query, keep_blank_values=True))
    )
    canonical_headers = "".join(f"{h}:{' '.join(headers[h].split())}\n" for h in signed_headers)
    canonical_request = "\n".join(
        [
            method,
            urllib.parse.quote(path, safe="/~"),
            canonical_query,
            canonical_headers,
            ";".join(signed_headers),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    amz_date = headers["x-amz-date"]
    scope = f"{amz_date[:8]}/{REGION}/es/aws4_request"
    assert parts["Credential"] == f"{ACCESS_KEY}/{scope}"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _sign(("AWS4" + SECRET_KEY).encode(), amz_date[:8])
    for item in (REGION, "es", "aws4_request"):
        key = _sign(key, item)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass
class FakeDomain:
    """Answers like an OpenSearch domain, after checking each request's signature."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    index_exists: bool = False
    synonyms: dict[str, set[str]] = field(default_factory=dict)
    refreshes: int = 0
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def answer(self, method: str, raw_path: str, body: bytes) -> tuple[int, object]:
        path = raw_path.partition("?")[0]
        if method == "PUT" and path == "/idx":
            if self.index_exists:
                return 400, {"error": {"type": "resource_already_exists_exception"}}
            self.index_exists = True
            return 200, {"acknowledged": True}
        if method == "PUT" and path.startswith("/idx/_doc/"):
            self.documents[path.rsplit("/", 1)[1]] = json.loads(body)
            return 201, {"result": "created"}
        if method == "POST" and path == "/idx/_search":
            query = json.loads(body)["query"]["match"]["text"]
            terms = {query} | self.synonyms.get(query, set())
            hits = [{"_id": i} for i, d in self.documents.items() if terms & set(d["text"].split())]
            return 200, {"hits": {"hits": hits}}
        if method == "POST" and path == "/_plugins/_refresh_search_analyzers/idx":
            self.refreshes += 1
            return 200, {"_shards": {}}
        if method == "GET" and path == "/_cat/plugins":
            return 200, [{"name": "node", "component": "analysis-icu", "version": "2.19.0"}]
        return 404, {"error": f"no route {method} {path}"}


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


DOCUMENTS = {"couch": {"text": "a comfortable couch"}, "tv": {"text": "a big tv"}}


def test_every_request_is_signed_for_es_in_the_region(environment: FakeDomain) -> None:
    assert index.handler(
        {"action": "setup", "index": "idx", "body": {}, "documents": DOCUMENTS}
    ) == {
        "index": "idx",
        "documents": 2,
    }
    assert len(environment.seen) == 3
    for _, _, headers in environment.seen:
        signed = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
        assert {"host", "x-amz-date", "x-amz-security-token"} <= set(signed)
        assert f"/{REGION}/es/aws4_request" in headers["authorization"]
        assert headers["x-amz-security-token"] == TOKEN
    # The documents' query string (refresh=true) is part of what is signed.
    assert environment.seen[1][1] == "/idx/_doc/couch?refresh=true"


def test_setup_keeps_an_existing_index(environment: FakeDomain) -> None:
    event = {"action": "setup", "index": "idx", "body": {}, "documents": DOCUMENTS}
    index.handler(event)
    assert index.handler(event) == {"index": "idx", "documents": 2}


def test_search_finds_a_document_by_its_synonym(environment: FakeDomain) -> None:
    index.handler({"action": "setup", "index": "idx", "body": {}, "documents": DOCUMENTS})
    environment.synonyms["sofa"] = {"couch"}
    event = {"action": "search", "index": "idx", "field": "text", "query": "sofa"}
    assert index.handler(event) == {"ids": ["couch"]}
    assert index.handler({**event, "query": "television"}) == {"ids": []}


def test_search_waits_for_a_new_synonym_and_refreshes_the_analyzers(
    environment: FakeDomain,
) -> None:
    index.handler({"action": "setup", "index": "idx", "body": {}, "documents": DOCUMENTS})
    client = index.client_from_environment()
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] >= 10:  # the new dictionary version arrives after a while
            environment.synonyms["television"] = {"tv"}

    found = index.search(
        client,
        "idx",
        "text",
        "television",
        wait_for="tv",
        wait_seconds=90,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert found == {"ids": ["tv"]}
    assert environment.refreshes == 2
    missing = index.search(
        client,
        "idx",
        "text",
        "radio",
        wait_for="tv",
        wait_seconds=20,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert missing == {"ids": []}


def test_plugins_and_errors(environment: FakeDomain) -> None:
    assert index.handler({"action": "plugins", "component": "analysis-icu"}) == {
        "component": "analysis-icu",
        "installed": True,
    }
    with pytest.raises(index.DomainError, match="HTTP 404"):
        index.handler({"action": "search", "index": "other", "field": "text", "query": "x"})
    with pytest.raises(index.DomainError, match="unknown action"):
        index.handler({"action": "drop"})


def test_a_wrong_secret_is_refused_by_the_checking_server(
    domain: tuple[FakeDomain, str], environment: FakeDomain
) -> None:
    """The server's check is real: a request signed with another secret gets 403."""
    client = index.SignedClient(domain[1], REGION, Credentials(ACCESS_KEY, "wrong", TOKEN))
    status, _ = client.request("GET", "/_cat/plugins", query={"format": "json"})
    assert status == 403
