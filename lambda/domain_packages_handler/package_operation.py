"""The shell of a `Package` resource: create, update or delete the package and wait for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

from . import package_plan, reasons
from .logs import log_event
from .model import PACKAGE_PREPARING, PackageAvailability, Pending
from .operation import OperationFailed, Waiting
from .package_plan import PackageSpec
from .plan import Done, Fail
from .service import (
    AlreadyExists,
    OpenSearchPackageStore,
    PackageNotFound,
    Rejected,
    Retryable,
    ServiceError,
)

_ADVICE = {
    "ValidationException": "Check the source object, the package type and the engine version.",
    "AccessDeniedException": "Check the handler role's es: and s3:GetObject permissions.",
    "LimitExceededException": "A Region holds at most 25 custom packages; delete unused ones.",
}


@dataclass
class PackageOperation(Waiting):
    """One Package Create, Update or Delete, possibly across invocations."""

    request_type: Literal["Create", "Update", "Delete"]
    spec: PackageSpec
    old_spec: PackageSpec | None
    store: OpenSearchPackageStore
    on_physical_id: Callable[[str], None] = field(default=lambda _: None)
    ADVICE: ClassVar[Mapping[str, str]] = _ADVICE

    @property
    def where(self) -> str:
        return f"package {self.spec.name}"

    def run(self) -> dict[str, str]:
        """Returns the response Data; raises OperationFailed or HandOver."""
        log_event(
            "operation",
            request_type=self.request_type,
            package=self.spec.name,
            progress=self.progress.to_json(),
        )
        if self.request_type == "Delete":
            return self._delete()
        if self.request_type == "Update" and self.old_spec is not None:
            kind = package_plan.change_kind(self.old_spec, self.spec)
            log_event("package_change", package=self.spec.name, kind=kind)
            if kind == "none":
                return self._await_available(self.progress.physical_id, previous=None)
            if kind == "update":
                return self._update(self.progress.physical_id)
            if self.old_spec.name == self.spec.name and "package_id" not in self.progress.extra:
                raise OperationFailed(
                    f"package {self.spec.name}: a new package type or engine version needs a "
                    "new package, and package names are unique: give the Package a new "
                    "package_name (or let the construct derive one from a new construct id)"
                )
        return self._create()

    def _remember(self, **facts: str) -> None:
        self.progress = replace(self.progress, extra={**self.progress.extra, **facts})

    def _describe(self, package_id: str) -> PackageAvailability | None:
        while True:
            try:
                return self.store.find_package(package_id)
            except Retryable as error:
                self._retry_later(error)
            except Rejected as error:
                raise self._rejected("describing the package", error) from error

    def _create(self) -> dict[str, str]:
        package_id = self.progress.extra.get("package_id", "")
        created: PackageAvailability | None = None
        while not package_id:
            try:
                created = self.store.create_package(
                    name=self.spec.name,
                    package_type=self.spec.package_type,
                    bucket=self.spec.bucket,
                    key=self.spec.key,
                    engine_version=self.spec.engine_version,
                    description=self.spec.description,
                )
                package_id = created.package_id
                log_event("created", package=self.spec.name, package_id=package_id)
            except AlreadyExists as error:
                package_id = self._adopt(error)
            except Retryable as error:
                self._retry_later(error)
            except Rejected as error:
                raise self._rejected(
                    f"creating from s3://{self.spec.bucket}/{self.spec.key}", error
                ) from error
        self._remember(package_id=package_id)
        self.progress = replace(self.progress, physical_id=package_id)
        self.on_physical_id(package_id)
        return self._await_available(package_id, previous=None, submitted=created)

    def _adopt(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event("adopted", package=self.spec.name, package_id=existing.package_id)
        return existing.package_id

    def _update(self, package_id: str) -> dict[str, str]:
        updated: PackageAvailability | None = None
        while "previous_version" not in self.progress.extra:
            before = self._describe(package_id)
            if before is None:
                raise OperationFailed(
                    f"package {self.spec.name} ({package_id}) no longer exists; delete the "
                    "Package from the stack and add it again"
                )
            if before.status in PACKAGE_PREPARING:
                # An import in flight must finish first. A failed one (COPY_FAILED,
                # VALIDATION_FAILED) does not block: updating from it is how a rollback, or the
                # next deploy with a fixed file, repairs the package.
                self._wait((Pending(package_id, before.status),), self.poll.next())
                continue
            try:
                updated = self.store.update_package(
                    package_id,
                    bucket=self.spec.bucket,
                    key=self.spec.key,
                    description=self.spec.description,
                )
                log_event("updated", package=self.spec.name, previous=before.available_version)
                self._remember(previous_version=before.available_version)
            except Retryable as error:
                self._retry_later(error)
            except (Rejected, PackageNotFound) as error:
                raise self._rejected(
                    f"updating from s3://{self.spec.bucket}/{self.spec.key}", error
                ) from error
        return self._await_available(
            package_id, previous=self.progress.extra["previous_version"], submitted=updated
        )

    def _await_available(
        self, package_id: str, previous: str | None, submitted: PackageAvailability | None = None
    ) -> dict[str, str]:
        """Poll until AVAILABLE on a new version. `submitted` is what CreatePackage or
        UpdatePackage just answered: the import has only started, so the first look waits."""
        self.poll.reset()
        if submitted is not None:
            self._wait((Pending(package_id, submitted.status or "submitted"),), self.poll.next())
        while True:
            package = self._describe(package_id)
            decision = package_plan.available_decision(package, previous)
            if isinstance(decision, Done) and package is not None:
                data = package_plan.package_data(package)
                log_event("done", on=self.where, elapsed=self._elapsed(), data=data)
                return data
            if isinstance(decision, Fail):
                raise OperationFailed(
                    reasons.package_import_failed(self.where, decision.failures[0])
                )
            if not isinstance(decision, Done):
                self._wait(decision.pending, self.poll.next())

    def _delete(self) -> dict[str, str]:
        package_id = self.progress.physical_id
        if not package_plan.is_package_id(package_id):
            # An ID this handler never issued (a failed Create): find what that Create made.
            found = self.store.find_package_named(self.spec.name)
            if found is None:
                log_event("nothing_to_delete", package=self.spec.name)
                return {}
            package_id = found.package_id
        while "delete_requested" not in self.progress.extra:
            try:
                using = self.store.domains_using(package_id)
            except PackageNotFound:
                return {}
            except Retryable as error:
                self._retry_later(error)
                continue
            decision = package_plan.in_use_decision(using)
            if isinstance(decision, Fail):
                raise OperationFailed(
                    reasons.package_in_use(
                        self.where, package_id, package_plan.domains_in_use(using)
                    )
                )
            if decision is not None:
                self._wait(decision.pending, self.poll.next())
                continue
            try:
                self.store.delete_package(package_id)
                log_event("delete_requested", package=self.spec.name, package_id=package_id)
                self._remember(delete_requested="yes")
            except PackageNotFound:
                return {}
            except Retryable as error:
                self._retry_later(error)
            except Rejected as error:
                raise self._rejected("deleting", error) from error
        self.poll.reset()
        while True:
            gone = package_plan.gone_decision(self._describe(package_id))
            if isinstance(gone, Done):
                log_event("done", on=self.where, elapsed=self._elapsed())
                return {}
            if isinstance(gone, Fail):
                raise OperationFailed(
                    reasons.package_failures(self.where, "deletion", gone.failures)
                )
            self._wait(gone.pending, self.poll.next())
