"""The fake S3 objects CreatePackage and UpdatePackage read their PackageSource from.

Not thread-safe by itself: FakeOpenSearch calls it under its own lock.
"""

from __future__ import annotations

from typing import Any

from testsupport.fakes.opensearch.model import FAILED_PACKAGE_STATUSES, ApiError

__all__ = ["S3Objects"]

Source = tuple[str, str]
"""(bucket, key) of an object."""


class S3Objects:
    """Objects by (bucket, key), and the import outcome scripted for some of them."""

    def __init__(self) -> None:
        self._objects: dict[Source, bytes] = {}
        self._import_failures: dict[Source, tuple[str, str, str]] = {}

    def put(self, bucket: str, key: str, body: bytes) -> None:
        self._objects[(bucket, key)] = bytes(body)

    @staticmethod
    def check_failed_status(status: str) -> None:
        if status not in FAILED_PACKAGE_STATUSES:
            raise ValueError(f"status must be one of {FAILED_PACKAGE_STATUSES}, not {status!r}")

    def script_failure(
        self, bucket: str, key: str, status: str, error_type: str, message: str
    ) -> None:
        """Imports of this object end in `status` with these ErrorDetails."""
        self._import_failures[(bucket, key)] = (status, error_type, message)

    def body(self, source: Source) -> bytes:
        """The object's bytes (read_source has checked it exists)."""
        return self._objects[source]

    def scripted_failure(self, source: Source) -> tuple[str, str, str] | None:
        """(status, ErrorType, ErrorMessage) scripted for imports of `source`; None: success."""
        return self._import_failures.get(source)

    def read_source(self, params: dict[str, Any]) -> Source:
        """The (bucket, key) of PackageSource, which must name an object in the fake S3."""
        # Model: PackageSource {S3BucketName, S3Key}.
        source = params.get("PackageSource")
        bucket = source.get("S3BucketName") if isinstance(source, dict) else None
        key = source.get("S3Key") if isinstance(source, dict) else None
        if not isinstance(bucket, str) or not isinstance(key, str) or not bucket or not key:
            raise ApiError("ValidationException", "PackageSource requires S3BucketName and S3Key")
        # Fake: a missing object is refused at once, as a ValidationException; the service's own
        # answer for an unreadable source is not in the reference.
        if (bucket, key) not in self._objects:
            raise ApiError(
                "ValidationException",
                f"The S3 object s3://{bucket}/{key} does not exist or cannot be read: check "
                "PackageSource.S3BucketName and S3Key",
            )
        return bucket, key
