"""One refresh of the watch: the three read-only calls, and what their answers add up to.

``read_state`` makes the calls (ListPackagesForDomain, every page; DescribeDomain;
DescribeDomainChangeProgress) and reads the answers with ``reading``'s rules; ``DomainState``
says whether the deploy has settled, failed or stopped, taking the stack's WaitConditions into
account when ``--stack`` adds them (``stack``). boto3 is only a type here: the client comes from
the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opensearch_packages_watch.reading import (
    ChangeState,
    DomainStatus,
    change_from_api,
    domain_from_api,
    stopped_change,
)
from opensearch_packages_watch.stack import StackState, WaitConditionState

if TYPE_CHECKING:
    from mypy_boto3_opensearch import OpenSearchServiceClient

__all__ = [
    "FAILED_STATUSES",
    "PENDING_STATUSES",
    "DomainState",
    "PackageState",
    "read_state",
]

PENDING_STATUSES = ("ASSOCIATING", "DISSOCIATING")
FAILED_STATUSES = ("ASSOCIATION_FAILED", "DISSOCIATION_FAILED")
#: The package type whose association or dissociation is a blue/green deployment.
PLUGIN_TYPE = "ZIP-PLUGIN"


@dataclass(frozen=True)
class PackageState:
    """One DomainPackageDetails entry of ListPackagesForDomain."""

    package_id: str
    name: str
    package_type: str
    status: str
    version: str
    error: str | None = None
    """"ErrorType: ErrorMessage" of a failed association or dissociation."""


@dataclass(frozen=True)
class DomainState:
    """Everything one refresh shows."""

    domain: str
    status: DomainStatus
    packages: tuple[PackageState, ...]
    change: ChangeState | None
    read_at: float | None = None
    """When the domain was read, in epoch seconds; with the change's StartTime, how long it has
    run. None: no durations are shown."""
    stack: StackState | None = None
    """The stack's WaitConditions, with ``--stack``."""

    @property
    def failed(self) -> tuple[PackageState, ...]:
        return tuple(p for p in self.packages if p.status in FAILED_STATUSES)

    @property
    def stack_failed(self) -> tuple[WaitConditionState, ...]:
        """The stack's WaitConditions that failed or timed out (with ``--stack``)."""
        return () if self.stack is None else self.stack.failed

    @property
    def plugin_in_flight(self) -> bool:
        """A plugin is being installed or removed: the domain runs a blue/green deployment."""
        return any(
            p.package_type == PLUGIN_TYPE and p.status in PENDING_STATUSES for p in self.packages
        )

    @property
    def settled(self) -> bool:
        """The domain takes a package change again (not processing, Active), no package is
        ASSOCIATING or DISSOCIATING, and (with ``--stack``) the stack waits on no WaitCondition:
        the handler signals it a poll after the packages are done, and the deploy goes on only
        then."""
        return (
            self.status.ready
            and not any(p.status in PENDING_STATUSES for p in self.packages)
            and (self.stack is None or not self.stack.waiting)
        )

    @property
    def stopped(self) -> bool:
        """No wait will end this deploy: the domain, or its change, has stopped."""
        return self.status.unusable or stopped_change(
            self.change, plugin_in_flight=self.plugin_in_flight, domain_ready=self.status.ready
        )


def read_state(
    client: OpenSearchServiceClient, domain: str, *, wall: Callable[[], float] = time.time
) -> DomainState:
    """One refresh: the domain's packages (every page), its status, and its latest change.

    :param wall: Epoch seconds now, for how long the change has run (its StartTime is epoch
        time, unlike the watch's own monotonic clock).
    """
    packages: list[PackageState] = []
    token: str | None = None
    while True:
        # ListPackagesForDomain has no paginator in botocore: follow NextToken by hand.
        page = (
            client.list_packages_for_domain(DomainName=domain, NextToken=token)
            if token
            else client.list_packages_for_domain(DomainName=domain)
        )
        packages.extend(_package_state(entry) for entry in page.get("DomainPackageDetailsList", []))
        token = page.get("NextToken")
        if not token:
            break
    status = client.describe_domain(DomainName=domain)["DomainStatus"]
    progress = client.describe_domain_change_progress(DomainName=domain)
    return DomainState(
        domain=domain,
        status=domain_from_api(dict(status)),
        packages=tuple(packages),
        change=change_from_api(dict(progress.get("ChangeProgressStatus", {}))),
        read_at=wall(),
    )


def _package_state(entry: Any) -> PackageState:
    error = entry.get("ErrorDetails")
    return PackageState(
        package_id=str(entry.get("PackageID", "?")),
        name=str(entry.get("PackageName", "")),
        package_type=str(entry.get("PackageType", "")),
        status=str(entry.get("DomainPackageStatus", "?")),
        version=str(entry.get("PackageVersion", "")),
        error=(
            f"{error.get('ErrorType', 'Error')}: {error.get('ErrorMessage', '')}".rstrip(": ")
            if error
            else None
        ),
    )
