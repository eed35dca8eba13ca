"""The integration test's search function (integ/search_function) against the local domain of
signed_domain.py, which checks every request's SigV4 signature: so that a real run is not its
first."""

from __future__ import annotations

import pytest
from botocore.credentials import Credentials

from integ.search_function import index
from tests.integ_apps.signed_domain import ACCESS_KEY, REGION, TOKEN, FakeDomain

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
