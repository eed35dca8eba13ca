"""The Package kind (Custom::OpenSearchPackage): request → spec → operation."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.adapter import OpenSearchCalls
from ..core.kind import Invocation, Request, RequestType
from ..core.logs import log_event
from ..core.properties import InvalidProperties
from .operation import PackageDeletion, PackageImport, PackageOperation
from .ownership import owner_mark
from .plan import PackageState
from .service import OpenSearchPackageStore
from .spec import PackageSpec, parse_package_properties

RESOURCE_TYPE = "Custom::OpenSearchPackage"


@dataclass(frozen=True)
class PackageLifecycle:
    """What one CloudFormation request asks of a package."""

    request_type: RequestType
    spec: PackageSpec
    old_spec: PackageSpec | None
    physical_id: str
    #: The owner mark of this resource (ownership.py).
    mark: str
    state_type: type[PackageState] = PackageState

    @property
    def timeout_seconds(self) -> int:
        return self.spec.timeout_seconds

    def operation(self, invocation: Invocation) -> PackageOperation:
        store = OpenSearchPackageStore(OpenSearchCalls(invocation.client))
        if self.request_type == "Delete":
            return PackageDeletion(
                invocation.progress, invocation.runtime, self.spec, store, self.mark
            )
        return PackageImport(
            invocation.progress,
            invocation.runtime,
            self.spec,
            store,
            self.mark,
            old_spec=self.old_spec,
            on_physical_id=invocation.on_physical_id,
        )


class PackageKind:
    """Reads Package requests."""

    def lifecycle(self, request: Request) -> PackageLifecycle | None:
        """The package request; None when a Delete has nothing to clean."""
        try:
            spec = parse_package_properties(request.properties)
        except InvalidProperties as error:
            if request.request_type != "Delete":
                raise
            log_event("nothing_to_delete", reason=str(error))
            return None
        old: PackageSpec | None = None
        if request.request_type == "Update":
            try:
                old = parse_package_properties(request.old_properties)
            except InvalidProperties:
                old = None  # the previous version never worked: create from scratch
        physical = request.physical_id
        if request.request_type == "Create" or (request.request_type == "Update" and old is None):
            physical = request.new_physical_id(spec.name)
        mark = owner_mark(request.new_physical_id(spec.name))
        return PackageLifecycle(request.request_type, spec, old, physical, mark)


KIND = PackageKind()
