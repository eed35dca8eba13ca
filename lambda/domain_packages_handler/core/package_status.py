"""A package as DescribePackages reports it: both kinds ask whether it is usable yet."""

from __future__ import annotations

from dataclasses import dataclass

from .outcome import ErrorDetails, PackageFailure

# Package statuses (DescribePackages) that mean "wait, it will become usable".
PACKAGE_PREPARING = frozenset({"COPYING", "VALIDATING"})
# Package statuses that mean "this package cannot be associated, ever".
PACKAGE_UNUSABLE = frozenset(
    {"COPY_FAILED", "VALIDATION_FAILED", "DELETING", "DELETED", "DELETE_FAILED"}
)


@dataclass(frozen=True)
class PackageAvailability:
    """One entry of DescribePackages: can this package be associated now?"""

    package_id: str
    status: str
    error: ErrorDetails | None = None
    name: str = ""
    available_version: str = ""
    description: str = ""
    #: What the service reads from a plugin (AvailablePluginProperties): name, version, class.
    plugin: tuple[str, str, str] = ("", "", "")
    #: The package's owner (PackageOwner): an account ID, or AWS for AWS-provided packages.
    owner: str = ""
    #: AvailablePackageConfiguration, as compact JSON ("" when the service reports none).
    configuration: str = ""
    #: The engine version a ZIP-PLUGIN is built for ("" for other types).
    engine_version: str = ""

    def failure(self, fallback_message: str) -> PackageFailure:
        """This package's failed status in the service's words (`fallback_message` when the
        service gave no ErrorDetails)."""
        return PackageFailure(
            package_id=self.package_id,
            status=self.status,
            error_type=self.error.error_type if self.error else self.status,
            error_message=self.error.error_message if self.error else fallback_message,
        )
