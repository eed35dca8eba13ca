"""What a DomainPackages resource declares and what the domain reports: plain data, no boto3."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..core.outcome import ErrorDetails


class AssociationStatus(str, Enum):
    """`DomainPackageStatus` values, as ListPackagesForDomain reports them."""

    ASSOCIATING = "ASSOCIATING"
    ASSOCIATION_FAILED = "ASSOCIATION_FAILED"
    ACTIVE = "ACTIVE"
    DISSOCIATING = "DISSOCIATING"
    DISSOCIATION_FAILED = "DISSOCIATION_FAILED"


IN_FLIGHT = frozenset({AssociationStatus.ASSOCIATING, AssociationStatus.DISSOCIATING})


@dataclass(frozen=True)
class DesiredPackage:
    """One package as the stack declares it."""

    package_id: str
    prerequisites: tuple[str, ...] = ()
    key_store_access_enabled: bool | None = None
    key_access_role_arn: str | None = None
    # Set for packages managed by a `Package` construct: the version the domain must run.
    package_version: str | None = None
    # A name the construct knows at synth time, for Data keys when the ID is only known later.
    alias: str | None = None
    #: A package declared by name (PackageName), resolved at run time against the domain's
    #: engine version: `package_id` is "" until then.
    package_name: str | None = None
    #: PackageOwner the name must have ("AWS" or an account ID); None: any owner.
    package_owner: str | None = None

    @property
    def key(self) -> str:
        """What identifies the entry across an Update: its ID, or its name for a named entry
        (whose ID may change with the engine version)."""
        return f"name:{self.package_name}" if self.package_name else self.package_id

    @property
    def unresolved(self) -> bool:
        return bool(self.package_name) and not self.package_id

    def options_differ(self, other: DesiredPackage) -> bool:
        """True when re-association is needed to apply `other`'s options (or version)."""
        return (
            sorted(self.prerequisites) != sorted(other.prerequisites)
            or self.key_store_access_enabled != other.key_store_access_enabled
            or self.key_access_role_arn != other.key_access_role_arn
            or self.package_version != other.package_version
        )


@dataclass(frozen=True)
class Association:
    """One entry of ListPackagesForDomain."""

    package_id: str
    status: AssociationStatus
    package_version: str = ""
    reference_path: str = ""
    prerequisites: tuple[str, ...] | None = None
    key_store_access_enabled: bool | None = None
    key_access_role_arn: str | None = None
    error: ErrorDetails | None = None
    package_type: str = ""
    #: PackageName as ListPackagesForDomain reports it ("" when not sent).
    package_name: str = ""

    def runs_other_version_than(self, desired: DesiredPackage) -> bool:
        """True when the stack asks for a specific version and the domain runs another."""
        return desired.package_version is not None and self.package_version != (
            desired.package_version
        )

    def reports_options_other_than(self, desired: DesiredPackage) -> bool:
        """True when the domain reports options (or a version) that differ from `desired`.

        The service may omit prerequisites or configuration; what it omits is not a difference.
        """
        if self.runs_other_version_than(desired):
            return True
        if self.prerequisites is not None and sorted(self.prerequisites) != sorted(
            desired.prerequisites
        ):
            return True
        if self.key_store_access_enabled is not None or desired.key_store_access_enabled:
            if bool(self.key_store_access_enabled) != bool(desired.key_store_access_enabled):
                return True
            if (
                desired.key_access_role_arn is not None
                and self.key_access_role_arn != desired.key_access_role_arn
            ):
                return True
        return False


@dataclass(frozen=True)
class Snapshot:
    """What the domain reported in one full ListPackagesForDomain walk."""

    associations: dict[str, Association] = field(default_factory=dict)

    def busy_with(self) -> list[Association]:
        """Associations in flight: the service runs one package change per domain at a time."""
        return [a for a in self.associations.values() if a.status in IN_FLIGHT]


@dataclass(frozen=True)
class DomainState:
    """What DescribeDomain says about whether the domain takes a package change now."""

    #: `Processing` or `UpgradeProcessing`.
    processing: bool
    #: `DomainProcessingStatus` (API model: Creating, Active, Modifying, UpgradingEngineVersion,
    #: UpdatingServiceSoftware, Isolated, Deleting); "" when the service does not send it.
    processing_status: str = ""
    #: `EngineVersion` ("OpenSearch_2.19", "Elasticsearch_7.10"); "" when not sent.
    engine_version: str = ""
    #: `DeploymentStrategyOptions.DeploymentStrategy` (API model: Default, CapacityOptimized,
    #: the slower batched blue/green for large domains); "" when not sent. Logged only.
    deployment_strategy: str = ""


@dataclass(frozen=True)
class ChangeProgress:
    """The domain's configuration change in flight (DescribeDomainChangeProgress): for a plugin,
    the blue/green deployment that installs or removes it."""

    status: str
    completed_stages: int
    total_stages: int
    #: The first stage not completed ("" once all are); for logs and reasons only: stage
    #: statuses are free strings the API model does not enumerate.
    stage: str
    #: When any stage last moved (epoch seconds).
    last_moved: float
    #: `ConfigChangeStatus` (API model: Pending, Initializing, Validating, ValidationFailed,
    #: ApplyingChanges, Completed, PendingUserInput, Cancelled); "" when not sent.
    config_status: str = ""
    #: `ValidationFailures`, each as "Code: Message".
    validation_failures: tuple[str, ...] = ()

    @property
    def percent(self) -> int:
        return 100 * self.completed_stages // self.total_stages if self.total_stages else 0
