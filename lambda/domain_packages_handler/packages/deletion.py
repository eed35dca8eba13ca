"""A Package Delete: the package gone, once no domain uses it; only what this resource made."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import reasons
from ..core.errors import PackageNotFound
from ..core.logs import log_event
from ..core.names import is_package_id
from ..core.outcome import Done, Fail
from ..core.waiting import OperationFailed, Retried
from . import plan
from .operation import PackageOperation
from .ownership import is_marked
from .plan import InUse


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
        self.restart_polls()
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
            self.check_current()  # finishing in the background: not if a newer request came
            answer = self.attempt("deleting", lambda: self.store.delete_package(package_id))
            if not isinstance(answer, Retried):
                log_event("delete_requested", package=self.spec.name, package_id=package_id)
                self.remember(delete_requested=True)
