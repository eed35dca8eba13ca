"""Which package a name means for one engine version. Pure, no I/O; shared by the kinds that
look packages up by name (associations: a package by name; upgrade_check: every plugin before
an engine upgrade).

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

from collections.abc import Iterable
from dataclasses import dataclass

from . import reasons
from .package_status import PackageAvailability

#: Package statuses of a package on its way out: never what a name means.
GONE = frozenset({"DELETING", "DELETED"})


@dataclass(frozen=True)
class Unresolved:
    """A name that does not mean exactly one package on this domain; `reason` fits 256."""

    reason: str


@dataclass(frozen=True)
class Match:
    """What the packages called `name` (owned by `owner`, when given) offer `engine_version`."""

    name: str
    owner: str | None
    engine_version: str
    #: The engine versions of every live package of that name ("" for one without), sorted.
    versions: tuple[str, ...]
    #: The IDs of the packages a domain on `engine_version` can run, sorted.
    fitting: tuple[str, ...]

    @property
    def found(self) -> bool:
        """Whether any live package has that name (and owner)."""
        return bool(self.versions)

    @property
    def package_id(self) -> str | None:
        """The one fitting package's ID; None when none or several fit."""
        return self.fitting[0] if len(self.fitting) == 1 else None


def match_packages(
    name: str, owner: str | None, engine_version: str, candidates: Iterable[PackageAvailability]
) -> Match:
    """The packages among `candidates` that `name` (and `owner`) could mean on `engine_version`."""
    named = sorted(
        (
            c
            for c in candidates
            if c.name == name and (owner is None or c.owner == owner) and c.status not in GONE
        ),
        key=lambda c: c.package_id,
    )
    fitting = tuple(c.package_id for c in named if c.engine_version in ("", engine_version))
    versions = tuple(sorted({c.engine_version for c in named}))
    return Match(name, owner, engine_version, versions, fitting)


def choose_package(
    name: str,
    owner: str | None,
    engine_version: str,
    candidates: Iterable[PackageAvailability],
    where: str,
) -> str | Unresolved:
    """The ID of the one package called `name` (owned by `owner`, when given) that a domain on
    `engine_version` can run, or why there is none or more than one (`where`: "domain d")."""
    match = match_packages(name, owner, engine_version, candidates)
    if match.package_id is not None:
        return match.package_id
    if not match.found:
        return Unresolved(reasons.name_not_found(where, name, owner))
    if not match.fitting:
        return Unresolved(
            reasons.name_not_for_version(where, name, engine_version, list(match.versions))
        )
    return Unresolved(reasons.name_ambiguous(where, name, engine_version, list(match.fitting)))
