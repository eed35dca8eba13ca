"""The shell of a Package resource: what its operations share, and the calls they use.

Three operations stand on one small base: `PackageCreation` (creation.py: a Create, or an Update
that needs a new package), `PackageUpdate` (update.py: an Update in place) and `PackageDeletion`
(deletion.py). All run in the shared waiting shell against `PackageStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ..core import reasons
from ..core.errors import PackageNotFound
from ..core.logs import log_event
from ..core.outcome import Done, Fail, Pending
from ..core.package_status import PackageAvailability
from ..core.waiting import OperationFailed, Waiting
from . import plan
from .ownership import marked
from .plan import PackageState
from .spec import PackageSpec

T = TypeVar("T")


class PackageStore(Protocol):
    """What a Package operation needs from OpenSearch Service."""

    def find_package(self, package_id: str) -> PackageAvailability | None: ...

    def find_package_named(
        self, name: str, engine_version: str | None
    ) -> PackageAvailability | None: ...

    def create_package(self, spec: PackageSpec, description: str) -> PackageAvailability: ...

    def update_package(
        self, package_id: str, spec: PackageSpec, description: str, commit_message: str
    ) -> PackageAvailability: ...

    def latest_commit(self, package_id: str) -> str: ...

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

    def _call_on(self, package_id: str, subject: str, request: Callable[[], T]) -> T:
        """`call` on a package that must exist: "not found" (in either of the service's forms)
        fails with what to do."""
        try:
            return self.call(subject, request)
        except PackageNotFound as error:
            raise OperationFailed(self._gone(package_id)) from error

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
        self.restart_polls()
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

    @property
    def _source(self) -> str:
        return f"s3://{self.spec.bucket}/{self.spec.key}"

    def _share(self, data: dict[str, str], shared_before: tuple[str, ...]) -> dict[str, str]:
        """Keep the package's sharing (UpdatePackageScope) in step with the props."""
        change = plan.scope_change(shared_before, self.spec.scope)
        if change is not None:
            operation, users = change
            log_event("share", package=self.spec.name, operation=operation, users=users)
            package_id = data["PackageID"]
            self._call_on(
                package_id,
                "sharing the package",
                lambda: self.store.update_scope(package_id, operation, users),
            )
        return data

    def _gone(self, package_id: str) -> str:
        return (
            f"package {self.spec.name} ({package_id}) no longer exists; delete the "
            "Package from the stack and add it again"
        )
