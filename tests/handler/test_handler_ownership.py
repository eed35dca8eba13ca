"""What each kind owns: the owner mark of packages, and what a failed DomainPackages Create
leaves on the domain (its physical ID names the packages that were there before)."""

from __future__ import annotations

import pytest
from domain_packages_handler.associations import ownership
from domain_packages_handler.associations.kind import AssociationKind
from domain_packages_handler.associations.model import Association, AssociationStatus, Snapshot
from domain_packages_handler.core.kind import Request
from domain_packages_handler.packages.ownership import (
    MAX_DESCRIPTION,
    is_marked,
    marked,
    owner_mark,
)

S = AssociationStatus
BASE = "search:Packages:0b7c-uuid"


def test_the_owner_mark_is_stable_per_resource_and_differs_between_resources() -> None:
    mark = owner_mark("syn:Res:uuid")
    assert mark == owner_mark("syn:Res:uuid")
    assert mark != owner_mark("syn:Res:other-uuid")
    assert mark != owner_mark("syn:Other:uuid")
    assert len(mark) == 34
    assert mark.startswith("[opensearch-packages:")


def test_descriptions_keep_the_users_words_and_end_with_the_mark() -> None:
    mark = owner_mark("syn:Res:uuid")
    assert marked("Product synonyms", mark) == f"Product synonyms {mark}"
    assert marked(None, mark) == mark
    assert marked("", mark) == mark
    long = marked("x" * 2000, mark)
    assert len(long) == MAX_DESCRIPTION
    assert long.endswith(f"x {mark}")
    assert is_marked(f"words {mark}", mark)
    assert is_marked(f"words {mark}  ", mark)
    assert not is_marked("words", mark)
    assert not is_marked(f"{mark} then words", mark)
    assert not is_marked(marked("w", owner_mark("other")), mark)


def test_a_failed_create_names_what_the_domain_had_before() -> None:
    assert ownership.failure_id(BASE, None) == f"{BASE}#keep=*"
    assert ownership.failure_id(BASE, ()) == f"{BASE}#keep="
    assert ownership.failure_id(BASE, ("F1", "pkg-0a")) == f"{BASE}#keep=F1,pkg-0a"
    too_many = tuple(f"pkg-{i:040x}" for i in range(30))
    assert ownership.failure_id(BASE, too_many) == f"{BASE}#keep=*"
    assert ownership.kept_by(BASE) is None
    assert ownership.kept_by(f"{BASE}#keep=") == frozenset()
    assert ownership.kept_by(f"{BASE}#keep=F1,pkg-0a") == frozenset({"F1", "pkg-0a"})
    assert ownership.kept_by(f"{BASE}#keep=*") == frozenset({"*"})


def test_what_was_there_before_is_every_declared_package_not_leaving() -> None:
    snapshot = Snapshot(
        {
            "F1": Association("F1", S.ACTIVE),
            "F2": Association("F2", S.DISSOCIATING),
            "F3": Association("F3", S.ASSOCIATION_FAILED),
            "X9": Association("X9", S.ACTIVE),
        }
    )
    assert ownership.already_there(["F1", "F2", "F3", "F4"], snapshot) == ("F1", "F3")


def request(request_type: str, physical_id: str) -> Request:
    return Request(
        request_type,  # type: ignore[arg-type]
        {"DomainName": "search", "Packages": ["F1", "F2", "F3"]},
        None,
        physical_id,
        "arn:aws:cloudformation:us-east-1:1:stack/s/0b7c-uuid",
        "Packages",
    )


@pytest.mark.parametrize(
    ("physical_id", "dissociate"),
    [
        (BASE, ("F1", "F2", "F3")),
        (f"{BASE}#keep=F2", ("F1", "F3")),
        (f"{BASE}#keep=", ("F1", "F2", "F3")),
        ("stack_Packages_ABCDEFGH", ("F1", "F2", "F3")),  # crhelper's own ID
    ],
)
def test_a_delete_leaves_what_its_failed_create_found(
    physical_id: str, dissociate: tuple[str, ...]
) -> None:
    lifecycle = AssociationKind().lifecycle(request("Delete", physical_id))
    assert lifecycle is not None
    assert lifecycle.target.dissociate == dissociate
    assert lifecycle.physical_id == physical_id


def test_a_delete_after_a_create_that_never_looked_does_nothing() -> None:
    assert AssociationKind().lifecycle(request("Delete", f"{BASE}#keep=*")) is None


def test_only_a_create_records_what_was_there() -> None:
    created = AssociationKind().lifecycle(request("Create", ""))
    assert created is not None
    assert created.target.is_create
    assert created.physical_id == BASE


def test_the_failure_id_may_use_all_of_cloudformations_kilobyte() -> None:
    room = ownership.MAX_PHYSICAL_ID - len(f"{BASE}#keep=")
    fits = ("F" + "1" * (room - 1),)
    assert ownership.failure_id(BASE, fits) == f"{BASE}#keep={fits[0]}"
    over = ("F" + "1" * room,)
    assert ownership.failure_id(BASE, over) == f"{BASE}#keep=*"
