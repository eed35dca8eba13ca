"""The DomainPackages kind (Custom::OpenSearchDomainPackages): request → target → operation."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.adapter import OpenSearchCalls
from ..core.kind import Invocation, Request
from ..core.logs import log_event
from ..core.properties import InvalidProperties
from .operation import AssociationOperation
from .ownership import KEEP_ALL, kept_by
from .plan import AssociationState
from .service import OpenSearchAssociations
from .spec import ResourceSpec, parse_properties
from .target import Target, create_target, delete_target, update_target

RESOURCE_TYPE = "Custom::OpenSearchDomainPackages"


@dataclass(frozen=True)
class AssociationLifecycle:
    """What one CloudFormation request asks of the domain."""

    target: Target
    physical_id: str
    timeout_seconds: int
    #: Its long waits answer early through the WaitCondition's handle instead.
    background_seconds: int | None = None
    state_type: type[AssociationState] = AssociationState

    def operation(self, invocation: Invocation) -> AssociationOperation:
        return AssociationOperation(
            progress=invocation.progress,
            runtime=invocation.runtime,
            target=self.target,
            service=OpenSearchAssociations(OpenSearchCalls(invocation.client)),
            on_physical_id=invocation.on_physical_id,
        )


class AssociationKind:
    """Reads DomainPackages requests."""

    def lifecycle(self, request: Request) -> AssociationLifecycle | None:
        """Target and physical ID for the request; None when a Delete has nothing to clean."""
        if request.request_type == "Delete":
            try:
                spec = parse_properties(request.properties)
            except InvalidProperties as error:
                log_event("nothing_to_delete", reason=str(error))
                return None
            kept = kept_by(request.physical_id)
            if kept is not None and KEEP_ALL in kept:
                log_event("nothing_to_delete", reason="the Create failed before any change")
                return None
            return AssociationLifecycle(
                delete_target(spec, kept or frozenset()), request.physical_id, spec.timeout_seconds
            )
        spec = parse_properties(request.properties)
        if request.request_type == "Create":
            return AssociationLifecycle(
                create_target(spec),
                request.new_physical_id(spec.domain_name),
                spec.timeout_seconds,
            )
        old: ResourceSpec | None
        try:
            old = parse_properties(request.old_properties)
        except InvalidProperties:
            old = None  # the previous version never worked: converge to the new one from scratch
        if old is None or old.domain_name != spec.domain_name:
            new_id = request.new_physical_id(spec.domain_name)
            if old is None and request.physical_id:
                new_id = request.physical_id
            target = create_target(spec, is_create=False)
            return AssociationLifecycle(target, new_id, spec.timeout_seconds)
        return AssociationLifecycle(
            update_target(old, spec), request.physical_id, spec.timeout_seconds
        )


KIND = AssociationKind()
