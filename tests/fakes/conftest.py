"""Fixtures of the fakes' own tests: a FakeOpenSearch and a FakeCloudFormation on a SimClock, a
client for the first, packages.

The fakes' shared fixtures (fake_opensearch, fake_lambda, fake_cloudformation, aws_env) come from
`testsupport.fakes.fixtures`, which the top-level tests/conftest.py loads as a plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mypy_boto3_opensearch import OpenSearchServiceClient

from testsupport.fakes.clock import SimClock
from testsupport.fakes.cloudformation import FakeCloudFormation
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.support import BUCKET, DOMAIN, opensearch_client


@pytest.fixture
def clock() -> SimClock:
    return SimClock(1_000.0)


@pytest.fixture
def manual_opensearch(clock: SimClock) -> Iterator[FakeOpenSearch]:
    """A fake whose time moves only when the test says, so lifecycles need no sleeping."""
    with FakeOpenSearch(association_seconds=60, dissociation_seconds=30, clock=clock) as fake:
        fake.add_domain(DOMAIN)
        yield fake


@pytest.fixture
def sim_cloudformation(clock: SimClock) -> Iterator[FakeCloudFormation]:
    """A FakeCloudFormation whose wait conditions and timestamps run on the test's SimClock."""
    with FakeCloudFormation(clock=clock) as fake:
        yield fake


@pytest.fixture
def client(manual_opensearch: FakeOpenSearch) -> OpenSearchServiceClient:
    return opensearch_client(manual_opensearch)


@pytest.fixture
def packages_fake(manual_opensearch: FakeOpenSearch) -> FakeOpenSearch:
    """The manual-clock fake, packages taking 10 s to copy and validate (or to delete)."""
    manual_opensearch.package_processing_seconds = 10
    manual_opensearch.put_object(BUCKET, "synonyms-v1.txt", b"laptop, notebook\n")
    manual_opensearch.put_object(BUCKET, "synonyms-v2.txt", b"laptop, notebook, ultrabook\n")
    return manual_opensearch
