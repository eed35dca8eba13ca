"""The verdict of an upgrade check: which plugins have no package for the target engine version.
Pure: fed what DescribePackages reports for each name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core import reasons
from ..core.choice import Match, match_packages
from ..core.package_status import PackageAvailability
from .spec import CheckSpec, Plugin


@dataclass(frozen=True)
class CheckState:
    """The check keeps nothing across a hand-over: it only reads."""

    def to_json(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CheckState:
        return cls()


def matches(
    spec: CheckSpec, found: Mapping[Plugin, Iterable[PackageAvailability]]
) -> tuple[Match, ...]:
    """Each plugin's packages for the target version, from what DescribePackages reported for
    its name (`found`)."""
    return tuple(
        match_packages(p.name, p.owner, spec.target_engine_version, found.get(p, ()))
        for p in spec.plugins
    )


def failure(where: str, engine_version: str, checked: Sequence[Match]) -> str | None:
    """The reason the upgrade must not start (every plugin without exactly one package for
    `engine_version`, named together), or None when each has one."""
    wrong = [m for m in checked if m.package_id is None]
    if not wrong:
        return None
    return reasons.plugins_not_for_version(where, engine_version, [_problem(m) for m in wrong])


def _problem(match: Match) -> str:
    owned = f"{match.name} (owner {match.owner})" if match.owner else match.name
    if not match.found:
        return f"{owned}: no package of that name"
    if not match.fitting:
        return f"{owned}: only for {', '.join(v or 'any version' for v in match.versions)}"
    return f"{owned}: {len(match.fitting)} packages ({', '.join(match.fitting)})"
