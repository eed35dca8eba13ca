"""The shell of an upgrade check: look each plugin's name up (DescribePackages, read only),
decide (plan), succeed or fail. Nothing here changes a domain or a package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..core.adapter import OpenSearchCalls
from ..core.logs import log_event
from ..core.package_status import PackageAvailability
from ..core.waiting import OperationFailed, Waiting
from . import plan
from .plan import CheckState
from .spec import CheckSpec, Plugin

#: The longest domain label a reason quotes whole (a construct path can be long).
LABEL_IN_REASON = 40


def short(label: str) -> str:
    """`label`, cut to LABEL_IN_REASON characters, so the plugins keep their room in a reason."""
    return label if len(label) <= LABEL_IN_REASON else label[: LABEL_IN_REASON - 1] + "…"


class PackageCatalogue(Protocol):
    """What an upgrade check needs from OpenSearch Service: packages by name."""

    def packages_named(self, name: str) -> dict[str, PackageAvailability]: ...


class OpenSearchCatalogue:
    """`PackageCatalogue` on the shared adapter."""

    def __init__(self, calls: OpenSearchCalls) -> None:
        self._calls = calls

    def packages_named(self, name: str) -> dict[str, PackageAvailability]:
        """Every package called `name` the caller can see (none: an empty answer), by ID."""
        return self._calls.describe_packages([name], by="PackageName")


_ADVICE = {
    "AccessDeniedException": "Check the handler role's es:DescribePackages permission.",
}


@dataclass
class UpgradeCheck(Waiting[CheckState], advice=_ADVICE):
    """Fails when a plugin has no package for the target engine version."""

    spec: CheckSpec
    catalogue: PackageCatalogue

    @property
    def where(self) -> str:
        return f"domain {short(self.spec.domain_label)}"

    def run(self) -> dict[str, str]:
        target = self.spec.target_engine_version
        if not target:
            log_event("nothing_to_check", on=self.where, reason="no target engine version")
            return self.finished({})
        found = {p: self.call(f"describing packages named {p.name}", self._named(p)).values()
                 for p in self.spec.plugins}  # fmt: skip
        checked = plan.matches(self.spec, found)
        reason = plan.failure(self.where, target, checked)
        if reason is not None:
            log_event("upgrade_check_failed", on=self.where, engine=target, reason=reason)
            raise OperationFailed(reason)
        chosen = {m.name: m.package_id or "" for m in checked}
        log_event("upgrade_check_passed", on=self.where, engine=target, packages=chosen)
        return self.finished(
            {f"PackageID.{name}": package_id for name, package_id in chosen.items()}
        )

    def _named(self, plugin: Plugin) -> Callable[[], dict[str, PackageAvailability]]:
        return lambda: self.catalogue.packages_named(plugin.name)
