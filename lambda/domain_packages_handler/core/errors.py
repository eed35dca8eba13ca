"""The few outcomes of a failed service call that the operations tell apart.

The adapter (adapter.py) maps every botocore error onto exactly one of these; operations catch
the ones they treat specially and leave the rest to `Waiting.call`.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A call failed; `code` and `message` are the service's own."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message


class Retryable(ServiceError):
    """Conflict with a change in progress, throttling, 5xx, lost connection: try again later."""


class ChangeInProgress(Retryable):
    """The domain refused a change while another runs or settles. The field shows HTTP 400
    ValidationException "A change/update is in progress" (not only ConflictException), also
    while DescribeDomain already reports `Processing: false`: wait and ask again."""


class Rejected(ServiceError):
    """The service refused the request for good (validation, access, quota, missing package)."""


class DomainNotFound(ServiceError):
    """The domain does not exist (any more)."""


class BatchUnsupported(ServiceError):
    """AssociatePackages/DissociatePackages are disabled here: use the one-package calls."""


class NotAssociated(ServiceError):
    """Dissociation of a package that is not (or no longer) associated."""


class AlreadyInDesiredState(ServiceError):
    """Associating what is already ACTIVE in that form: a no-op, not a failure."""


class PackageNotFound(ServiceError):
    """The package does not exist (any more)."""


class AlreadyExists(ServiceError):
    """A package with that name exists already."""
