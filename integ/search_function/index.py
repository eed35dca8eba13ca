"""SigV4-signed calls to the integration test's domain, made from inside the test stack.

The domain's access policy admits only this function's role, so the assertions
(`IntegTest.assertions.invoke_function`) reach the domain through it. No dependencies beyond the
Lambda runtime: botocore (shipped with the Python runtime) signs, urllib sends.

Events (each returns a small JSON object whose exact shape the assertions match):

- ``{"action": "setup", "index": I, "body": {...}, "documents": {ID: {...}}}``: create the index
  with ``body`` (an existing index is kept), put the documents and refresh.
  Returns ``{"index": I, "documents": N}``.
- ``{"action": "search", "index": I, "field": F, "query": Q, "waitFor": ID, "waitSeconds": S}``:
  a ``match`` query; with ``waitFor``, searches again (after refreshing the index's search
  analyzers) until the hit is there or ``waitSeconds`` have passed. Returns ``{"ids": [...]}``.
- ``{"action": "plugins", "component": C}``: whether ``GET /_cat/plugins`` lists ``C`` on the
  nodes. Returns ``{"component": C, "installed": bool}``.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.session import Session

#: The signing name of Amazon OpenSearch Service domains (and of its configuration API).
SERVICE = "es"
#: Each HTTP call's own limit; kept short so that a wait (integ_synonyms.WAIT_SECONDS) ends
#: inside the assertion provider's 120 s invocation.
REQUEST_TIMEOUT_SECONDS = 10
#: Between two searches that wait for a hit.
POLL_SECONDS = 5.0


class DomainError(RuntimeError):
    """The domain answered with an HTTP error that the action does not expect."""


class SignedClient:
    """JSON over HTTP(S) to one endpoint, each request signed with SigV4 for ``es``."""

    def __init__(self, endpoint: str, region: str, credentials: Credentials) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.region = region
        self.credentials = credentials

    def request(
        self, method: str, path: str, body: object = None, query: Mapping[str, str] | None = None
    ) -> tuple[int, Any]:
        url = self.endpoint + urllib.parse.quote(path)
        if query:
            url += "?" + urllib.parse.urlencode(sorted(query.items()))
        data = None if body is None else json.dumps(body).encode()
        headers = {} if data is None else {"Content-Type": "application/json"}
        signed = AWSRequest(method=method, url=url, data=data, headers=headers)
        SigV4Auth(self.credentials.get_frozen_credentials(), SERVICE, self.region).add_auth(signed)
        outgoing = urllib.request.Request(  # noqa: S310 (the endpoint is the stack's own domain)
            url, data=data, method=method, headers=dict(signed.headers.items())
        )
        try:
            with urllib.request.urlopen(outgoing, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read())


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")


def _check(status: int, body: Any, what: str) -> Any:
    if not 200 <= status < 300:
        raise DomainError(f"{what}: HTTP {status}: {json.dumps(body)[:500]}")
    return body


def setup(
    client: SignedClient, index: str, body: object, documents: Mapping[str, object]
) -> dict[str, Any]:
    status, answer = client.request("PUT", f"/{index}", body)
    already = (
        status == 400
        and isinstance(answer, dict)
        and answer.get("error", {}).get("type") == "resource_already_exists_exception"
    )
    if not already:
        _check(status, answer, f"create index {index}")
    for doc_id, document in sorted(documents.items()):
        _check(
            *client.request("PUT", f"/{index}/_doc/{doc_id}", document, {"refresh": "true"}),
            f"put document {doc_id}",
        )
    return {"index": index, "documents": len(documents)}


def search_ids(client: SignedClient, index: str, field: str, query: str) -> list[str]:
    body = {"query": {"match": {field: query}}, "size": 100}
    answer = _check(*client.request("POST", f"/{index}/_search", body), f"search {query!r}")
    return sorted(str(hit["_id"]) for hit in answer["hits"]["hits"])


def search(
    client: SignedClient,
    index: str,
    field: str,
    query: str,
    *,
    wait_for: str | None = None,
    wait_seconds: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    deadline = clock() + wait_seconds
    while True:
        ids = search_ids(client, index, field, query)
        if wait_for is None or wait_for in ids or clock() >= deadline:
            return {"ids": ids}
        # The service refreshes updateable search analyzers itself once a new dictionary version
        # is associated; asking again does no harm and shortens the wait.
        client.request("POST", f"/_plugins/_refresh_search_analyzers/{index}")
        sleep(POLL_SECONDS)


def plugin_installed(client: SignedClient, component: str) -> dict[str, Any]:
    rows = _check(*client.request("GET", "/_cat/plugins", query={"format": "json"}), "list plugins")
    return {"component": component, "installed": any(r.get("component") == component for r in rows)}


def client_from_environment() -> SignedClient:
    credentials = Session().get_credentials()
    if credentials is None:
        raise DomainError("no AWS credentials in the function's environment")
    return SignedClient(os.environ["DOMAIN_ENDPOINT"], os.environ["AWS_REGION"], credentials)


def handler(event: Mapping[str, Any], context: object = None) -> dict[str, Any]:
    client = client_from_environment()
    action = event.get("action")
    if action == "setup":
        return setup(client, event["index"], event["body"], event["documents"])
    if action == "search":
        return search(
            client,
            event["index"],
            event["field"],
            event["query"],
            wait_for=event.get("waitFor"),
            wait_seconds=float(event.get("waitSeconds", 0)),
        )
    if action == "plugins":
        return plugin_installed(client, event["component"])
    raise DomainError(f"unknown action {action!r}")
