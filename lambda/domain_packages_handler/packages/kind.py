"""The Package kind (Custom::OpenSearchPackage): request → spec → operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.adapter import OpenSearchCalls
from ..core.kind import Invocation, Request, RequestType
from ..core.logs import log_event
from ..core.progress import Progress
from ..core.properties import MAX_TIMEOUT_SECONDS, InvalidProperties
from ..core.waiting import Runtime
from .creation import PackageCreation
from .deletion import PackageDeletion
from .operation import PackageOperation, PackageStore
from .ownership import owner_mark
from .plan import PackageState
from .service import OpenSearchPackageStore
from .spec import PackageSpec, change_kind, parse_package_properties
from .update import PackageUpdate

RESOURCE_TYPE = "Custom::OpenSearchPackage"
#: How long a Delete may go on after answering: as long as a DomainPackages may wait.
BACKGROUND_DELETE_SECONDS = MAX_TIMEOUT_SECONDS


@dataclass(frozen=True)
class PackageLifecycle:
    """What one CloudFormation request asks of a package."""

    request_type: RequestType
    spec: PackageSpec
    old_spec: PackageSpec | None
    physical_id: str
    #: The owner mark of this resource (ownership.py).
    mark: str
    #: UpdatePackage's CommitMessage: this request's, so a re-delivery recognises its version.
    commit_message: str = "cdk deploy"
    state_type: type[PackageState] = PackageState

    @property
    def timeout_seconds(self) -> int:
        return self.spec.timeout_seconds

    @property
    def background_seconds(self) -> int | None:
        """A Delete waits for the domains' dissociations of the package, which on a large
        domain (a plugin's blue/green) outlast the hour a custom resource may take: at its
        timeout it answers and goes on, deleting the package once no domain uses it."""
        return BACKGROUND_DELETE_SECONDS if self.request_type == "Delete" else None

    def operation(self, invocation: Invocation) -> PackageOperation:
        store = OpenSearchPackageStore(OpenSearchCalls(invocation.client))
        if self.request_type == "Delete":
            return PackageDeletion(
                invocation.progress, invocation.runtime, self.spec, store, self.mark
            )
        return package_import(
            invocation.progress,
            invocation.runtime,
            self.spec,
            store,
            self.mark,
            old_spec=self.old_spec,
            on_physical_id=invocation.on_physical_id,
            commit_message=self.commit_message,
        )


def package_import(
    progress: Progress[Any],
    runtime: Runtime,
    spec: PackageSpec,
    store: PackageStore,
    mark: str,
    *,
    old_spec: PackageSpec | None = None,
    on_physical_id: Callable[[str], None] = lambda _: None,
    commit_message: str = "cdk deploy",
    **waiting: Any,
) -> PackageCreation | PackageUpdate:
    """A Create or Update: in place when the old package can take the change, else a new one."""
    if old_spec is not None and change_kind(old_spec, spec) != "replace":
        return PackageUpdate(
            progress, runtime, spec, store, mark, old_spec=old_spec,
            commit_message=commit_message, **waiting,
        )  # fmt: skip
    return PackageCreation(
        progress, runtime, spec, store, mark, old_spec=old_spec,
        on_physical_id=on_physical_id, **waiting,
    )  # fmt: skip


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
        commit = f"cdk deploy, CloudFormation request {request.request_id}"[:160]
        return PackageLifecycle(request.request_type, spec, old, physical, mark, commit)


KIND = PackageKind()
