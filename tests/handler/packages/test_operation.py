"""The Package operations against an in-memory PackageStore on a simulated clock: no real waiting.

The store follows testsupport/fakes/opensearch's packages: an import is COPYING for its first
half, VALIDATING for the second, then AVAILABLE on the next version (v1, v2…) or the scripted
COPY_FAILED/VALIDATION_FAILED; a deletion is DELETING, then gone; names are unique; a package
that domains use is not deleted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from domain_packages_handler.core.errors import (
    AlreadyExists,
    PackageNotFound,
    Rejected,
    Retryable,
    ServiceError,
)
from domain_packages_handler.core.kind import Invocation, Request, RequestType
from domain_packages_handler.core.outcome import ErrorDetails
from domain_packages_handler.core.package_status import PACKAGE_PREPARING, PackageAvailability
from domain_packages_handler.core.progress import Progress
from domain_packages_handler.core.properties import InvalidProperties
from domain_packages_handler.core.timing import Backoff, PollSchedule
from domain_packages_handler.core.waiting import HandOver, OperationFailed, Runtime
from domain_packages_handler.packages.creation import PackageCreation
from domain_packages_handler.packages.deletion import PackageDeletion
from domain_packages_handler.packages.kind import PackageKind, package_import
from domain_packages_handler.packages.operation import PackageOperation
from domain_packages_handler.packages.ownership import marked, owner_mark
from domain_packages_handler.packages.plan import PackageState
from domain_packages_handler.packages.spec import PackageSpec
from domain_packages_handler.packages.update import PackageUpdate

from testsupport.fakes.clock import SimClock

NAME = "synonyms"
SPEC = PackageSpec(NAME, "TXT-DICTIONARY", "assets", "v1.txt", None, None, 3600)
NEW = replace(SPEC, key="v2.txt")  # new content: an UpdatePackage
FIRST_ID = "F900000001"
CFN_ID = f"{NAME}:Pkg:1111-2222"  # what the kind issues before a package exists
MARK = owner_mark(CFN_ID)  # what this resource's packages carry in their description
BACKOFF = [5.0, 10.0]  # the first back-offs: Backoff(base=5) at its ceiling, unlike any poll
STACK = "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1111-2222"


@dataclass
class StoredPackage:
    package_id: str
    name: str
    status: str
    version: str  # AvailablePackageVersion: "" before the first import passed
    since: float  # when the import or deletion in flight started
    error: ErrorDetails | None = None
    outcome: tuple[str, ErrorDetails | None] = ("AVAILABLE", None)  # of the import in flight
    description: str = ""
    shared: tuple[str, ...] = ()  # the accounts UpdatePackageScope shares it with
    commit: str = ""  # the commit message of its newest version


@dataclass
class FakeStore:
    """OpenSearch Service's packages, in memory, on `clock`."""

    clock: SimClock
    import_seconds: float = 10.0
    delete_seconds: float = 5.0
    packages: dict[str, StoredPackage] = field(default_factory=dict)
    #: S3 key → (COPY_FAILED | VALIDATION_FAILED, ErrorDetails) an import of it ends with.
    import_failures: dict[str, tuple[str, ErrorDetails]] = field(default_factory=dict)
    #: package ID → ErrorDetails: its deletion ends DELETE_FAILED.
    delete_failures: dict[str, ErrorDetails] = field(default_factory=dict)
    #: package ID → domain → (association status, when a DISSOCIATING one is gone).
    domains: dict[str, dict[str, tuple[str, float]]] = field(default_factory=dict)
    #: How many describes after an UpdatePackage still show the package as it was.
    stale_reads: int = 0
    errors: dict[str, list[ServiceError]] = field(default_factory=dict)
    calls: list[tuple[str, str, float]] = field(default_factory=list)  # method, argument, time
    _stale: dict[str, list[PackageAvailability]] = field(default_factory=dict)
    _ids: int = 0

    def add(
        self,
        name: str = NAME,
        status: str = "AVAILABLE",
        version: str = "v1",
        description: str = "hand-made",
    ) -> str:
        """Seed a package (COPYING/VALIDATING: an import started now, DELETING: a deletion);
        by default one made by someone else (no owner mark)."""
        self._ids += 1
        package_id = f"F{900000000 + self._ids}"
        self.packages[package_id] = StoredPackage(
            package_id, name, status, version, self.clock.t, description=description
        )
        return package_id

    def add_ours(self, **overrides: str) -> str:
        """Seed a package this resource made (a crashed attempt's): it carries the mark."""
        return self.add(description=marked(None, MARK), **overrides)

    # ------------------------------------------------------------------ the PackageStore calls

    def find_package(self, package_id: str) -> PackageAvailability | None:
        self._enter("find_package", package_id)
        stale = self._stale.get(package_id)
        if stale:
            return stale.pop(0)
        package = self.packages.get(package_id)
        return None if package is None else self._view(package)

    def find_package_named(
        self, name: str, engine_version: str | None
    ) -> PackageAvailability | None:
        self._enter("find_package_named", name)
        return next((self._view(p) for p in self.packages.values() if p.name == name), None)

    def create_package(self, spec: PackageSpec, description: str) -> PackageAvailability:
        self._enter("create_package", spec.name)
        if any(p.name == spec.name for p in self.packages.values()):
            raise already_exists()
        package_id = self.add(spec.name, status="COPYING", version="", description=description)
        return self._import(self.packages[package_id], spec)

    def latest_commit(self, package_id: str) -> str:
        self._enter("latest_commit", package_id)
        return self._require("GetPackageVersionHistory", package_id).commit

    def update_package(
        self, package_id: str, spec: PackageSpec, description: str, commit_message: str
    ) -> PackageAvailability:
        self._enter("update_package", package_id)
        package = self._require("UpdatePackage", package_id)
        if package.status not in ("AVAILABLE", "COPY_FAILED", "VALIDATION_FAILED"):
            message = f"Package {package_id} cannot be updated while it is {package.status}"
            raise Rejected("UpdatePackage", "ValidationException", message)
        self._stale[package_id] = [self._view(package)] * self.stale_reads
        package.description = description
        package.commit = commit_message
        return self._import(package, spec)

    def update_scope(self, package_id: str, operation: str, users: tuple[str, ...]) -> None:
        self._enter("update_scope", f"{operation} {','.join(users)}")
        package = self._require("UpdatePackageScope", package_id)
        shared = set(package.shared)
        if operation == "REMOVE":
            shared -= set(users)
        elif operation == "ADD":
            shared |= set(users)
        else:
            shared = set(users)
        package.shared = tuple(sorted(shared))

    def delete_package(self, package_id: str) -> None:
        self._enter("delete_package", package_id)
        package = self._require("DeletePackage", package_id)
        if package.status == "DELETING":
            raise Retryable("DeletePackage", "ConflictException", "already being deleted")
        if self.domains.get(package_id):
            raise Retryable("DeletePackage", "ConflictException", "Package is in use")
        package.status, package.since, package.error = "DELETING", self.clock.t, None

    def domains_using(self, package_id: str) -> dict[str, str]:
        self._enter("domains_using", package_id)
        self._require("ListDomainsForPackage", package_id)
        return {d: status for d, (status, _) in self.domains.get(package_id, {}).items()}

    # -------------------------------------------------------------------------------- helpers

    def count(self, method: str) -> int:
        return sum(1 for call, _, _ in self.calls if call == method)

    def names(self) -> list[str]:
        return [call for call, _, _ in self.calls]

    def time_of(self, method: str) -> float:
        return next(t for call, _, t in self.calls if call == method)

    def _enter(self, method: str, argument: str) -> None:
        self.calls.append((method, argument, self.clock.t))
        queue = self.errors.get(method)
        if queue:
            raise queue.pop(0)
        self._settle()

    def _settle(self) -> None:
        now = self.clock.t
        for package in list(self.packages.values()):
            elapsed = now - package.since
            if package.status in PACKAGE_PREPARING and elapsed >= self.import_seconds:
                package.status, package.error = package.outcome
                if package.status == "AVAILABLE":
                    package.version = f"v{int(package.version[1:] or 0) + 1}"
            elif package.status in PACKAGE_PREPARING and elapsed >= self.import_seconds / 2:
                package.status = "VALIDATING"
            elif package.status == "DELETING" and elapsed >= self.delete_seconds:
                failure = self.delete_failures.get(package.package_id)
                if failure is None:
                    del self.packages[package.package_id]
                else:
                    package.status, package.error = "DELETE_FAILED", failure
        for using in self.domains.values():
            for domain, (status, until) in list(using.items()):
                if status == "DISSOCIATING" and now >= until:
                    del using[domain]

    def _import(self, package: StoredPackage, spec: PackageSpec) -> PackageAvailability:
        package.status, package.since, package.error = "COPYING", self.clock.t, None
        package.outcome = self.import_failures.get(spec.key, ("AVAILABLE", None))
        return self._view(package)

    def _require(self, operation: str, package_id: str) -> StoredPackage:
        package = self.packages.get(package_id)
        if package is None:
            raise not_found(operation, package_id)
        return package

    @staticmethod
    def _view(package: StoredPackage) -> PackageAvailability:
        return PackageAvailability(
            package.package_id,
            package.status,
            package.error,
            package.name,
            package.version,
            package.description,
        )


def already_exists() -> AlreadyExists:
    return AlreadyExists(
        "CreatePackage", "ResourceAlreadyExistsException", f"Package {NAME} already exists"
    )


def not_found(operation: str, package_id: str) -> PackageNotFound:
    return PackageNotFound(
        operation, "ResourceNotFoundException", f"Package not found: {package_id}"
    )


def data(package_id: str, version: str, name: str = NAME) -> dict[str, str]:
    return {
        "PackageID": package_id,
        "PackageVersion": version,
        "PackageName": name,
        **dict.fromkeys(PLUGIN_KEYS, ""),  # not a plugin: the keys exist, empty
    }


PLUGIN_KEYS = (
    "PluginName",
    "PluginVersion",
    "PluginClassName",
    "PackageOwner",
    "AvailablePackageConfiguration",
)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(SimClock())


def backoff() -> Backoff:
    """Always the ceiling: 5, 10, 16, 16… seconds."""
    return Backoff(base=5.0, uniform=lambda lo, hi: hi)


def runtime(clock: SimClock) -> Runtime:
    return Runtime(now=clock.now, sleep=clock.sleep, remaining=clock.remaining)


def fresh(operation: PackageOperation, progress: Progress[PackageState]) -> PackageOperation:
    """The same operation in a new invocation, from `progress`."""
    return replace(operation, progress=progress, poll=PollSchedule(), backoff=backoff())


def importer(
    store: FakeStore,
    *,
    spec: PackageSpec = SPEC,
    old: PackageSpec | None = None,
    physical: str = CFN_ID,
    state: PackageState | None = None,
    timeout: int = 3600,
    seen: list[str] | None = None,
) -> PackageCreation | PackageUpdate:
    progress = Progress.start(store.clock.t, timeout, physical, state or PackageState())
    return package_import(
        progress,
        runtime(store.clock),
        spec,
        store,
        MARK,
        old_spec=old,
        on_physical_id=(lambda _: None) if seen is None else seen.append,
        backoff=backoff(),
    )


def deletion(store: FakeStore, physical: str, state: PackageState | None = None) -> PackageDeletion:
    progress = Progress.start(store.clock.t, 3600, physical, state or PackageState())
    return PackageDeletion(progress, runtime(store.clock), SPEC, store, MARK, backoff=backoff())


def scenario(store: FakeStore, name: str) -> PackageOperation:
    """A plain run of each kind of request, for the tests every path shares."""
    if name == "create":
        return importer(store)
    if name == "adopt":  # CreatePackage: ResourceAlreadyExists; our crashed attempt's package
        store.add_ours()
        return importer(store)
    if name == "update":
        return importer(store, spec=NEW, old=SPEC, physical=store.add())
    if name == "delete":
        return deletion(store, store.add())
    assert name == "delete_by_name"
    store.add_ours()
    return deletion(store, CFN_ID)


#: Each store call: its API operation, and the subject a rejection's reason names.
CALLS = {
    "create_package": ("CreatePackage", "creating from s3://assets/v1.txt"),
    "update_package": ("UpdatePackage", "updating from s3://assets/v2.txt"),
    "delete_package": ("DeletePackage", "deleting"),
    "domains_using": ("ListDomainsForPackage", "listing its domains"),
    "find_package": ("DescribePackages", "describing the package"),
    "find_package_named": ("DescribePackages", "finding the package by name"),
}

RESULTS: dict[str, dict[str, str]] = {
    "create": data(FIRST_ID, "v1"),
    "adopt": data(FIRST_ID, "v1"),
    "update": data(FIRST_ID, "v2"),
    "delete": {},
    "delete_by_name": {},
}


def failure_of(operation: PackageOperation) -> str:
    with pytest.raises(OperationFailed) as failure:
        operation.run()
    return str(failure.value)


# ---------------------------------------------------------------------------------- create


def test_create_waits_for_available_and_records_the_package_id(store: FakeStore) -> None:
    seen: list[str] = []
    operation = importer(store, seen=seen)
    assert operation.run() == data(FIRST_ID, "v1")
    assert seen == [FIRST_ID]
    assert operation.progress.physical_id == FIRST_ID
    assert operation.state == PackageState(package_id=FIRST_ID)
    assert store.count("create_package") == 1
    # The first look waits one poll: nothing is described right after CreatePackage.
    assert store.calls[:2] == [("create_package", NAME, 0.0), ("find_package", FIRST_ID, 1.0)]
    assert store.clock.sleeps[:3] == [1.0, 2.0, 3.0]
    # AVAILABLE at t=10; the answer follows within one capped poll.
    assert 10.0 <= store.clock.t <= 13.0


@pytest.mark.parametrize(
    ("state", "calls"),
    [
        # A resumed Create: the package its crashed attempt created is known.
        (PackageState(package_id=FIRST_ID), ["find_package"]),
        # ResourceAlreadyExists: found by name, and it carries this resource's mark.
        (PackageState(), ["create_package", "find_package_named", "find_package"]),
    ],
)
def test_a_package_of_a_crashed_attempt_is_recovered(
    store: FakeStore, state: PackageState, calls: list[str]
) -> None:
    store.add_ours(version="v3")
    seen: list[str] = []
    operation = importer(store, state=state, seen=seen)
    assert operation.run() == data(FIRST_ID, "v3")
    assert store.names() == calls
    assert operation.state == PackageState(package_id=FIRST_ID)
    assert seen == [FIRST_ID]
    assert operation.progress.physical_id == FIRST_ID
    assert store.clock.t == 0.0


def test_a_name_that_exists_but_is_not_found_is_created_again_later(store: FakeStore) -> None:
    store.errors["create_package"] = [already_exists()]
    assert importer(store).run() == data(FIRST_ID, "v1")
    assert store.calls[:3] == [
        ("create_package", NAME, 0.0),
        ("find_package_named", NAME, 0.0),
        ("create_package", NAME, BACKOFF[0]),
    ]
    assert store.clock.sleeps[0] == BACKOFF[0]


def test_a_replace_that_keeps_the_name_fails_naming_package_name(store: FakeStore) -> None:
    old = replace(SPEC, package_type="PACKAGE-CONFIG")
    reason = failure_of(importer(store, old=old, physical=store.add()))
    assert reason.startswith(
        f"package {NAME}: a new package type, engine version or vending option"
    )
    assert "package names are unique" in reason
    assert "package_name" in reason
    assert store.calls == []


@pytest.mark.parametrize(
    "description", ["hand-made", "", marked(None, owner_mark("synonyms:Pkg:other-stack"))]
)
def test_a_package_of_the_same_name_made_by_anyone_else_is_never_taken_over(
    store: FakeStore, description: str
) -> None:
    foreign = store.add(description=description)
    reason = failure_of(importer(store))
    assert reason == (
        f"package {NAME}: the name is taken by package {foreign}, which this stack did not "
        f"create. Give the Package another package_name, or use the existing package with "
        f"Package.from_package_id(self, 'Id', '{foreign}')"
    )
    assert store.names() == ["create_package", "find_package_named"]
    assert store.packages[foreign].description == description


def test_what_this_resource_creates_and_updates_carries_its_mark(store: FakeStore) -> None:
    described = replace(SPEC, description="Product synonyms")
    importer(store, spec=described).run()
    assert store.packages[FIRST_ID].description == f"Product synonyms {MARK}"
    store.clock.advance(1)
    importer(store, spec=replace(described, key="v2.txt", description=None), old=described,
             physical=FIRST_ID).run()  # fmt: skip
    assert store.packages[FIRST_ID].description == MARK


# ---------------------------------------------------------------------------------- update


def test_an_update_without_changes_only_describes(store: FakeStore) -> None:
    package_id = store.add(version="v2")
    operation = importer(store, old=SPEC, physical=package_id)
    assert operation.run() == data(package_id, "v2")
    assert store.names() == ["find_package"]
    assert operation.state == PackageState()


@pytest.mark.parametrize(
    ("status", "stale", "updated_at", "previous"),
    [
        # Two describes after UpdatePackage still show AVAILABLE v1: not the new version yet.
        ("AVAILABLE", 2, 0.0, "v1"),
        # An import in flight (v1 → v2 at t=10) finishes first: UpdatePackage at the next poll.
        ("COPYING", 0, 12.0, "v2"),
        # A failed import does not block: updating is how a rollback or a fixed file repairs it.
        ("VALIDATION_FAILED", 0, 0.0, "v1"),
        ("COPY_FAILED", 0, 0.0, "v1"),
    ],
)
def test_new_content_updates_once_and_waits_for_a_new_version(
    store: FakeStore, status: str, stale: int, updated_at: float, previous: str
) -> None:
    store.stale_reads = stale
    package_id = store.add(status=status)
    operation = importer(store, spec=NEW, old=SPEC, physical=package_id)
    assert operation.run() == data(package_id, f"v{int(previous[1:]) + 1}")
    updates = [call for call in store.calls if call[0] == "update_package"]
    assert updates == [("update_package", package_id, updated_at)]
    assert operation.state == PackageState(previous_version=previous)
    # The new version is AVAILABLE 10 s after UpdatePackage; the answer follows within a poll.
    assert 10.0 <= store.clock.t - updated_at <= 13.0


@pytest.mark.parametrize(
    ("gone_at", "reason", "calls"),
    [
        ("find_package", f"package {NAME} ({FIRST_ID}) no longer exists; delete the Package", 1),
        (
            "update_package",
            f"updating from s3://assets/v2.txt on package {NAME}: ResourceNotFoundException: "
            f"Package not found: {FIRST_ID}",
            3,
        ),
    ],
)
def test_an_update_of_a_package_gone_fails(
    store: FakeStore, gone_at: str, reason: str, calls: int
) -> None:
    operation = scenario(store, "update")
    if gone_at == "find_package":
        store.packages.clear()
    else:
        store.errors["update_package"] = [not_found("UpdatePackage", FIRST_ID)]
    assert failure_of(operation).startswith(reason)
    assert store.names() == ["find_package", "latest_commit", "update_package"][:calls]


def test_a_replace_with_a_new_name_creates(store: FakeStore) -> None:
    old_id = store.add()
    seen: list[str] = []
    new = replace(SPEC, name="synonyms-new", package_type="PACKAGE-CONFIG")
    operation = importer(store, spec=new, old=SPEC, physical=old_id, seen=seen)
    new_id = "F900000002"
    assert operation.run() == data(new_id, "v1", "synonyms-new")
    assert seen == [new_id]
    assert operation.progress.physical_id == new_id
    assert store.count("create_package") == 1
    assert store.count("update_package") == 0
    assert old_id in store.packages  # CloudFormation deletes the old one


def test_an_update_without_changes_of_a_package_gone_fails_at_once(store: FakeStore) -> None:
    operation = importer(store, old=SPEC, physical="F900000042", timeout=600)
    assert "no longer exists" in failure_of(operation)
    assert store.clock.t < 10.0


# ------------------------------------------------------------------------ import failures


VALIDATION_ADVICE = "Fix the file and deploy again."
COPY_ADVICE = "Check that the source object exists and is readable, then deploy again."


@pytest.mark.parametrize(
    ("status", "error", "advice"),
    [
        ("VALIDATION_FAILED", ErrorDetails("InvalidDictionary", "line 3"), VALIDATION_ADVICE),
        ("COPY_FAILED", ErrorDetails("S3Error", "NoSuchKey"), COPY_ADVICE),
        ("VALIDATION_FAILED", ErrorDetails("Invalid", "x" * 600), VALIDATION_ADVICE),  # trimmed
    ],
)
@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_a_failed_import_names_package_status_error_and_advice(
    store: FakeStore, request_type: str, status: str, error: ErrorDetails, advice: str
) -> None:
    operation = scenario(store, request_type.lower())
    store.import_failures[operation.spec.key] = (status, error)
    reason = failure_of(operation)
    head = f"package {NAME} ({FIRST_ID}) is {status}: {error.error_type}: "
    whole = f"{head}{error.error_message}. {advice}"
    if len(whole) <= 256:
        assert reason == whole
    else:  # the service's message is trimmed; the rest stays whole
        assert reason.startswith(head + error.error_message[:50])
        assert reason.endswith(f"…. {advice}")
        assert len(reason) == 256
    assert 10.0 <= store.clock.t <= 13.0  # failed as soon as seen


# ---------------------------------------------------------------------------------- delete


def test_delete_waits_for_a_dissociation_then_deletes_once_until_gone(store: FakeStore) -> None:
    package_id = store.add()
    store.domains[package_id] = {"logs": ("DISSOCIATING", 8.0)}
    operation = deletion(store, package_id)
    assert operation.run() == {}
    assert package_id not in store.packages
    assert store.count("delete_package") == 1
    deleted_at = store.time_of("delete_package")
    assert deleted_at >= 8.0
    assert store.clock.t >= deleted_at + store.delete_seconds
    assert operation.state == PackageState(delete_requested=True)


def test_delete_of_a_package_in_use_fails_naming_the_domains(store: FakeStore) -> None:
    package_id = store.add()
    store.domains[package_id] = {
        "beta": ("ACTIVE", math.inf),
        "alpha": ("ACTIVE", math.inf),
        "gamma": ("DISSOCIATING", 50.0),
    }
    reason = failure_of(deletion(store, package_id))
    assert reason.startswith(
        f"package {NAME} ({package_id}) is still associated with domain(s) alpha, beta: "
    )
    assert "RemovalPolicy.RETAIN" in reason
    assert "gamma" not in reason
    assert store.names() == ["domains_using"]
    assert package_id in store.packages


@pytest.mark.parametrize(
    ("method", "calls"),
    [
        (None, ["domains_using"]),  # gone already: ListDomainsForPackage says so
        ("domains_using", ["domains_using"]),
        ("delete_package", ["domains_using", "delete_package"]),
    ],
)
def test_delete_of_a_package_not_found_is_done(
    store: FakeStore, method: str | None, calls: list[str]
) -> None:
    package_id = store.add()
    if method is None:
        store.packages.clear()
    else:
        store.errors[method] = [not_found(CALLS[method][0], package_id)]
    assert deletion(store, package_id).run() == {}
    assert store.names() == calls


@pytest.mark.parametrize(
    ("named", "ours", "calls"),
    [
        (NAME, True, ["find_package_named", "domains_using", "delete_package"]),
        ("other", True, ["find_package_named"]),  # nothing of that name: nothing to delete
        (NAME, False, ["find_package_named"]),  # someone else's: a name is never enough
    ],
)
def test_delete_of_a_physical_id_not_a_package_id_finds_its_own_package_by_name(
    store: FakeStore, named: str, ours: bool, calls: list[str]
) -> None:
    package_id = store.add_ours(name=named) if ours else store.add(named)
    assert deletion(store, CFN_ID).run() == {}
    assert store.names()[:3] == calls
    assert (package_id in store.packages) is not (named == NAME and ours)


def test_a_deletion_that_fails_says_deletion_failed(store: FakeStore) -> None:
    package_id = store.add()
    store.delete_failures[package_id] = ErrorDetails("DeleteFailure", "internal error")
    reason = failure_of(deletion(store, package_id))
    assert reason == f"deletion failed on package {NAME}: {FIRST_ID} DeleteFailure: internal error"
    assert store.count("delete_package") == 1


def test_a_resumed_deletion_only_waits_until_gone(store: FakeStore) -> None:
    package_id = store.add(status="DELETING")
    operation = deletion(store, package_id, PackageState(delete_requested=True))
    assert operation.run() == {}
    assert set(store.names()) == {"find_package"}
    assert store.clock.t >= store.delete_seconds


# ------------------------------------------------------------------- retries and rejections


@pytest.mark.parametrize(
    ("name", "method", "calls"),
    [
        ("create", "create_package", 3),
        ("create", "find_package", 3),
        ("adopt", "find_package_named", 3),
        ("update", "find_package", 8),  # 3 before UpdatePackage, then 5 polls
        ("update", "update_package", 3),
        ("delete", "domains_using", 3),
        ("delete", "delete_package", 3),
        ("delete", "find_package", 3),
        ("delete_by_name", "find_package_named", 3),
    ],
)
def test_throttling_and_5xx_are_retried_with_backoff(
    store: FakeStore, name: str, method: str, calls: int
) -> None:
    operation = CALLS[method][0]
    store.errors[method] = [
        Retryable(operation, "ThrottlingException", "Rate exceeded"),
        Retryable(operation, "InternalException", "Internal server error (HTTP 500)"),
    ]
    assert scenario(store, name).run() == RESULTS[name]
    assert store.errors[method] == []
    assert store.count(method) == calls
    assert [s for s in store.clock.sleeps if s >= 5.0] == BACKOFF
    assert store.clock.t >= sum(BACKOFF)
    # Each run makes one write call that succeeds (adopt: the CreatePackage refused).
    writes = ("create_package", "update_package", "delete_package")
    assert sum(store.count(w) for w in writes) == (3 if method in writes else 1)


LIMIT = "You have reached the limit of 25 custom packages"
DENIED = "User: arn:aws:sts::123456789012:assumed-role/h is not authorized to perform: es:"
ADVICE_WORDS = {
    "LimitExceededException": "A Region holds at most 25 custom packages; delete unused ones.",
    "ValidationException": "Check the source object, the package type and the engine version.",
    "AccessDeniedException": "Check the handler role's es: and s3:GetObject permissions.",
}


@pytest.mark.parametrize(
    ("name", "method", "code", "message"),
    [
        ("create", "create_package", "LimitExceededException", LIMIT),
        ("create", "create_package", "LimitExceededException", LIMIT * 9),
        ("create", "create_package", "ValidationException", "Invalid S3 key"),
        ("create", "find_package", "AccessDeniedException", DENIED + "DescribePackages"),
        ("update", "update_package", "AccessDeniedException", DENIED + "UpdatePackage"),
        ("update", "find_package", "ValidationException", "Invalid PackageID"),
        ("delete", "domains_using", "AccessDeniedException", DENIED + "ListDomainsForPackage"),
        ("delete", "delete_package", "ValidationException", "Package cannot be deleted"),
        ("delete", "find_package", "AccessDeniedException", DENIED + "DescribePackages"),
        ("delete_by_name", "find_package_named", "AccessDeniedException", DENIED + "Describe"),
    ],
)
def test_a_rejection_fails_with_code_message_and_advice(
    store: FakeStore, name: str, method: str, code: str, message: str
) -> None:
    operation, subject = CALLS[method]
    store.errors[method] = [Rejected(operation, code, message)]
    reason = failure_of(scenario(store, name))
    whole = f"{subject} on package {NAME}: {code}: {message}. {ADVICE_WORDS[code]}"
    if len(whole) <= 256:
        assert reason == whole
    else:  # the service's message is trimmed; the rest stays whole
        assert reason.startswith(f"{subject} on package {NAME}: {code}: {message[:50]}")
        assert reason.endswith(f"…. {ADVICE_WORDS[code]}")
        assert len(reason) == 256
    assert store.calls[-1][0] == method  # nothing after the rejected call
    assert store.count(method) == 1


# ---------------------------------------------------------------- deadline and hand-over


def test_a_package_that_never_becomes_available_times_out_naming_it(store: FakeStore) -> None:
    store.import_seconds = 1e6
    reason = failure_of(importer(store, timeout=60))
    assert reason.startswith(
        f"timed out after 54 s on package {NAME} waiting for {FIRST_ID} (COPYING)"
    )
    assert "Raise `timeout`" in reason
    assert len(reason) <= 256
    assert store.clock.t == pytest.approx(54.0)


@pytest.mark.parametrize(
    ("name", "method", "state", "result"),
    [
        ("create", "create_package", PackageState(package_id=FIRST_ID), data(FIRST_ID, "v1")),
        ("update", "update_package", PackageState(previous_version="v1"), data(FIRST_ID, "v2")),
        ("delete", "delete_package", PackageState(delete_requested=True), {}),
    ],
)
def test_a_hand_over_carries_the_state_and_the_resumed_run_does_not_call_again(
    store: FakeStore, name: str, method: str, state: PackageState, result: dict[str, str]
) -> None:
    store.import_seconds = store.delete_seconds = 150.0
    store.clock.invocation_end = 100.0
    operation = scenario(store, name)
    with pytest.raises(HandOver) as handover:
        operation.run()
    progress = handover.value.progress
    assert progress.state == state
    assert progress.handovers == 1
    assert store.clock.t >= 100.0 - 20.0 - 3.0
    assert store.clock.remaining() >= operation.runtime.handover_margin
    assert progress.physical_id == FIRST_ID
    restored = Progress.from_json(json.loads(json.dumps(progress.to_json())), PackageState)
    assert restored == progress
    store.clock.invocation_end = store.clock.t + 900.0
    assert fresh(operation, restored).run() == result
    assert store.count(method) == 1
    assert store.clock.t >= 150.0


def test_a_same_named_package_being_deleted_is_not_adopted(store: FakeStore) -> None:
    """CreatePackage meets the name of a package in DELETING: adopting it would wait until it is
    gone and then for "not described yet" up to the deadline. Create again once the name is
    free (CreatePackage is tried at each poll until then)."""
    store.add(status="DELETING")
    operation = importer(store, timeout=600)
    assert operation.run() == data("F900000002", "v1")
    assert store.count("create_package") >= 2
    assert operation.state.package_id == "F900000002"


# ------------------------------------------------------------------------------ the kind


def props(**overrides: Any) -> dict[str, Any]:
    source = {"S3BucketName": "assets", "S3Key": "v1.txt"}
    return {"PackageName": NAME, "PackageSource": source, "TimeoutSeconds": "3600", **overrides}


def request(
    request_type: RequestType, properties: dict[str, Any], old: dict[str, Any] | None = None
) -> Request:
    physical = "" if request_type == "Create" else "F900000001"
    return Request(request_type, properties, old, physical, STACK, "Pkg")


@pytest.mark.parametrize(
    ("request_type", "old", "old_spec", "physical"),
    [
        ("Create", None, None, CFN_ID),
        ("Update", props(), SPEC, "F900000001"),
        ("Update", props(PackageType="JAR"), None, CFN_ID),  # unparsable: create anew
        ("Delete", None, None, "F900000001"),
    ],
)
def test_the_kind_picks_the_operation_and_the_physical_id(
    request_type: RequestType,
    old: dict[str, Any] | None,
    old_spec: PackageSpec | None,
    physical: str,
) -> None:
    lifecycle = PackageKind().lifecycle(request(request_type, props(), old))
    assert lifecycle is not None
    assert (lifecycle.spec, lifecycle.old_spec, lifecycle.physical_id) == (SPEC, old_spec, physical)
    assert lifecycle.timeout_seconds == 3600
    progress = Progress.start(0.0, 3600, lifecycle.physical_id, PackageState())
    seen: list[str] = []
    invocation = Invocation(progress, runtime(SimClock()), object(), seen.append)
    operation = lifecycle.operation(invocation)
    expected = {"Delete": PackageDeletion, "Create": PackageCreation}.get(
        request_type, PackageUpdate if old_spec is not None else PackageCreation
    )
    assert type(operation) is expected
    assert (operation.spec, operation.progress) == (SPEC, progress)
    if isinstance(operation, PackageUpdate):
        assert operation.old_spec == old_spec
        assert operation.commit_message == "cdk deploy, CloudFormation request "
    if isinstance(operation, PackageCreation):
        assert operation.old_spec == old_spec
        operation.on_physical_id("F900000009")
        assert seen == ["F900000009"]


def test_the_kind_skips_a_delete_with_invalid_properties() -> None:
    assert PackageKind().lifecycle(request("Delete", props(PackageName="Bad Name"))) is None


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_the_kind_refuses_invalid_properties_on_create_and_update(
    request_type: RequestType,
) -> None:
    invalid = props(PackageSource={"S3BucketName": "assets"})
    with pytest.raises(InvalidProperties, match="needs S3BucketName and S3Key"):
        PackageKind().lifecycle(request(request_type, invalid, props()))


def test_an_update_racing_an_outside_update_waits_and_retries(store: FakeStore) -> None:
    """Someone else's UpdatePackage starts between our look and our call: the service refuses
    ours while the package is copying; it is sent again once that import has ended."""
    package_id = store.add_ours()
    original = store.update_package

    def outside_update_first(
        package_id: str, spec: PackageSpec, description: str, commit: str
    ) -> PackageAvailability:
        store.update_package = original  # type: ignore[method-assign]
        package = store.packages[package_id]
        package.status, package.since = "COPYING", store.clock.t  # the other import
        return original(package_id, spec, description, commit)  # refused: COPYING

    store.update_package = outside_update_first  # type: ignore[method-assign, assignment]
    operation = importer(store, spec=NEW, old=SPEC, physical=package_id)
    assert operation.run() == data(package_id, "v3")
    assert store.count("update_package") == 2
    refused, accepted = (t for call, _, t in store.calls if call == "update_package")
    assert accepted - refused >= store.import_seconds / 2


def test_sharing_follows_the_props_on_create_update_and_delete(store: FakeStore) -> None:
    shared = replace(SPEC, scope=("111111111111",))
    importer(store, spec=shared).run()
    assert store.packages[FIRST_ID].shared == ("111111111111",)
    assert store.names()[-1] == "update_scope"  # once the package is AVAILABLE
    store.calls.clear()
    importer(store, spec=replace(shared, scope=("GLOBAL",)), old=shared, physical=FIRST_ID).run()
    assert store.packages[FIRST_ID].shared == ("GLOBAL",)
    assert store.names() == ["find_package", "update_scope"]  # no new version for sharing
    store.calls.clear()
    importer(store, spec=SPEC, old=replace(SPEC, scope=("GLOBAL",)), physical=FIRST_ID).run()
    assert store.packages[FIRST_ID].shared == ()
    store.calls.clear()
    operation = deletion(store, FIRST_ID)
    operation.spec = replace(SPEC, scope=("GLOBAL",))
    operation.run()
    assert store.names()[:3] == ["domains_using", "update_scope", "delete_package"]


def test_a_second_delivery_of_an_update_finds_its_version_and_makes_no_other(
    store: FakeStore,
) -> None:
    """Lambda may deliver the same Update twice (after a crash, even once answered): the
    version UpdatePackage made carries the request's commit message, so the second delivery
    waits for it instead of making a second version CloudFormation never hears of."""
    package_id = store.add_ours()
    first = importer(store, spec=NEW, old=SPEC, physical=package_id)
    assert isinstance(first, PackageUpdate)
    first.commit_message = "cdk deploy, CloudFormation request r-1"
    answer = first.run()
    again = importer(store, spec=NEW, old=SPEC, physical=package_id)
    assert isinstance(again, PackageUpdate)
    again.commit_message = "cdk deploy, CloudFormation request r-1"
    assert again.run() == answer
    assert store.count("update_package") == 1
    other = importer(store, spec=replace(NEW, key="v3.txt"), old=NEW, physical=package_id)
    assert isinstance(other, PackageUpdate)
    other.commit_message = "cdk deploy, CloudFormation request r-2"
    other.run()
    assert store.count("update_package") == 2  # another request: another version
