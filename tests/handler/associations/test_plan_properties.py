"""Property-based tests: the Update diff and convergence of decide() against a model domain."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain_packages_handler.associations import plan
from domain_packages_handler.associations.model import (
    Association,
    AssociationStatus,
    DesiredPackage,
    Snapshot,
)
from domain_packages_handler.associations.spec import ResourceSpec
from domain_packages_handler.associations.target import delete_target, diff_packages, update_target
from domain_packages_handler.core.outcome import Done, Fail
from hypothesis import given, settings
from hypothesis import strategies as st

S = AssociationStatus
IDS = [f"F{i}" for i in range(1, 9)]


@st.composite
def packages(draw: st.DrawFn) -> tuple[DesiredPackage, ...]:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=6))
    return tuple(
        DesiredPackage(
            pid,
            prerequisites=tuple(draw(st.lists(st.sampled_from(IDS), unique=True, max_size=2))),
            key_store_access_enabled=draw(st.sampled_from([None, True, False])),
        )
        for pid in ids
    )


@given(packages(), packages())
def test_diff_partitions_both_declarations(
    old: tuple[DesiredPackage, ...], new: tuple[DesiredPackage, ...]
) -> None:
    diff = diff_packages(old, new)
    new_ids = {p.package_id for p in new}
    old_ids = {p.package_id for p in old}
    added = {p.package_id for p in diff.added}
    changed = {p.package_id for p in diff.changed}
    unchanged = {p.package_id for p in diff.unchanged}
    removed = {p.package_id for p in diff.removed}
    assert added | changed | unchanged == new_ids
    assert not (added & changed)
    assert not (added & unchanged)
    assert not (changed & unchanged)
    assert added == new_ids - old_ids
    assert removed == old_ids - new_ids
    assert changed | unchanged == old_ids & new_ids
    old_by_id = {p.package_id: p for p in old}
    for package in diff.changed:
        assert old_by_id[package.package_id].options_differ(package)
    assert set(diff.changed) <= set(new)  # changed packages carry the new options


@given(packages())
def test_diff_of_a_declaration_with_itself_changes_nothing(
    declared: tuple[DesiredPackage, ...],
) -> None:
    diff = diff_packages(declared, declared)
    assert diff.added == diff.removed == diff.changed == ()
    assert diff.unchanged == declared


@dataclass
class ModelDomain:
    """A domain that, like the service, runs one package change at a time."""

    entries: dict[str, S] = field(default_factory=dict)
    calls: list[plan.Submit] = field(default_factory=list)

    def snapshot(self) -> Snapshot:
        return Snapshot({pid: Association(pid, status) for pid, status in self.entries.items()})

    def apply(self, submit: plan.Submit) -> None:
        assert not any(s in (S.ASSOCIATING, S.DISSOCIATING) for s in self.entries.values())
        self.calls.append(submit)
        for pid in submit.package_ids:
            self.entries[pid] = S.ASSOCIATING if submit.action == "associate" else S.DISSOCIATING

    def advance(self) -> None:
        for pid, status in list(self.entries.items()):
            if status is S.ASSOCIATING:
                self.entries[pid] = S.ACTIVE
            elif status is S.DISSOCIATING:
                del self.entries[pid]


initial_status = st.sampled_from(
    [None, S.ACTIVE, S.ASSOCIATING, S.DISSOCIATING, S.ASSOCIATION_FAILED]
)


@settings(max_examples=300)
@given(packages(), packages(), st.dictionaries(st.sampled_from(IDS), initial_status))
def test_update_converges_to_exactly_the_new_declaration(
    old: tuple[DesiredPackage, ...],
    new: tuple[DesiredPackage, ...],
    initial: dict[str, S | None],
) -> None:
    domain = ModelDomain({pid: s for pid, s in initial.items() if s is not None})
    old_ids = {p.package_id for p in old}
    target = update_target(ResourceSpec("d", old, 60), ResourceSpec("d", new, 60))
    progress = plan.AssociationState()
    now = 0.0
    for _ in range(40):
        now += 1
        decision = plan.decide(target, progress, domain.snapshot(), now)
        if isinstance(decision, Done):
            break
        assert not isinstance(decision, Fail)
        if isinstance(decision, plan.Submit):
            domain.apply(decision)
            progress = progress.submitted(decision.action, decision.package_ids, now)
        else:
            domain.advance()
    else:
        raise AssertionError(f"did not converge: {domain.entries}")
    for package in new:
        assert domain.entries[package.package_id] is S.ACTIVE
    for package_id in old_ids - {p.package_id for p in new}:
        assert package_id not in domain.entries
    associate_calls = [c for c in domain.calls if c.action == "associate"]
    assert len({pid for c in associate_calls for pid in c.package_ids}) == sum(
        len(c.package_ids) for c in associate_calls
    ), "no package is associated twice"


@settings(max_examples=200)
@given(packages(), st.dictionaries(st.sampled_from(IDS), initial_status))
def test_delete_converges_and_never_touches_undeclared_packages(
    declared: tuple[DesiredPackage, ...], initial: dict[str, S | None]
) -> None:
    domain = ModelDomain({pid: s for pid, s in initial.items() if s is not None})
    declared_ids = {p.package_id for p in declared}
    others_before = {pid: s for pid, s in domain.entries.items() if pid not in declared_ids}
    target = delete_target(ResourceSpec("d", declared, 60))
    progress = plan.AssociationState()
    for step in range(40):
        decision = plan.decide(target, progress, domain.snapshot(), float(step))
        if isinstance(decision, Done):
            break
        if isinstance(decision, plan.Submit):
            assert set(decision.package_ids) <= declared_ids
            domain.apply(decision)
            progress = progress.submitted(decision.action, decision.package_ids, float(step))
        else:
            domain.advance()
    else:
        raise AssertionError("did not converge")
    assert not declared_ids & set(domain.entries)
    for pid, status in others_before.items():
        if status not in (S.ASSOCIATING, S.DISSOCIATING):
            assert domain.entries.get(pid) is status
