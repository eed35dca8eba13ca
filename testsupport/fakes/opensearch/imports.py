"""Package imports: CreatePackage and UpdatePackage copy an S3 object, validate it, version it.

Guide (custom-packages, "Importing and managing packages", "Updating packages"): a package is
COPYING, then VALIDATING, then AVAILABLE (or VALIDATION_FAILED / COPY_FAILED); each new content
that passes is a new version; domains keep theirs until the package is associated again.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import zipfile
from typing import Any, Literal

from testsupport.fakes.opensearch.model import (
    FAILED_PACKAGE_STATUSES,
    ApiError,
    Import,
    Package,
    Version,
)
from testsupport.fakes.opensearch.packages import PackagesMixin
from testsupport.fakes.opensearch.s3 import S3Objects, Source
from testsupport.fakes.opensearch.validation import (
    commit_message,
    description,
    new_package,
    package_options,
)

__all__ = ["PackageImportsMixin"]


class PackageImportsMixin(PackagesMixin):
    """CreatePackage and UpdatePackage over the fake S3 objects."""

    _s3: S3Objects
    _new_ids: itertools.count[int]

    # ----------------------------------------------------------------------------------- seeding

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        """Store an object in the fake S3 that CreatePackage and UpdatePackage read."""
        with self._lock:
            self._s3.put(bucket, key, body)

    def fail_validation(
        self,
        bucket: str,
        key: str,
        error_type: str = "InvalidPackageContent",
        message: str = "The package file failed validation.",
        *,
        status: Literal["VALIDATION_FAILED", "COPY_FAILED"] = "VALIDATION_FAILED",
    ) -> None:
        """Packages created or updated from this object end in `status` with these ErrorDetails.

        A failed update leaves the package in `status` but keeps its AvailablePackageVersion (the
        last version that passed), which domains go on using.
        """
        S3Objects.check_failed_status(status)
        with self._lock:
            self._s3.script_failure(bucket, key, status, error_type, message)

    # ------------------------------------------------------------------------------ operations

    def _op_CreatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        name, package_type, engine_version = new_package(params)
        package_description = description(params)
        options = package_options(params, create=True)
        source = self._s3.read_source(params)
        # Model: CreatePackage lists ResourceAlreadyExistsException; package names are unique,
        # except that a ZIP-PLUGIN is made again for each engine version under the same name
        # (guide: custom-plugins, upgrading a domain with custom plugins). Whether the service
        # really takes it is not shown by any field report: `plugin_name_per_engine_version`.
        per_version = package_type == "ZIP-PLUGIN" and self.plugin_name_per_engine_version
        if any(
            p.name == name and (not per_version or p.engine_version == engine_version)
            for p in self._packages.values()
        ):
            raise ApiError("ResourceAlreadyExistsException", f"Package {name} already exists")
        # Reference (service quotas): 25 custom packages per Region; AWS's and third parties'
        # packages don't count.
        custom = [p for p in self._packages.values() if not p.foreign]
        if len(custom) >= self.max_custom_packages:
            raise ApiError(
                "LimitExceededException",
                f"You have reached the limit of {self.max_custom_packages} custom packages",
            )
        package_id = self._new_package_id(package_type)
        package = Package(
            package_id=package_id,
            name=name,
            package_type=package_type,
            final_status="AVAILABLE",
            version="",
            phase_start=now,
            ready_at=now,
            created_epoch=self._epoch(now),
            updated_epoch=self._epoch(now),
            engine_version=engine_version,
            description=package_description,
            encryption=options.get("encryption"),
            vending=options.get("vending"),
        )
        self._start_import(package, source, "", now, options.get("configuration"))
        self._packages[package_id] = package
        return {"PackageDetails": self._package_details(package, now)}

    def _op_UpdatePackage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        now = self._advance()
        package = self._own_package(
            params, "Package {package_id} is owned by AWS and cannot be updated"
        )
        package_id = package.package_id
        # Fake rule: no update while an import is in progress (reference: after UpdatePackage,
        # wait for the package to be AVAILABLE again).
        status = package.status(now)
        if status not in ("AVAILABLE", *FAILED_PACKAGE_STATUSES):
            # The model lists no ConflictException for UpdatePackage.
            raise ApiError(
                "ValidationException",
                f"Package {package_id} cannot be updated while it is {status}; "
                "wait until it is AVAILABLE",
            )
        message = commit_message(params)
        package_description = description(params, default=package.description)
        options = package_options(params, create=False)
        source = self._s3.read_source(params)
        package.description = package_description
        if "encryption" in options:
            package.encryption = options["encryption"]
        # Model: UpdatePackage may carry a new PackageConfiguration; without one, the package's
        # stays (the fake's reading: the model makes the member optional).
        configuration = options.get("configuration", package.configuration)
        self._start_import(package, source, message, now, configuration)
        return {"PackageDetails": self._package_details(package, now)}

    # -------------------------------------------------------------------------------- helpers

    def _start_import(
        self,
        package: Package,
        source: Source,
        message: str,
        now: float,
        configuration: dict[str, Any] | None = None,
    ) -> None:
        """COPYING → VALIDATING over `package_processing_seconds`, then AVAILABLE with a new
        version, or the scripted failed status (the available version stays what it was)."""
        scripted = self._s3.scripted_failure(source)
        package.final_status = "AVAILABLE" if scripted is None else scripted[0]
        package.error = None if scripted is None else (scripted[1], scripted[2])
        package.phase_start = now
        package.ready_at = now + self.package_processing_seconds
        package.updated_epoch = self._epoch(now)
        package.pending = Import(message, configuration, self._s3.body(source))

    def _settle_imports(self, now: float) -> None:
        """Finish every import whose time has come: a passing one is the next version "vN"
        (the numbering is the fake's; the guide only says each update is a new version)."""
        for package in self._packages.values():
            pending = package.pending
            if package.deleting_until is not None or pending is None or now < package.ready_at:
                continue
            package.pending = None
            package.updated_epoch = self._epoch(package.ready_at)
            if package.final_status == "AVAILABLE":
                package.version = f"v{_version_number(package) + 1}"
                package.configuration = pending.configuration
                if package.package_type == "ZIP-PLUGIN":
                    package.plugin = plugin_properties(pending.body, package.name)
                package.history.append(
                    Version(package.version, pending.commit_message, package.updated_epoch)
                )

    def _new_package_id(self, package_type: str) -> str:
        """F-numbers for dictionaries, as for the service's custom packages; pkg-<hex> for the
        plugin kinds, as third-party plugins are numbered (model: the PackageID pattern)."""
        while True:
            n = next(self._new_ids)
            if package_type == "TXT-DICTIONARY":
                package_id = f"F{900000000 + n}"
            else:
                package_id = "pkg-" + hashlib.sha1(f"fake-{n}".encode()).hexdigest()
            if package_id not in self._packages:
                return package_id


def _version_number(package: Package) -> int:
    """The highest N among the package's "vN" versions (0 without any)."""
    numbers = [
        int(v.version[1:])
        for v in package.history
        if v.version.startswith("v") and v.version[1:].isdigit()
    ]
    return max(numbers, default=0)


def plugin_properties(body: bytes, package_name: str) -> dict[str, Any]:
    """AvailablePluginProperties (model: PluginProperties {Name, Description, Version,
    ClassName, UncompressedSizeInBytes}) read from the zip's plugin-descriptor.properties
    (guide: custom-plugins). A test body that is not such a zip gets placeholders."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            size = sum(info.file_size for info in archive.infolist())
            text = archive.read("plugin-descriptor.properties").decode()
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return {
            "Name": package_name,
            "Description": f"Fake plugin {package_name}",
            "Version": "1.0.0",
            "ClassName": "org.example.FakePlugin",
            "UncompressedSizeInBytes": len(body),
        }
    descriptor = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition("=") for line in text.splitlines() if "=" in line)
        if not key.strip().startswith(("#", "!"))
    )
    return {
        "Name": descriptor.get("name", package_name),
        "Description": descriptor.get("description", ""),
        "Version": descriptor.get("version", ""),
        "ClassName": descriptor.get("classname", ""),
        "UncompressedSizeInBytes": size,
    }
