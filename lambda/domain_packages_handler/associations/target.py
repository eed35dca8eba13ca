"""Where a DomainPackages request wants the domain to end up: the pure target of each request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .model import DesiredPackage
from .spec import ResourceSpec


@dataclass(frozen=True)
class PackageDiff:
    """How an Update changes one resource's package list."""

    added: tuple[DesiredPackage, ...]
    removed: tuple[DesiredPackage, ...]
    changed: tuple[DesiredPackage, ...]
    unchanged: tuple[DesiredPackage, ...]


def diff_packages(old: Iterable[DesiredPackage], new: Iterable[DesiredPackage]) -> PackageDiff:
    """Compare two declarations by package ID; `changed` carries the new options."""
    old_by_id = {p.package_id: p for p in old}
    new_list = list(new)
    new_ids = {p.package_id for p in new_list}
    added = tuple(p for p in new_list if p.package_id not in old_by_id)
    changed = tuple(
        p
        for p in new_list
        if p.package_id in old_by_id and old_by_id[p.package_id].options_differ(p)
    )
    unchanged = tuple(
        p
        for p in new_list
        if p.package_id in old_by_id and not old_by_id[p.package_id].options_differ(p)
    )
    removed = tuple(p for p in old_by_id.values() if p.package_id not in new_ids)
    return PackageDiff(added=added, removed=removed, changed=changed, unchanged=unchanged)


@dataclass(frozen=True)
class Target:
    """The state one lifecycle operation drives the domain to."""

    domain_name: str
    associate: tuple[DesiredPackage, ...] = ()
    force: frozenset[str] = frozenset()
    dissociate: tuple[str, ...] = ()
    missing_domain_is_success: bool = False
    #: A Create: it records what the domain already had, so a failure leaves that in place.
    is_create: bool = False

    @property
    def package_ids(self) -> tuple[str, ...]:
        return tuple(p.package_id for p in self.associate)

    def describe(self) -> dict[str, Any]:
        return {
            "domain": self.domain_name,
            "associate": [p.package_id for p in self.associate],
            "reassociate": sorted(self.force),
            "dissociate": list(self.dissociate),
        }


def create_target(spec: ResourceSpec, *, is_create: bool = True) -> Target:
    """Create: every declared package ACTIVE; ones already ACTIVE are adopted."""
    return Target(domain_name=spec.domain_name, associate=spec.packages, is_create=is_create)


def update_target(old: ResourceSpec, new: ResourceSpec) -> Target:
    """Update: converge to the new declaration.

    On the same domain: added and drifted packages are associated, changed ones re-associated,
    removed ones dissociated. On a new domain everything is associated there; the old domain is
    cleaned by the Delete that CloudFormation sends for the replaced physical ID.
    """
    if old.domain_name != new.domain_name:
        return Target(domain_name=new.domain_name, associate=new.packages)
    diff = diff_packages(old.packages, new.packages)
    return Target(
        domain_name=new.domain_name,
        associate=new.packages,
        force=frozenset(p.package_id for p in diff.changed),
        dissociate=tuple(p.package_id for p in diff.removed),
    )


def delete_target(spec: ResourceSpec, keep: frozenset[str] = frozenset()) -> Target:
    """Delete: none of this resource's packages left, except `keep` (what the domain had before
    a Create that failed); a missing domain is already clean."""
    return Target(
        domain_name=spec.domain_name,
        dissociate=tuple(p for p in spec.package_ids if p not in keep),
        missing_domain_is_success=True,
    )
