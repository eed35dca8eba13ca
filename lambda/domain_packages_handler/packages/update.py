"""A Package Update in place: UpdatePackage (a new version) when the file, description,
configuration or encryption changed, then wait until that version is AVAILABLE."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import PackageNotFound, Rejected, Retryable
from ..core.logs import log_event
from ..core.outcome import Pending
from ..core.package_status import PACKAGE_PREPARING, PackageAvailability
from ..core.waiting import OperationFailed, Retried
from .operation import PackageOperation
from .spec import PackageSpec, change_kind


@dataclass
class PackageUpdate(PackageOperation):
    """The same package, on a new version if its content changed."""

    old_spec: PackageSpec
    #: Names this request (CloudFormation's RequestId) in the version UpdatePackage makes, so
    #: a second delivery of the same request finds its version instead of making another.
    commit_message: str = "cdk deploy"

    def run(self) -> dict[str, str]:
        """Returns the response Data; raises OperationFailed or HandOver."""
        log_event("operation", package=self.spec.name, progress=self.progress.to_json())
        old = self.old_spec
        package_id = self.progress.physical_id
        kind = change_kind(old, self.spec)
        log_event("package_change", package=self.spec.name, kind=kind)
        if kind == "none":
            data = self._await_available(package_id, previous=None, must_exist=True)
        else:
            data = self._update(package_id)
        return self._share(data, shared_before=old.scope)

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
            if self._made_by_this_request(package_id):
                self.remember(previous_version="")  # the version is ours: wait for it, no more
                break
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

    def _made_by_this_request(self, package_id: str) -> bool:
        """Lambda delivers an event again after a crash, even one already answered: its
        UpdatePackage may have been made already, under this request's commit message."""
        latest = self._call_on(
            package_id, "reading its versions", lambda: self.store.latest_commit(package_id)
        )
        if latest == self.commit_message:
            log_event("already_updated", package=self.spec.name, commit=latest)
            return True
        return False

    def _update_unless_busy(self, package_id: str) -> PackageAvailability:
        """UpdatePackage; refused because an outside update started meanwhile (the package is
        copying or validating again), it is retried once that import ends."""
        try:
            return self.store.update_package(
                package_id, self.spec, self._description, self.commit_message
            )
        except Rejected as error:
            if error.code != "ValidationException":
                raise
            now = self.store.find_package(package_id)
            if now is not None and now.status in PACKAGE_PREPARING:
                raise Retryable(error.operation, error.code, error.message) from error
            raise
