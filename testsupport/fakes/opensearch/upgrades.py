"""Engine upgrades of a domain that runs custom plugins.

Guide (custom-plugins, upgrading a domain with custom plugins): before an engine upgrade, create
each plugin's package for the new engine version under the same package name; the upgrade's
blue/green moves the domain to those packages, and without one the upgrade fails. Afterwards the
domain's associations name the new packages' IDs (reference: the swap Terraform drifts on).
UpgradeDomain is CloudFormation's Domain resource's call, not the handler's: tests start an
upgrade with `upgrade_domain`, as that resource's update would.

AWS's optional plugins (guide, "Plugins by engine version", optional plugins: compatible with one
engine version and associable only with domains of that version) are G… packages owned by AWS,
one per version under one name. The guide says nothing of them during an upgrade; the field
(hashicorp/terraform-provider-aws#39363, 2.13 to 2.15) saw every associated package upgraded
with the domain, under new IDs. `optional_plugins_on_upgrade="move"` does that (the default,
observed); "keep" leaves the old version's package associated, the alternative.
"""

from __future__ import annotations

import dataclasses

from testsupport.fakes.opensearch.associations import AssociationsMixin
from testsupport.fakes.opensearch.imports import PackageImportsMixin

__all__ = ["UpgradesMixin"]


class UpgradesMixin(AssociationsMixin, PackageImportsMixin):
    """`upgrade_domain`: the engine upgrade and its package-ID swap."""

    def upgrade_domain(self, name: str, engine_version: str, seconds: float = 1.0) -> None:
        """Upgrade the domain to `engine_version` (a blue/green: Processing for `seconds`, times
        the domain's blue/green slowdown),
        moving every associated ZIP-PLUGIN to the package of the same name built for it.

        Raises ValueError, and changes nothing, when such a package is missing (the guide: the
        upgrade fails).
        """
        with self._lock:
            now = self._advance()
            domain = self._domain_or_key_error(name)
            moves: dict[str, str] = {}
            for package_id in domain.associations:
                package = self._packages.get(package_id)
                if package is None or package.package_type != "ZIP-PLUGIN":
                    continue
                if package.aws_owned and self.optional_plugins_on_upgrade == "keep":
                    continue
                successor = next(
                    (
                        p
                        for p in self._packages.values()
                        if p.name == package.name
                        and p.package_type == "ZIP-PLUGIN"
                        and p.engine_version == engine_version
                        and p.owner_name == package.owner_name
                        and p.version
                    ),
                    None,
                )
                if successor is None:
                    raise ValueError(
                        f"upgrade of {name} to {engine_version} fails: plugin {package.name} has "
                        f"no package for {engine_version} (create it under the same name first)"
                    )
                moves[package_id] = successor.package_id
            for old_id, new_id in moves.items():
                association = domain.associations.pop(old_id)
                domain.associations[new_id] = dataclasses.replace(
                    association,
                    package_id=new_id,
                    version=self._packages[new_id].version,
                    target_version=self._packages[new_id].version,
                    last_updated=now,
                )
            domain.engine_version = engine_version
            seconds *= domain.blue_green_slowdown  # an upgrade is a blue/green too
            domain.processing_until = max(domain.processing_until, now + seconds)
            # Model: DomainProcessingStatusType; field: the status outlasts Processing
            # (terraform-provider-aws PR #47316 met UpgradingEngineVersion).
            domain.changing_status = "UpgradingEngineVersion"
            domain.settling_until = max(
                domain.settling_until, domain.processing_until + self.settle_seconds
            )
