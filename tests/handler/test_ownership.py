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


def props(domain: str = "search", *ids: str, timeout: str = "120") -> dict[str, object]:
    return {"DomainName": domain, "Packages": list(ids or ("F1", "F2")), "TimeoutSeconds": timeout}


def update(old: dict[str, object] | None, new: dict[str, object]) -> Request:
    return Request("Update", new, old, "search:Packages:0b7c-uuid", STACK, "Packages")


STACK = "arn:aws:cloudformation:us-east-1:1:stack/s/0b7c-uuid"


def test_an_update_on_the_same_domain_converges_in_place() -> None:
    lifecycle = AssociationKind().lifecycle(update(props("search", "F1"), props("search", "F2")))
    assert lifecycle is not None
    assert lifecycle.physical_id == "search:Packages:0b7c-uuid"
    assert lifecycle.timeout_seconds == 120
    assert lifecycle.target.dissociate == ("F1",)
    assert lifecycle.target.package_ids == ("F2",)
    assert not lifecycle.target.is_create


def test_an_update_to_another_domain_is_a_replacement_with_a_new_id() -> None:
    lifecycle = AssociationKind().lifecycle(update(props("search"), props("logs")))
    assert lifecycle is not None
    assert lifecycle.physical_id == "logs:Packages:0b7c-uuid"
    assert lifecycle.target.domain_name == "logs"
    assert lifecycle.target.dissociate == ()
    assert lifecycle.timeout_seconds == 120
    assert not lifecycle.target.is_create  # an Update's failure rolls back by Update, not Delete


def test_an_update_whose_old_properties_never_worked_keeps_its_id() -> None:
    lifecycle = AssociationKind().lifecycle(update({"DomainName": "Bad!"}, props("search")))
    assert lifecycle is not None
    assert lifecycle.physical_id == "search:Packages:0b7c-uuid"  # the event's
    assert lifecycle.target.package_ids == ("F1", "F2")
    assert lifecycle.timeout_seconds == 120
    assert not lifecycle.target.is_create
    fresh = AssociationKind().lifecycle(
        Request("Update", props("search"), {"DomainName": "Bad!"}, "", STACK, "Packages")
    )
    assert fresh is not None
    assert fresh.physical_id == "search:Packages:0b7c-uuid"  # none given: a new one


def test_deletes_and_creates_carry_the_timeout() -> None:
    deleted = AssociationKind().lifecycle(
        Request("Delete", props(), None, f"{BASE}#keep=F1", STACK, "Packages")
    )
    assert deleted is not None
    assert deleted.timeout_seconds == 120
    assert deleted.target.dissociate == ("F2",)
    created = AssociationKind().lifecycle(Request("Create", props(), None, "", STACK, "Packages"))
    assert created is not None
    assert created.timeout_seconds == 120
