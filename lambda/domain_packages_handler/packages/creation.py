"""A Package Create, or an Update that needs a new package (a new name, type, engine version or
vending option): CreatePackage, then wait until the package is AVAILABLE."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..core import reasons
from ..core.errors import AlreadyExists, ServiceError
from ..core.logs import log_event
from ..core.outcome import Pending
from ..core.package_status import PackageAvailability
from ..core.waiting import OperationFailed, Retried
from . import plan
from .operation import PackageOperation
from .ownership import is_marked
from .spec import PackageSpec, is_engine_upgrade


@dataclass
class PackageCreation(PackageOperation):
    """The package created (or, after a crash, recovered) and AVAILABLE."""

    old_spec: PackageSpec | None = None
    on_physical_id: Callable[[str], None] = field(default=lambda _: None)

    def run(self) -> dict[str, str]:
        """Returns the response Data; raises OperationFailed or HandOver."""
        log_event("operation", package=self.spec.name, progress=self.progress.to_json())
        if self._name_must_change():
            raise OperationFailed(
                f"package {self.spec.name}: a new package type, engine version or vending "
                "option needs a new package, and package names are unique: give the Package "
                "a new package_name (or let the construct derive one from a new construct id)"
            )
        return self._share(self._create(), shared_before=())

    def _name_must_change(self) -> bool:
        """A new package under the old one's name: names are unique, except a plugin's across
        engine versions (and a package this request created already, after a crash)."""
        old = self.old_spec
        return (
            old is not None
            and old.name == self.spec.name
            and not self.state.package_id
            and not is_engine_upgrade(old, self.spec)
        )

    def _create(self) -> dict[str, str]:
        package_id = self.state.package_id
        created: PackageAvailability | None = None
        while not package_id:
            try:
                answer = self.attempt(
                    f"creating from {self._source}",
                    lambda: self.store.create_package(self.spec, self._description),
                )
            except AlreadyExists as error:
                package_id = self._adopt(error)
                continue
            if not isinstance(answer, Retried):
                created, package_id = answer, answer.package_id
                log_event("created", package=self.spec.name, package_id=package_id)
        self.remember(package_id=package_id)
        self.progress = replace(self.progress, physical_id=package_id)
        self.on_physical_id(package_id)
        return self._await_available(package_id, previous=None, submitted=created)

    def _adopt(self, error: ServiceError) -> str:
        """A package of this name exists: taken over only if it carries this resource's mark
        (an earlier attempt of this very request crashed after CreatePackage)."""
        existing = self.call("finding the package by name", self._find_by_name)
        if existing is None:
            other = self._other_engine_version()
            if other is not None:
                log_event("name_refused", package=self.spec.name, other=other.package_id)
                raise OperationFailed(
                    reasons.plugin_name_refused(
                        self.where,
                        str(self.spec.engine_version),
                        other.package_id,
                        other.engine_version,
                    )
                )
            self.retry_later(error)
            return ""
        if existing.status in plan.GONE_STATUSES | {"DELETING"}:
            # The name frees up once the deletion ends: create then, never adopt what is leaving.
            self.poll_wait((Pending(f"name {self.spec.name}", f"{existing.status} elsewhere"),))
            return ""
        if not is_marked(existing.description, self.mark):
            log_event("name_taken", package=self.spec.name, package_id=existing.package_id)
            raise OperationFailed(reasons.name_taken(self.where, existing.package_id))
        log_event("recovered", package=self.spec.name, package_id=existing.package_id)
        return existing.package_id

    def _other_engine_version(self) -> PackageAvailability | None:
        """For a plugin whose name the service says is taken: its package for another engine
        version, if that is what takes the name. The custom-plugins guide has each engine
        version's package made under the same name; should the service refuse that, retrying
        cannot help."""
        if self.spec.package_type != "ZIP-PLUGIN" or not self.spec.engine_version:
            return None
        found = self.call(
            "finding the package by name",
            lambda: self.store.find_package_named(self.spec.name, None),
        )
        if found is None or found.engine_version in ("", self.spec.engine_version):
            return None
        return found
