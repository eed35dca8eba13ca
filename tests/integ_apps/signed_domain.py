"""A local stand-in for the integration test's domain: an HTTP server on 127.0.0.1 (fixtures in
conftest.py) that checks every request's SigV4 signature, recomputed here from the AWS signing
specification (not with botocore), for the service ``es``, and answers like OpenSearch."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

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
    """Answers like an OpenSearch domain, after checking each request's signature: indices,
    documents, ``match`` searches whose terms are expanded by ``synonyms`` (the dictionary the
    search analyzer currently has), the analyzer refresh and ``_cat/plugins``."""

    indices: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    synonyms: dict[str, set[str]] = field(default_factory=dict)
    refreshes: int = 0
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def answer(self, method: str, raw_path: str, body: bytes) -> tuple[int, object]:
        path = urllib.parse.unquote(raw_path.partition("?")[0])
        parts = path.strip("/").split("/")
        if method == "PUT" and len(parts) == 1:
            if parts[0] in self.indices:
                return 400, {"error": {"type": "resource_already_exists_exception"}}
            self.indices[parts[0]] = json.loads(body)
            return 200, {"acknowledged": True}
        if parts[0] in self.indices and method == "PUT" and parts[1:2] == ["_doc"]:
            self.documents[parts[2]] = json.loads(body)
            return 201, {"result": "created"}
        if parts[0] in self.indices and method == "POST" and parts[1:] == ["_search"]:
            query = json.loads(body)["query"]["match"]["text"].lower()
            terms = {query} | self.synonyms.get(query, set())
            hits = [{"_id": i} for i, d in self.documents.items() if terms & set(d["text"].split())]
            return 200, {"hits": {"hits": hits}}
        if method == "POST" and parts[:2] == ["_plugins", "_refresh_search_analyzers"]:
            self.refreshes += 1
            return 200, {"_shards": {}}
        if method == "GET" and path == "/_cat/plugins":
            return 200, [{"name": "node", "component": "analysis-icu", "version": "2.19.0"}]
        return 404, {"error": f"no route {method} {path}"}
