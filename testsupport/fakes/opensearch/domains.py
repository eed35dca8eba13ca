"""Domains: seeding, DescribeDomain, ListPackagesForDomain, and when a domain is Processing."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from testsupport.fakes._http import ACCOUNT_ID, REGION
from testsupport.fakes.opensearch.model import (
    ASSOCIATION_STATUSES,
    DEPLOYMENT_STRATEGIES,
    STOPPED_CHANGE_STATUSES,
    Association,
    Change,
    Domain,
    Package,
    StoppedChange,
)
from testsupport.fakes.opensearch.paging import page
from testsupport.fakes.opensearch.store import OpenSearchStore

__all__ = ["DomainsMixin"]


class DomainsMixin(OpenSearchStore):
    """Domains and what they report about their associations."""

    # ----------------------------------------------------------------------------------- seeding

    def add_domain(
        self,
        name: str,
        processing_seconds: float = 0.0,
        engine_version: str = "OpenSearch_2.17",
        *,
        settle_seconds: float | None = None,
    ) -> None:
        """Create a domain, Processing (DomainProcessingStatus Creating) for
        `processing_seconds`, then settling for `settle_seconds` (default: the fake's)."""
        with self._lock:
            now = self._clock()
            self._domains[name] = Domain(
                name=name,
                processing_until=now + processing_seconds,
                created_epoch=self._epoch(now),
                engine_version=engine_version,
            )
            if processing_seconds > 0:
                self._domain_change(
                    self._domains[name], now + processing_seconds, "Creating", settle_seconds
                )

    def set_domain_processing(
        self,
        name: str,
        seconds: float,
        *,
        status: str = "Modifying",
        settle_seconds: float | None = None,
    ) -> None:
        """Start a domain change (e.g. a config update) lasting `seconds` from now, reported as
        DomainProcessingStatus `status`, then settling for `settle_seconds` (default: the
        fake's): Processing false, the status unchanged, package changes refused."""
        with self._lock:
            domain = self._domain_or_key_error(name)
            now = self._clock()
            self._domain_change(domain, now + seconds, status, settle_seconds)

    def refuse_changes(self, name: str, times: int) -> None:
        """The domain reports Active, yet refuses the next `times` package changes as "in
        progress" (field: aws-samples/opensearch-intelligent-search-jp PR #3, associating right
        after the domain turned active failed in some Regions)."""
        with self._lock:
            self._domain_or_key_error(name).refusals = times

    def stop_next_change(
        self, name: str, config_status: str, failures: tuple[tuple[str, str], ...] = ()
    ) -> None:
        """The domain's next configuration change stops after its Validation stage at
        `config_status` (model: ConfigChangeStatus ValidationFailed, Cancelled or
        PendingUserInput) with `failures` as ValidationFailures (Code, Message). A plugin
        association in it ends ASSOCIATION_FAILED with the first failure (or never ends, for
        PendingUserInput); a domain change stays Processing while it waits for the user."""
        if config_status not in STOPPED_CHANGE_STATUSES:
            raise ValueError(f"config_status must be one of {STOPPED_CHANGE_STATUSES}")
        with self._lock:
            domain = self._domain_or_key_error(name)
            domain.stop_next = StoppedChange(config_status, tuple(failures))

    def set_deployment_strategy(
        self, name: str, strategy: str | None, *, slowdown: float = 1.0
    ) -> None:
        """What DescribeDomain reports as DeploymentStrategyOptions.DeploymentStrategy (model:
        Default or CapacityOptimized; None leaves the member out again), and how many times
        longer the domain's blue/green deployments (plugin changes, upgrade_domain) then take.

        Unless this is called the fake leaves DeploymentStrategyOptions out, as for a domain
        created before March 2026, when AWS added capacity-optimized blue/green deployments
        (what's-new, "capacity optimized blue/green deployments"; REFERENCE.md): whether the
        service fills it in for older domains is undocumented, and a reader must cope with it
        missing. A capacity-optimized deployment proceeds in batches and is "slower by design";
        by how much is undocumented, so a test says (`slowdown`); the fake guesses nothing.
        """
        if strategy is not None and strategy not in DEPLOYMENT_STRATEGIES:
            raise ValueError(f"strategy must be None or one of {DEPLOYMENT_STRATEGIES}")
        if not slowdown > 0:
            raise ValueError(f"slowdown must be more than 0, not {slowdown}")
        with self._lock:
            domain = self._domain_or_key_error(name)
            domain.deployment_strategy = strategy
            domain.blue_green_slowdown = slowdown

    def epoch_now(self) -> float:
        """The fake's time now as the epoch seconds its timestamps carry (StartTime,
        LastUpdated): the wall clock of a reader that runs on the fake's clock."""
        return self._epoch(self._clock())

    def delete_domain(self, name: str) -> None:
        """Remove a domain and its associations; later calls naming it get ResourceNotFound."""
        with self._lock:
            self._domains.pop(name, None)

    def preassociate(
        self,
        domain: str,
        package_id: str,
        status: str = "ACTIVE",
        *,
        prerequisites: list[str] | None = None,
        configuration: dict[str, Any] | None = None,
        version: str | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        """Put an association in place directly, bypassing every rule (adopt-existing scenarios).

        A pending status (ASSOCIATING / DISSOCIATING) completes after the usual duration; a failed
        status gets `error` (ErrorType, ErrorMessage) or a generic one.
        """
        if status not in ASSOCIATION_STATUSES:
            raise ValueError(f"unknown association status {status!r}")
        with self._lock:
            target = self._domain_or_key_error(domain)
            package = self._package_or_key_error(package_id)
            now = self._clock()
            association = Association(
                package_id=package_id,
                status=status,
                version=version or package.version,
                target_version=package.version,
                prerequisites=list(prerequisites or []),
                configuration=copy.deepcopy(configuration),
                last_updated=now,
            )
            if status == "ASSOCIATING":
                association.pending = "associate"
                association.pending_until = now + self._association_seconds(package, target)
            elif status == "DISSOCIATING":
                association.pending = "dissociate"
                association.pending_until = now + self._dissociation_seconds(package, target)
            elif status in ("ASSOCIATION_FAILED", "DISSOCIATION_FAILED"):
                association.error = error or ("PreassociatedFailure", "seeded failure")
            target.associations[package_id] = association
            if association.pending is not None and self._makes_processing(package.package_type):
                self._record_change(target, now, association.pending_until)

    # ---------------------------------------------------------------------------- observability

    def associations(self, domain: str) -> list[dict[str, Any]]:
        """The domain's DomainPackageDetails as ListPackagesForDomain would return them now."""
        with self._lock:
            self._advance()
            target = self._domain_or_key_error(domain)
            return [self._details(target, a) for a in target.associations.values()]

    def association_status(self, domain: str, package_id: str) -> str | None:
        """DomainPackageStatus of one association now, or None when there is none."""
        with self._lock:
            self._advance()
            found = self._domain_or_key_error(domain).associations.get(package_id)
            return None if found is None else found.status

    def domain_processing(self, name: str) -> bool:
        with self._lock:
            now = self._advance()
            return self._processing(self._domain_or_key_error(name), now)

    # ------------------------------------------------------------------------------ operations

    def _op_ListPackagesForDomain(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self._advance()
        domain = self._require_domain(params.get("DomainName"))
        entries = [self._details(domain, a) for a in domain.associations.values()]
        # Reference: a page may hold fewer entries than MaxResults asks (`page_size` forces it).
        return page(
            entries,
            "DomainPackageDetailsList",
            params,
            f"list:{domain.name}",
            page_size=self.page_size,
        )

    def _op_DescribeDomain(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        domain = self._require_domain(params.get("DomainName"))
        processing = self._processing(domain, now)
        name = domain.name
        # Model: DomainStatus. Only DomainName, ARN, DomainId, Created, Deleted, Processing,
        # UpgradeProcessing, EngineVersion, DomainProcessingStatus and DeploymentStrategyOptions
        # mean anything here; the sizes are placeholders.
        status: dict[str, Any] = {
            "DomainId": f"{ACCOUNT_ID}/{name}",
            "DomainName": name,
            "ARN": f"arn:aws:es:{REGION}:{ACCOUNT_ID}:domain/{name}",
            "Created": True,
            "Deleted": False,
            "Endpoint": f"search-{name}-fake0000000000000000000000.{REGION}.es.amazonaws.com",
            "Processing": processing,
            "UpgradeProcessing": False,
            "EngineVersion": domain.engine_version,
            "ClusterConfig": {
                "InstanceType": "r6g.large.search",
                "InstanceCount": 1,
                "DedicatedMasterEnabled": False,
                "ZoneAwarenessEnabled": False,
                "WarmEnabled": False,
                "MultiAZWithStandbyEnabled": False,
            },
            "EBSOptions": {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 10},
            # Model: DomainProcessingStatusType. Field: it goes on naming the change while
            # Processing is already false (terraform-provider-aws PR #47316, #33929).
            "DomainProcessingStatus": (
                domain.changing_status if processing or now < domain.settling_until else "Active"
            ),
        }
        if domain.deployment_strategy is not None:
            # Model: DeploymentStrategyOptions {DeploymentStrategy: Default | CapacityOptimized}.
            # Fake: left out unless seeded (set_deployment_strategy says why).
            status["DeploymentStrategyOptions"] = {"DeploymentStrategy": domain.deployment_strategy}
        return {"DomainStatus": status}

    # ------------------------------------------------------------------------------ the rules

    def _processing(self, domain: Domain, now: float) -> bool:
        """Processing during a domain change, and (reference: plugins are installed and removed
        by a blue/green deployment) while a ZIP-PLUGIN association or dissociation is pending."""
        if now < domain.processing_until:
            return True
        for association in domain.associations.values():
            package = self._packages.get(association.package_id)
            if (
                association.pending is not None
                and package is not None
                and self._makes_processing(package.package_type)
            ):
                return True
        return False

    def _refusal(self, domain: Domain, now: float) -> str | None:
        """Why the domain refuses a package change now, or None. Reference: one package change
        per domain at a time, none while it is Processing; field: none while it settles either,
        and some right after it turned Active."""
        busy = [a.package_id for a in domain.associations.values() if a.pending is not None]
        if busy:
            return f"package(s) {', '.join(busy)}"
        if self._processing(domain, now) or now < domain.settling_until:
            return "a domain configuration change"
        if domain.refusals > 0:
            domain.refusals -= 1
            return "a domain configuration change settling"
        return None

    def _domain_change(
        self, domain: Domain, end: float, status: str, settle_seconds: float | None
    ) -> None:
        """A domain change from now to `end` (Processing), then the settling window."""
        now = self._clock()
        change = self._record_change(domain, now, end, status=status, settle_seconds=settle_seconds)
        domain.processing_until = change.end
        if change.stopped is not None and change.stopped.config_status == "PendingUserInput":
            domain.processing_until = float("inf")

    def _makes_processing(self, package_type: str) -> bool:
        """Reference: a pending change of this package type is a blue/green deployment."""
        return self.plugin_changes_process_domain and package_type == "ZIP-PLUGIN"

    def _record_change(
        self,
        domain: Domain,
        start: float,
        end: float,
        *,
        failed: bool = False,
        stalls_at: float | None = None,
        status: str = "Modifying",
        settle_seconds: float | None = None,
    ) -> Change:
        """Record a configuration change that keeps the domain Processing from `start` to `end`,
        for DescribeDomainChangeProgress (see `progress`), then settling (see `settle_seconds`).
        A change `stop_next_change` scripted ends after its Validation stage (the first of the
        eight stages progress.py lists: the fake's choice of when).

        Model: ChangeId is a GUID. Fake: a name-based UUID of the domain and a counter, so runs
        are repeatable.
        """
        number = next(self._change_ids)
        change_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-opensearch/{domain.name}/{number}"))
        stopped, domain.stop_next = domain.stop_next, None
        if stopped is not None:
            end = start + (end - start) / 8
        change = Change(change_id, start, end, failed, stalls_at, stopped)
        domain.changes.append(change)
        domain.changing_status = status
        settle = self.settle_seconds if settle_seconds is None else settle_seconds
        domain.settling_until = max(domain.settling_until, end + settle)
        return change

    def _association_seconds(self, package: Package | None, domain: Domain) -> float:
        """The package's own association time, else the fake's default (also for a gone one),
        times the domain's blue/green slowdown for a change that is a blue/green.

        Reference: plugins take tens of minutes (blue/green), dictionaries a few.
        """
        seconds = self.association_seconds
        if package is not None and package.association_seconds is not None:
            seconds = package.association_seconds
        return seconds * self._slowdown(package, domain)

    def _dissociation_seconds(self, package: Package | None, domain: Domain) -> float:
        """The package's own dissociation time, else the fake's default (also for a gone one),
        times the domain's blue/green slowdown for a change that is a blue/green."""
        seconds = self.dissociation_seconds
        if package is not None and package.dissociation_seconds is not None:
            seconds = package.dissociation_seconds
        return seconds * self._slowdown(package, domain)

    def _slowdown(self, package: Package | None, domain: Domain) -> float:
        """The domain's blue/green slowdown (`set_deployment_strategy`) for a pending change of
        `package` that makes a blue/green deployment, else 1."""
        if package is not None and self._makes_processing(package.package_type):
            return domain.blue_green_slowdown
        return 1.0
