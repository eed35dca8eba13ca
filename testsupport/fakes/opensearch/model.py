"""What the fake stores about domains, packages and associations; its error and call records.

Field names follow the shapes of botocore's `opensearch` service model (2021-01-01): PackageDetails,
DomainPackageDetails, PackageVersionHistory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from testsupport.fakes._http import ACCOUNT_ID

__all__ = [
    "ASSOCIATION_STATUSES",
    "DEPLOYMENT_STRATEGIES",
    "FAILED_PACKAGE_STATUSES",
    "PACKAGE_STATUSES",
    "PACKAGE_TYPES",
    "PLUGIN_DEPENDENT_TYPES",
    "ApiError",
    "Association",
    "Call",
    "Change",
    "Domain",
    "Failure",
    "FaultKind",
    "Import",
    "Package",
    "Record",
    "Version",
]

# Fake: the faults a test can inject (see ProtocolMixin.inject).
FaultKind = Literal["throttle", "internal", "drop", "conflict", "busy"]

# Model: the PackageType enum.
PACKAGE_TYPES = ("TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG")
# Model: the PackageStatus enum.
PACKAGE_STATUSES = (
    "COPYING",
    "COPY_FAILED",
    "VALIDATING",
    "VALIDATION_FAILED",
    "AVAILABLE",
    "DELETING",
    "DELETED",
    "DELETE_FAILED",
)
# Model: the DomainPackageStatus enum.
ASSOCIATION_STATUSES = (
    "ACTIVE",
    "ASSOCIATING",
    "ASSOCIATION_FAILED",
    "DISSOCIATING",
    "DISSOCIATION_FAILED",
)
# Guide (custom-packages, custom-plugins): the statuses an import can end in besides AVAILABLE.
FAILED_PACKAGE_STATUSES = ("VALIDATION_FAILED", "COPY_FAILED")
# Guide ("Third-party plugins"): licence and config packages list their plugin as prerequisite.
PLUGIN_DEPENDENT_TYPES = ("PACKAGE-LICENSE", "PACKAGE-CONFIG")


class Call(NamedTuple):
    """One request that reached an operation: its name and its parameters as botocore sent them."""

    operation: str
    params: dict[str, Any]


class ApiError(Exception):
    """A service error: answered with its code's HTTP status (see protocol.ERROR_STATUS)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Failure:
    """A scripted association or dissociation failure (fail_association / fail_dissociation)."""

    error_type: str
    message: str
    remaining: int | None
    """How many more operations fail; None = every one."""


@dataclass(frozen=True)
class Version:
    """One entry of GetPackageVersionHistory (model: PackageVersionHistory)."""

    version: str
    commit_message: str
    created_epoch: float


@dataclass(frozen=True)
class Import:
    """A CreatePackage/UpdatePackage being copied and validated: what becomes of it at ready_at."""

    commit_message: str
    #: PackageConfiguration sent with it: the available one once the import passes.
    configuration: dict[str, Any] | None = None
    #: The source object's bytes (a plugin's properties are read from its descriptor).
    body: bytes = b""


@dataclass
class Package:
    package_id: str
    name: str
    package_type: str
    final_status: str
    version: str
    """AvailablePackageVersion: the last version that passed validation ("" before the first)."""
    phase_start: float
    ready_at: float
    created_epoch: float
    updated_epoch: float
    engine_version: str | None
    association_seconds: float | None = None
    dissociation_seconds: float | None = None
    description: str = ""
    pending: Import | None = None
    error: tuple[str, str] | None = None
    """ErrorDetails shown while the package is in a failed status (None: a generic one)."""
    history: list[Version] = field(default_factory=list)
    deleting_until: float | None = None
    configuration: dict[str, Any] | None = None
    """AvailablePackageConfiguration: that of the available version."""
    encryption: dict[str, Any] | None = None
    vending: dict[str, Any] | None = None
    allow_listed: list[str] = field(default_factory=list)
    """AllowListedUserList (UpdatePackageScope)."""
    plugin: dict[str, Any] | None = None
    """AvailablePluginProperties, read from the available version's descriptor."""

    owner: str | None = None
    """PackageOwner when the caller's account does not own it: "AWS" for G… packages, or a
    third party's (field: ministryofjustice/modernisation-platform-environments PR #8995 saw
    third-party `pkg-…` packages such as "titaniam-lockbox" in every account)."""

    @property
    def aws_owned(self) -> bool:
        """G-prefixed packages belong to AWS: never counted, updated or deleted as custom ones.

        Reference ("Patterns"): G… package IDs are AWS-provided packages.
        """
        return self.package_id.startswith("G")

    @property
    def foreign(self) -> bool:
        """Not the caller's: AWS's or a third party's. Visible, associable, never updated,
        deleted or counted against the caller's quota."""
        return self.aws_owned or self.owner is not None

    @property
    def owner_name(self) -> str:
        """PackageOwner as DescribePackages shows it."""
        return self.owner or ("AWS" if self.aws_owned else ACCOUNT_ID)

    def status(self, now: float) -> str:
        """DELETING once deletion started; else COPYING for the first half of the wait,
        VALIDATING for the second, then final.

        Guide (custom-packages): an import is copied from S3, then validated. The even split of
        the wait between the two phases is the fake's own choice.
        """
        if self.deleting_until is not None:
            return "DELETING"
        if now >= self.ready_at:
            return self.final_status
        if now >= self.phase_start + (self.ready_at - self.phase_start) / 2:
            return "VALIDATING"
        return "COPYING"


@dataclass
class Association:
    package_id: str
    status: str
    version: str
    target_version: str
    prerequisites: list[str]
    configuration: dict[str, Any] | None
    last_updated: float
    pending: Literal["associate", "dissociate"] | None = None
    pending_until: float = 0.0
    planned_failure: tuple[str, str] | None = None
    error: tuple[str, str] | None = None
    stalled_at: float | None = None


@dataclass(frozen=True)
class Change:
    """One configuration change of a domain, as DescribeDomainChangeProgress reports it
    (model: ChangeProgressStatusDetails): from `start` to `end` on the fake's clock."""

    change_id: str
    start: float
    end: float
    failed: bool = False
    """The change ends FAILED (a plugin association or dissociation scripted to fail)."""
    stalls_at: float | None = None
    """Clock time from which the blue/green stops moving (a plugin an index still uses)."""
    stopped: StoppedChange | None = None
    """The change stops short after its Validation stage (see `stop_next_change`)."""


@dataclass(frozen=True)
class StoppedChange:
    """How a change stops short. Model: ConfigChangeStatus ValidationFailed, Cancelled or
    PendingUserInput; ValidationFailures {Code, Message}."""

    config_status: str
    failures: tuple[tuple[str, str], ...] = ()


#: Model: ConfigChangeStatus values a change can stop at without finishing.
STOPPED_CHANGE_STATUSES = ("ValidationFailed", "Cancelled", "PendingUserInput")
#: Model: DeploymentStrategyOptions.DeploymentStrategy (DescribeDomain's DomainStatus).
DEPLOYMENT_STRATEGIES = ("Default", "CapacityOptimized")


@dataclass
class Domain:
    name: str
    processing_until: float
    created_epoch: float
    engine_version: str
    associations: dict[str, Association] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    """Every configuration change, oldest first (see `progress`)."""
    changing_status: str = "Modifying"
    """DomainProcessingStatus while a change runs or settles (model: DomainProcessingStatusType):
    Creating for a new domain, Modifying for a configuration change, UpgradingEngineVersion."""
    settling_until: float = 0.0
    """Field: after a change `Processing` is false while DomainProcessingStatus still says
    `changing_status` and changes are refused (terraform-provider-aws PR #47316, #33929)."""
    refusals: int = 0
    """Package changes still to refuse as "in progress" while the domain reports Active
    (field: aws-samples/opensearch-intelligent-search-jp PR #3)."""
    stop_next: StoppedChange | None = None
    """The next change recorded on the domain stops short (see `stop_next_change`)."""
    deployment_strategy: str | None = None
    """DescribeDomain's DeploymentStrategyOptions.DeploymentStrategy; None leaves the member out,
    as the fake assumes for a domain created before the strategy existed (see
    `set_deployment_strategy`)."""
    blue_green_slowdown: float = 1.0
    """How many times longer the domain's blue/green deployments take than the durations seeded
    for them (see `set_deployment_strategy`)."""


@dataclass
class Record:
    """One request in the call log; `outcome` is filled in once it is answered."""

    operation: str
    params: dict[str, Any]
    outcome: str = "pending"
