"""The upgrade check kind (Custom::OpenSearchPackagesUpgradeCheck): request → spec → operation.

Create and Update check; Delete has nothing to undo. The physical ID is made once, on Create,
and kept by every Update, so CloudFormation never replaces the check (nor cleans one up).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.adapter import OpenSearchCalls
from ..core.kind import Invocation, Request
from ..core.logs import log_event
from .operation import OpenSearchCatalogue, UpgradeCheck
from .plan import CheckState
from .spec import CheckSpec, parse_check_properties

RESOURCE_TYPE = "Custom::OpenSearchPackagesUpgradeCheck"
#: The name in the physical ID (with the stack and logical ID): the same for every request.
PHYSICAL_NAME = "upgrade-check"


@dataclass(frozen=True)
class CheckLifecycle:
    """One check, ready to run."""

    spec: CheckSpec
    physical_id: str
    state_type: type[CheckState] = CheckState

    @property
    def timeout_seconds(self) -> int:
        return self.spec.timeout_seconds

    @property
    def background_seconds(self) -> int | None:
        return None

    def operation(self, invocation: Invocation) -> UpgradeCheck:
        return UpgradeCheck(
            invocation.progress,
            invocation.runtime,
            spec=self.spec,
            catalogue=OpenSearchCatalogue(OpenSearchCalls(invocation.client)),
        )


class UpgradeCheckKind:
    """Reads upgrade check requests."""

    def lifecycle(self, request: Request) -> CheckLifecycle | None:
        """The check for a Create or Update; None for a Delete (nothing to undo)."""
        if request.request_type == "Delete":
            log_event("nothing_to_delete", reason="an upgrade check changes nothing")
            return None
        spec = parse_check_properties(request.properties)
        physical = request.physical_id or request.new_physical_id(PHYSICAL_NAME)
        return CheckLifecycle(spec, physical)


KIND = UpgradeCheckKind()
