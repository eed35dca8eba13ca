"""The pure decisions of a Package resource: when a package is ready, in use, or gone.

Every function here is deterministic and free of I/O; packages/operation.py acts on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.outcome import Done, Fail, Pending, Wait
from ..core.package_status import PackageAvailability

GONE_STATUSES = frozenset({"DELETED"})
BROKEN_STATUSES = frozenset({"COPY_FAILED", "VALIDATION_FAILED", "DELETE_FAILED"})


@dataclass(frozen=True)
class PackageState:
    """What this operation has done to the package so far."""

    #: The package this resource created (or found its own crashed attempt had created).
    package_id: str = ""
    #: Set once UpdatePackage was accepted: the version the package had before it.
    previous_version: str | None = None
    #: DeletePackage was accepted: only waiting for the package to be gone.
    delete_requested: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "previous_version": self.previous_version,
            "delete_requested": self.delete_requested,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PackageState:
        previous = raw.get("previous_version")
        return cls(
            package_id=str(raw.get("package_id") or ""),
            previous_version=None if previous is None else str(previous),
            delete_requested=bool(raw.get("delete_requested", False)),
        )


@dataclass(frozen=True)
class InUse:
    """Domains still use the package: it cannot be deleted."""

    domains: tuple[str, ...]


def available_decision(
    package: PackageAvailability | None, previous_version: str | None
) -> Done | Wait | Fail:
    """Created or updated: done once AVAILABLE, on a version other than `previous_version`."""
    if package is None:
        return Wait((Pending("package", "not described yet"),))
    if package.status in BROKEN_STATUSES or package.status in GONE_STATUSES:
        return Fail((package.failure(f"the package is {package.status}"),))
    if package.status == "AVAILABLE":
        if previous_version and package.available_version == previous_version:
            return Wait(
                (Pending(package.package_id, f"AVAILABLE at {previous_version}, not updated yet"),)
            )
        return Done()
    return Wait((Pending(package.package_id, package.status or "?"),))


def in_use_decision(domains: Mapping[str, str]) -> InUse | Wait | None:
    """Before deleting (`domains`: name → association status): a package some domain still
    uses cannot go; a dissociation in flight can finish first."""
    using = tuple(sorted(d for d, status in domains.items() if status != "DISSOCIATING"))
    if using:
        return InUse(using)
    if domains:
        return Wait(tuple(Pending(f"domain {d}", "DISSOCIATING") for d in sorted(domains)))
    return None


def gone_decision(package: PackageAvailability | None) -> Done | Wait | Fail:
    if package is None or package.status in GONE_STATUSES:
        return Done()
    if package.status == "DELETE_FAILED":
        return Fail((package.failure(f"the package is {package.status}"),))
    return Wait((Pending(package.package_id, package.status),))


def package_data(package: PackageAvailability) -> dict[str, str]:
    """Attributes for Fn::GetAtt: every key, even when empty (a missing key fails GetAtt)."""
    name, version, class_name = package.plugin
    return {
        "PackageID": package.package_id,
        "PackageVersion": package.available_version,
        "PackageName": package.name,
        "PluginName": name,
        "PluginVersion": version,
        "PluginClassName": class_name,
        "PackageOwner": package.owner,
        "AvailablePackageConfiguration": package.configuration,
    }


def scope_change(
    before: tuple[str, ...], after: tuple[str, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """The UpdatePackageScope call that takes the shared accounts from `before` to `after`:
    OVERRIDE with the new list, REMOVE the old one when sharing ends; None when equal."""
    if before == after:
        return None
    if after:
        return ("OVERRIDE", after)
    return ("REMOVE", before)
