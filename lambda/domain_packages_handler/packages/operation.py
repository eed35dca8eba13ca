"""The shell of a Package resource: create, update or delete the package and wait for it.

Two operations share one small base: `PackageImport` (Create, Update) and `PackageDeletion`
(Delete). Both run in the shared waiting shell against `PackageStore`, the few calls they use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..core import reasons
from ..core.errors import AlreadyExists, PackageNotFound, Rejected, Retryable, ServiceError
from ..core.logs import log_event
from ..core.names import is_package_id
from ..core.outcome import Done, Fail, Pending
from ..core.package_status import PACKAGE_PREPARING, PackageAvailability
from ..core.waiting import OperationFailed, Retried, Waiting
from . import plan
from .ownership import is_marked, marked
from .plan import InUse, PackageState
from .spec import PackageSpec, change_kind, is_engine_upgrade


class PackageStore(Protocol):
    """What a Package operation needs from OpenSearch Service."""

    def find_package(self, package_id: str) -> PackageAvailability | None: ...

    def find_package_named(
        self, name: str, engine_version: str | None
    ) -> PackageAvailability | None: ...

    def create_package(self, spec: PackageSpec, description: str) -> PackageAvailability: ...

    def update_package(
        self, package_id: str, spec: PackageSpec, description: str
    ) -> PackageAvailability: ...

    def update_scope(self, package_id: str, operation: str, users: tuple[str, ...]) -> None: ...

    def delete_package(self, package_id: str) -> None: ...

    def domains_using(self, package_id: str) -> dict[str, str]: ...


_ADVICE = {
    "ValidationException": "Check the source object, the package type and the engine version.",
    "AccessDeniedException": "Check the handler role's es: and s3:GetObject permissions.",
    "LimitExceededException": "A Region holds at most 25 custom packages; delete unused ones.",
}


@dataclass
class PackageOperation(Waiting[PackageState], advice=_ADVICE):
    """What both package operations share: the package, the store, how to describe."""

    spec: PackageSpec
    store: PackageStore
    #: This resource's owner mark (ownership.py): what it creates carries it.
    mark: str

    @property
    def _description(self) -> str:
        return marked(self.spec.description, self.mark)

    def _find_by_name(self) -> PackageAvailability | None:
        return self.store.find_package_named(self.spec.name, self.spec.engine_version)

    def _describe(self, package_id: str) -> PackageAvailability | None:
        return self.call("describing the package", lambda: self.store.find_package(package_id))

    @property
    def where(self) -> str:
        return f"package {self.spec.name}"

    def _await_available(
        self,
        package_id: str,
        previous: str | None,
        submitted: PackageAvailability | None = None,
        *,
        must_exist: bool = False,
    ) -> dict[str, str]:
        """Poll until AVAILABLE on a new version. `submitted` is what CreatePackage or
        UpdatePackage just answered: the import has only started, so the first look waits.
        `must_exist`: the package existed before, so not finding it is final (a package just
        created may take a moment to be described)."""
        self.poll.reset()
        if submitted is not None:
            self.poll_wait((Pending(package_id, submitted.status or "submitted"),))
        while True:
            package = self._describe(package_id)
            if package is None and must_exist:
                raise OperationFailed(self._gone(package_id))
            decision = plan.available_decision(package, previous)
            if isinstance(decision, Done) and package is not None:
                return self.finished(plan.package_data(package))
            if isinstance(decision, Fail):
                raise OperationFailed(
                    reasons.package_import_failed(self.where, decision.failures[0])
                )
            if not isinstance(decision, Done):
                self.poll_wait(decision.pending)

    def _gone(self, package_id: str) -> str:
        return (
            f"package {self.spec.name} ({package_id}) no longer exists; delete the "
            "Package from the stack and add it again"
        )


@dataclass
class PackageImport(PackageOperation):
    """A Package Create or Update: the package AVAILABLE with the declared content."""

    old_spec: PackageSpec | None = None
    on_physical_id: Callable[[str], None] = field(default=lambda _: None)

    def run(self) -> dict[str, str]:
        """Returns the response Data; raises OperationFailed or HandOver."""
        log_event("operation", package=self.spec.name, progress=self.progress.to_json())
        data = self._converge()
        old = self.old_spec
        in_place = old is not None and change_kind(old, self.spec) != "replace"
        change = plan.scope_change(
            old.scope if old is not None and in_place else (), self.spec.scope
        )
        if change is not None:
            operation, users = change
            log_event("share", package=self.spec.name, operation=operation, users=users)
            self.call(
                "sharing the package",
                lambda: self.store.update_scope(data["PackageID"], operation, users),
            )
        return data

    def _converge(self) -> dict[str, str]:
        """The package AVAILABLE with the declared file and options."""
        if self.old_spec is not None:
            kind = change_kind(self.old_spec, self.spec)
            log_event("package_change", package=self.spec.name, kind=kind)
            if kind == "none":
                return self._await_available(
                    self.progress.physical_id, previous=None, must_exist=True
                )
            if kind == "update":
                return self._update(self.progress.physical_id)
            same_name = self.old_spec.name == self.spec.name
            upgrade = is_engine_upgrade(self.old_spec, self.spec)
            if same_name and not upgrade and not self.state.package_id:
                raise OperationFailed(
                    f"package {self.spec.name}: a new package type, engine version or vending "
                    "option needs a new package, and package names are unique: give the Package "
                    "a new package_name (or let the construct derive one from a new construct id)"
                )
        return self._create()

    @property
    def _source(self) -> str:
        return f"s3://{self.spec.bucket}/{self.spec.key}"

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

    def _update(self, package_id: str) -> dict[str, str]:
        updated: PackageAvailability | None = None
        subject = f"updating from {self._source}"
        while self.state.previous_version is None:
            before = self._describe(package_id)
            if before is None:
                raise OperationFailed(self._gone(package_id))
            if before.status in PACKAGE_PREPARING:
                # An import in flight must finish first. A failed one (COPY_FAILED,
                # VALIDATION_FAILED) does not block: updating from it is how a rollback, or the
                # next deploy with a fixed file, repairs the package.
                self.poll_wait((Pending(package_id, before.status),))
                continue
            try:
                answer = self.attempt(subject, lambda: self._update_unless_busy(package_id))
            except PackageNotFound as error:
                raise self.rejected(subject, error) from error
            if not isinstance(answer, Retried):
                updated = answer
                log_event("updated", package=self.spec.name, previous=before.available_version)
                self.remember(previous_version=before.available_version)
        return self._await_available(
            package_id, previous=self.state.previous_version, submitted=updated, must_exist=True
        )

    def _update_unless_busy(self, package_id: str) -> PackageAvailability:
        """UpdatePackage; refused because an outside update started meanwhile (the package is
        copying or validating again), it is retried once that import ends."""
        try:
            return self.store.update_package(package_id, self.spec, self._description)
        except Rejected as error:
            if error.code != "ValidationException":
                raise
            now = self.store.find_package(package_id)
            if now is not None and now.status in PACKAGE_PREPARING:
                raise Retryable(error.operation, error.code, error.message) from error
            raise


@dataclass
class PackageDeletion(PackageOperation):
    """A Package Delete: the package gone, once no domain uses it."""

    def run(self) -> dict[str, str]:
        """Returns the (empty) response Data; raises OperationFailed or HandOver."""
        log_event("operation", package=self.spec.name, progress=self.progress.to_json())
        package_id = self.progress.physical_id
        if not is_package_id(package_id):
            # An ID this handler never issued (a failed Create): find what that Create made.
            found = self.call(
                "finding the package by name",
                self._find_by_name,
            )
            if found is None or not is_marked(found.description, self.mark):
                # Nothing of this name, or one this resource did not make: never delete it.
                log_event("nothing_to_delete", package=self.spec.name, found=found is not None)
                return {}
            package_id = found.package_id
        try:
            self._request_deletion(package_id)
        except PackageNotFound:
            return {}
        self.poll.reset()
        while True:
            gone = plan.gone_decision(self._describe(package_id))
            if isinstance(gone, Done):
                return self.finished({})
            if isinstance(gone, Fail):
                raise OperationFailed(
                    reasons.package_failures(self.where, "deletion", gone.failures)
                )
            self.poll_wait(gone.pending)

    def _end_sharing(self, package_id: str) -> None:
        self.call(
            "ending its sharing",
            lambda: self.store.update_scope(package_id, "REMOVE", self.spec.scope),
        )

    def _request_deletion(self, package_id: str) -> None:
        """DeletePackage once no domain uses the package; raises PackageNotFound if gone."""
        while not self.state.delete_requested:
            using = self.attempt(
                "listing its domains", lambda: self.store.domains_using(package_id)
            )
            if isinstance(using, Retried):
                continue
            decision = plan.in_use_decision(using)
            if isinstance(decision, InUse):
                raise OperationFailed(
                    reasons.package_in_use(self.where, package_id, decision.domains)
                )
            if decision is not None:
                self.poll_wait(decision.pending)
                continue
            if self.spec.scope:
                self._end_sharing(package_id)
            answer = self.attempt("deleting", lambda: self.store.delete_package(package_id))
            if not isinstance(answer, Retried):
                log_event("delete_requested", package=self.spec.name, package_id=package_id)
                self.remember(delete_requested=True)
