"""Packages declared by name: which package a name means on one domain. Pure, no I/O.

AWS's optional plugins (analysis-sudachi, analysis-nori, …) are ZIP-PLUGIN packages owned by AWS,
one per engine version and Region under the same name with different G… IDs (developer guide,
"Plugins by engine version", optional plugins: "compatible with a specific OpenSearch version
and can only be associated with domains with that version"; rebuy-de/aws-nuke#1123 lists them).
A custom plugin likewise has one package per engine version under one name (guide,
custom-plugins, upgrading). A package with no EngineVersion (a dictionary, a licence, a
configuration) fits every domain. So a name means the one package of that name (and owner) whose
EngineVersion is the domain's, or that has none; anything else is a failure that says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ..core import reasons
from ..core.package_status import PackageAvailability
from .model import DesiredPackage
from .target import Target

#: Package statuses of a package on its way out: never what a name means.
_GONE = frozenset({"DELETING", "DELETED"})


@dataclass(frozen=True)
class Unresolved:
    """A name that does not mean exactly one package on this domain; `reason` fits 256."""

    reason: str


def choose_package(
    name: str,
    owner: str | None,
    engine_version: str,
    candidates: Iterable[PackageAvailability],
    where: str,
) -> str | Unresolved:
    """The ID of the one package called `name` (owned by `owner`, when given) that a domain on
    `engine_version` can run, or why there is none or more than one (`where`: "domain d")."""
    named = sorted(
        (
            c
            for c in candidates
            if c.name == name and (owner is None or c.owner == owner) and c.status not in _GONE
        ),
        key=lambda c: c.package_id,
    )
    if not named:
        return Unresolved(reasons.name_not_found(where, name, owner))
    fitting = [c for c in named if c.engine_version in ("", engine_version)]
    if len(fitting) == 1:
        return fitting[0].package_id
    if not fitting:
        versions = sorted({c.engine_version for c in named})
        return Unresolved(reasons.name_not_for_version(where, name, engine_version, versions))
    return Unresolved(
        reasons.name_ambiguous(where, name, engine_version, [c.package_id for c in fitting])
    )


def resolve_target(target: Target, chosen: Mapping[str, str]) -> Target:
    """`target` with every named entry's ID filled in from `chosen` (name → ID); its forced
    re-associations, keyed by entry, become IDs."""
    packages = tuple(
        replace(p, package_id=chosen[p.package_name]) if p.unresolved and p.package_name else p
        for p in target.associate
    )
    resolved = {p.key: p.package_id for p in packages}
    force = frozenset(resolved.get(key, key) for key in target.force)
    return replace(target, associate=packages, force=force)


def names_to_resolve(target: Target) -> tuple[tuple[str, str | None], ...]:
    """(name, owner) of every entry declared by name, each once, in declaration order."""
    seen: dict[str, str | None] = {}
    for package in _named(target.associate):
        assert package.package_name is not None
        seen.setdefault(package.package_name, package.package_owner)
    return tuple(seen.items())


def _named(packages: Iterable[DesiredPackage]) -> Iterable[DesiredPackage]:
    return (p for p in packages if p.unresolved)
