"""Packages declared by name: which package each name means on one domain, and the target
with those IDs filled in. Pure, no I/O. The choice of one name's package is shared with the
upgrade check: it lives in core/choice.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..core.choice import Unresolved, choose_package
from .model import DesiredPackage
from .target import Target

__all__ = ["Unresolved", "choose_package", "names_to_resolve", "resolve_target"]


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
