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
    """Compare two declarations by entry (package ID, or name for an entry by name);
    `changed` carries the new options."""
    old_by_key = {p.key: p for p in old}
    new_list = list(new)
    new_keys = {p.key for p in new_list}
    added = tuple(p for p in new_list if p.key not in old_by_key)
    changed = tuple(
        p for p in new_list if p.key in old_by_key and old_by_key[p.key].options_differ(p)
    )
    unchanged = tuple(
        p for p in new_list if p.key in old_by_key and not old_by_key[p.key].options_differ(p)
    )
    removed = tuple(p for p in old_by_key.values() if p.key not in new_keys)
    return PackageDiff(added=added, removed=removed, changed=changed, unchanged=unchanged)


@dataclass(frozen=True)
class Target:
    """The state one lifecycle operation drives the domain to."""

    domain_name: str
    associate: tuple[DesiredPackage, ...] = ()
    #: Entries (`DesiredPackage.key`; the package ID once resolved) to associate again.
    force: frozenset[str] = frozenset()
    dissociate: tuple[str, ...] = ()
    missing_domain_is_success: bool = False
    #: A Create: it records what the domain already had, so a failure leaves that in place.
    is_create: bool = False
    #: Names whose every association leaves the domain (entries by name that were removed,
    #: or a Delete's), except the IDs in `keep` and those `associate` declares.
    dissociate_names: frozenset[str] = frozenset()
    #: What a rollback Delete leaves (the packages the failed Create found).
    keep: frozenset[str] = frozenset()

    @property
    def package_ids(self) -> tuple[str, ...]:
        return tuple(p.package_id for p in self.associate)

    @property
    def resolved(self) -> bool:
        """Every entry has its package ID (entries by name get it at run time)."""
        return not any(p.unresolved for p in self.associate)

    @property
    def declared_names(self) -> frozenset[str]:
        """Names of the entries by name: an association of another package with one of these
        names is an older (engine) version of a declared package, which this resource owns."""
        return frozenset(p.package_name for p in self.associate if p.package_name)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "domain": self.domain_name,
            "associate": [p.package_id for p in self.associate],
            "reassociate": sorted(self.force),
            "dissociate": list(self.dissociate),
        }
        by_name = {p.package_name: p.package_id for p in self.associate if p.package_name}
        if by_name:
            described["by_name"] = by_name
        if self.dissociate_names:
            described["dissociate_names"] = sorted(self.dissociate_names)
        return described


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
        force=frozenset(p.key for p in diff.changed),
        dissociate=tuple(p.package_id for p in diff.removed if p.package_id),
        dissociate_names=frozenset(p.package_name for p in diff.removed if p.package_name),
    )


def delete_target(spec: ResourceSpec, keep: frozenset[str] = frozenset()) -> Target:
    """Delete: none of this resource's packages left, except `keep` (what the domain had before
    a Create that failed); a missing domain is already clean."""
    return Target(
        domain_name=spec.domain_name,
        dissociate=tuple(p for p in spec.package_ids if p not in keep),
        missing_domain_is_success=True,
        dissociate_names=frozenset(spec.package_names),
        keep=keep,
    )
