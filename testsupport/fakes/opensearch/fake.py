"""FakeOpenSearch: the areas of the fake (protocol, domains, associations, change progress,
packages, imports) put together, with the settings every area reads."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import deque
from collections.abc import Callable

from testsupport.fakes.opensearch.model import Domain, Failure, FaultKind, Package, Record
from testsupport.fakes.opensearch.progress import ChangeProgressMixin
from testsupport.fakes.opensearch.protocol import ProtocolMixin
from testsupport.fakes.opensearch.s3 import S3Objects
from testsupport.fakes.opensearch.upgrades import UpgradesMixin

__all__ = ["FakeOpenSearch"]


def _choose(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, not {value!r}")


class FakeOpenSearch(ProtocolMixin, ChangeProgressMixin, UpgradesMixin):
    """Fake OpenSearch Service endpoint; seed it, point boto3 at `endpoint_url`, assert on `calls`.

    Time: every lifecycle is measured with `clock` (default `time.monotonic`); pass a
    `testsupport.fakes.clock.SimClock` to drive it by hand. State advances lazily whenever it is
    read, so a response always reflects "now".
    """

    def __init__(
        self,
        *,
        association_seconds: float = 0.2,
        dissociation_seconds: float = 0.2,
        page_size: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_packages_per_domain: int = 20,
        plugin_changes_process_domain: bool = True,
        batch_operations_enabled: bool = True,
        latency: tuple[float, float] | None = None,
        latency_seed: int = 0,
        package_processing_seconds: float = 0.3,
        max_custom_packages: int = 25,
        busy_error: str = "ValidationException",
        package_not_found_error: str = "ValidationException",
        describe_unknown_ids: str = "fail",
        association_quota_error: str = "ValidationException",
        plugin_name_per_engine_version: bool = True,
        settle_seconds: float = 0.5,
        optional_plugins_on_upgrade: str = "move",
    ) -> None:
        super().__init__()
        self.association_seconds = association_seconds
        """Default time an association stays ASSOCIATING (per-package overrides win)."""
        self.dissociation_seconds = dissociation_seconds
        """Default time a dissociation stays DISSOCIATING (per-package overrides win)."""
        self.page_size = page_size
        """Most entries one ListPackagesForDomain page holds, whatever MaxResults asks."""
        self.max_packages_per_domain = max_packages_per_domain
        self.plugin_changes_process_domain = plugin_changes_process_domain
        """A pending ZIP-PLUGIN change shows the domain as Processing (a blue/green deploy)."""
        self.batch_operations_enabled = batch_operations_enabled
        """False: AssociatePackages/DissociatePackages answer DisabledOperationException, as
        where the batch operations are not offered, so single-package fallbacks can be tested."""
        self.package_processing_seconds = package_processing_seconds
        """How long CreatePackage/UpdatePackage take (COPYING for the first half, VALIDATING for
        the second) and how long DeletePackage leaves a package DELETING."""
        self.max_custom_packages = max_custom_packages
        """Quota checked by CreatePackage: custom (non-G) packages per Region."""
        _choose("busy_error", busy_error, ("ValidationException", "ConflictException"))
        self.busy_error = busy_error
        """How a package change is refused while another runs or the domain settles: the
        field's ValidationException "A change/update is in progress" or the model's 409."""
        _choose(
            "package_not_found_error",
            package_not_found_error,
            ("ValidationException", "ResourceNotFoundException"),
        )
        self.package_not_found_error = package_not_found_error
        """The error code of "Package not found" (both are seen by terraform-provider-aws)."""
        _choose("describe_unknown_ids", describe_unknown_ids, ("fail", "omit"))
        self.describe_unknown_ids = describe_unknown_ids
        """DescribePackages naming an unknown package among known ones: "fail" the whole call
        (and a name that matches nothing), or "omit" it from the list. Undocumented."""
        _choose(
            "association_quota_error",
            association_quota_error,
            ("ValidationException", "LimitExceededException"),
        )
        self.association_quota_error = association_quota_error
        """The code refusing a 21st package: the model lists no LimitExceededException for
        AssociatePackage(s), so a ValidationException by default."""
        self.plugin_name_per_engine_version = plugin_name_per_engine_version
        """A ZIP-PLUGIN's name may be taken again for another engine version (guide:
        custom-plugins); False refuses it with ResourceAlreadyExistsException."""
        self.settle_seconds = settle_seconds
        """After a domain change ends, how long `Processing` is false while
        DomainProcessingStatus still reports the change and package changes are refused."""
        _choose("optional_plugins_on_upgrade", optional_plugins_on_upgrade, ("move", "keep"))
        self.optional_plugins_on_upgrade = optional_plugins_on_upgrade
        """What an engine upgrade does with AWS's optional plugins (G… ZIP-PLUGINs): "move" them
        to the package of the same name for the new version, as the field saw
        (hashicorp/terraform-provider-aws#39363), or "keep" the old version's package
        associated (the guide does not say)."""
        self._clock = clock
        self._epoch_offset = time.time() - clock()
        self._lock = threading.RLock()
        self._domains: dict[str, Domain] = {}
        self._packages: dict[str, Package] = {}
        self._faults: dict[str, deque[FaultKind]] = {}
        self._association_failures: dict[str, Failure] = {}
        self._dissociation_failures: dict[str, Failure] = {}
        self._stalled_dissociations: set[str] = set()
        self._records: list[Record] = []
        self._s3 = S3Objects()
        self._new_ids = itertools.count(1)
        self._change_ids = itertools.count(1)
        self._latency = latency
        self._random = random.Random(latency_seed)

    def _advance(self) -> float:
        """Complete every pending change whose time has come; returns the current clock time.

        Packages settle before associations, so an association never outlives the deletion of
        its package and a finished import is visible to the same request.
        """
        now = self._clock()
        self._settle_deletions(now)
        self._settle_imports(now)
        self._settle_associations(now)
        return now
