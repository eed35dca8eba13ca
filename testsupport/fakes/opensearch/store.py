"""The state every area of the fake shares, and the look-ups they all use.

`FakeOpenSearch` sets every attribute declared here in its `__init__`; the area mixins (protocol,
domains, associations, packages, imports) only read and change them, under `_lock`.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable
from typing import Any

from testsupport.fakes._http import FakeServer
from testsupport.fakes.opensearch.model import ApiError, Association, Domain, Package
from testsupport.fakes.opensearch.validation import validate_domain_name

__all__ = ["OpenSearchStore"]


class OpenSearchStore(FakeServer):
    """Shared state: settings, the clock, domains and packages (see FakeOpenSearch)."""

    association_seconds: float
    dissociation_seconds: float
    page_size: int | None
    max_packages_per_domain: int
    plugin_changes_process_domain: bool
    batch_operations_enabled: bool
    package_processing_seconds: float
    max_custom_packages: int
    busy_error: str
    package_not_found_error: str
    describe_unknown_ids: str
    association_quota_error: str
    plugin_name_per_engine_version: bool
    settle_seconds: float
    optional_plugins_on_upgrade: str
    _clock: Callable[[], float]
    _epoch_offset: float
    _lock: threading.RLock
    _domains: dict[str, Domain]
    _packages: dict[str, Package]
    _change_ids: itertools.count[int]

    def _advance(self) -> float:
        """Complete every pending change whose time has come; returns the current clock time."""
        raise NotImplementedError  # FakeOpenSearch settles each area in turn

    def _epoch(self, clock_time: float) -> float:
        """Clock time as the epoch seconds the service's timestamps carry."""
        return round(clock_time + self._epoch_offset, 3)

    def _details(self, domain: Domain, association: Association) -> dict[str, Any]:
        """Model: DomainPackageDetails, as every association operation and listing returns it."""
        package = self._packages.get(association.package_id)
        package_type = package.package_type if package is not None else "TXT-DICTIONARY"
        return {
            "PackageID": association.package_id,
            "PackageName": package.name if package is not None else association.package_id,
            "PackageType": package_type,
            "LastUpdated": self._epoch(association.last_updated),
            "DomainName": domain.name,
            "DomainPackageStatus": association.status,
            "PackageVersion": association.version,
            "PrerequisitePackageIDList": list(association.prerequisites),
            # Reference: ReferencePath is the path on the nodes, the synonyms_path of a
            # TXT-DICTIONARY; other kinds have none.
            "ReferencePath": (
                f"analyzers/{association.package_id}" if package_type == "TXT-DICTIONARY" else None
            ),
            # Reference: ErrorDetails {ErrorType, ErrorMessage}, null unless failed.
            "ErrorDetails": (
                None
                if association.error is None
                else {"ErrorType": association.error[0], "ErrorMessage": association.error[1]}
            ),
            "AssociationConfiguration": copy.deepcopy(association.configuration),
        }

    def _require_domain(self, name: Any) -> Domain:
        """Model: a domain that does not exist is ResourceNotFoundException."""
        validate_domain_name(name)
        domain = self._domains.get(str(name))
        if domain is None:
            raise ApiError("ResourceNotFoundException", f"Domain not found: {name}")
        return domain

    def _require_package(self, package_id: str) -> Package:
        """A package that does not exist: "Package not found" (see `package_not_found`)."""
        package = self._packages.get(package_id)
        if package is None:
            raise self.package_not_found(package_id)
        return package

    def package_not_found(self, *package_ids: str) -> ApiError:
        """Model: ResourceNotFoundException is among the package operations' errors. Field:
        terraform-provider-aws `findPackages` also meets a ValidationException whose message
        contains "Package not found"; `package_not_found_error` picks the code."""
        return ApiError(
            self.package_not_found_error, f"Package not found: {', '.join(package_ids)}"
        )

    def change_refused(self, domain: Domain, what: str) -> ApiError:
        """A package change refused while another runs or the domain settles. Field: HTTP 400
        ValidationException with these words (aws-samples/siem-on-amazon-opensearch-service#444,
        hashicorp/terraform-provider-aws#38136); `busy_error="ConflictException"` plays the
        model's 409 instead."""
        if self.busy_error == "ConflictException":
            return ApiError(
                "ConflictException",
                f"Another package operation is in progress on domain {domain.name} ({what}). "
                "Wait for it to complete and try again.",
            )
        return ApiError(
            "ValidationException",
            "A change/update is in progress. Please wait for it to complete before requesting "
            "another change.",
        )

    def _domain_or_key_error(self, name: str) -> Domain:
        domain = self._domains.get(name)
        if domain is None:
            raise KeyError(f"no fake domain {name!r}; call add_domain first")
        return domain

    def _package_or_key_error(self, package_id: str) -> Package:
        package = self._packages.get(package_id)
        if package is None:
            raise KeyError(f"no fake package {package_id!r}; call add_package first")
        return package
