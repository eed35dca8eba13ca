"""Synth-time validation: every error names the offending value and says what is allowed."""

from __future__ import annotations

import dataclasses
import itertools
import re
import string

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchservice as opensearch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opensearch_packages import DomainPackages, PackageAssociation
from opensearch_packages.associations.cycles import find_prerequisite_cycle
from opensearch_packages.core.naming import PACKAGE_ID_PATTERN


def make(stack: cdk.Stack, **kwargs: object) -> DomainPackages:
    kwargs.setdefault("domain_name", "my-domain")
    kwargs.setdefault("packages", ["F1"])
    return DomainPackages(stack, "Packages", **kwargs)  # type: ignore[arg-type]


def key_role(stack: cdk.Stack) -> iam.Role:
    return iam.Role(stack, "KeyRole", assumed_by=iam.ServicePrincipal("es.amazonaws.com"))


# --- packages ---------------------------------------------------------------------------------


def test_empty_package_list(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"'Packages': packages is empty; give 1 to 20"):
        make(stack, packages=[])


def test_duplicate_package_ids(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"package 'F123' is listed more than once"):
        make(stack, packages=["F123", "G5", PackageAssociation("F123", prerequisites=["G5"])])


def test_invalid_package_id(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"package ID 'pkg-XYZ' is not a valid .* package ID"):
        make(stack, packages=["F1", "pkg-XYZ"])


def test_invalid_package_id_in_package_association() -> None:
    with pytest.raises(ValueError, match=r"package ID 'f1' is not a valid .*\^\(\[FG\]"):
        PackageAssociation("f1")


def test_invalid_prerequisite_id() -> None:
    with pytest.raises(ValueError, match=r"prerequisite of package 'F1' 'plugin-1' is not a valid"):
        PackageAssociation("F1", prerequisites=["plugin-1"])


def test_package_id_of_wrong_type(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"package 42 is a int; expected a package-ID string"):
        make(stack, packages=["F1", 42])


def test_single_string_instead_of_list(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"packages must be a list, not a single str 'F1'"):
        make(stack, packages="F1")


def test_more_than_20_packages(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"21 packages given; .* at most 20 packages per domain"):
        make(stack, packages=[f"F{i}" for i in range(21)])


def test_20_packages_are_allowed(stack: cdk.Stack) -> None:
    assert len(make(stack, packages=[f"F{i}" for i in range(20)]).packages) == 20


# --- prerequisites ----------------------------------------------------------------------------


def test_prerequisite_cycle(stack: cdk.Stack) -> None:
    packages = [
        PackageAssociation("F1", prerequisites=["F3"]),
        PackageAssociation("F2", prerequisites=["F1"]),
        PackageAssociation("F3", prerequisites=["F2"]),
    ]
    with pytest.raises(ValueError, match=r"prerequisites form a cycle: F1 -> F3 -> F2 -> F1"):
        make(stack, packages=packages)


def test_package_that_is_its_own_prerequisite(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"prerequisites form a cycle: F1 -> F1"):
        make(stack, packages=[PackageAssociation("F1", prerequisites=["F1"])])


def test_prerequisites_outside_the_list_are_allowed(stack: cdk.Stack) -> None:
    # e.g. the plugin is associated by another DomainPackages or was associated by hand
    packages = make(stack, packages=[PackageAssociation("F1", prerequisites=["pkg-99ff0011"])])
    assert packages.packages[0].prerequisites == ("pkg-99ff0011",)


def test_prerequisites_given_as_a_string() -> None:
    with pytest.raises(TypeError, match=r"prerequisites of package 'F1' is the string 'F2'"):
        PackageAssociation("F1", prerequisites="F2")


def test_duplicate_prerequisite() -> None:
    with pytest.raises(ValueError, match=r"prerequisite 'F2' is listed twice for package 'F1'"):
        PackageAssociation("F1", prerequisites=["F2", "F2"])


# --- key store access ---------------------------------------------------------------------------


def test_key_access_role_without_key_store_access(stack: cdk.Stack) -> None:
    with pytest.raises(
        ValueError,
        match=r"package 'F1' has a key_access_role but key_store_access_enabled is None",
    ):
        PackageAssociation("F1", key_access_role=key_role(stack))


def test_key_access_role_with_key_store_access_disabled(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"key_store_access_enabled is False: .* set "):
        PackageAssociation("F1", key_store_access_enabled=False, key_access_role=key_role(stack))


def test_key_store_access_enabled_of_wrong_type() -> None:
    with pytest.raises(TypeError, match=r"key_store_access_enabled of package 'F1' is 'yes'"):
        PackageAssociation("F1", key_store_access_enabled="yes")  # type: ignore[arg-type]


# --- domain -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["My-Domain", "1domain", "do", "a" * 29, "my_domain", "-domain", ""],
)
def test_invalid_domain_name(stack: cdk.Stack, name: str) -> None:
    with pytest.raises(
        ValueError, match=rf"domain_name '{name}' is not a valid .* 3 to 28 characters"
    ):
        make(stack, domain_name=name)


@pytest.mark.parametrize("name", ["abc", "a" * 28, "my-domain-2"])
def test_valid_domain_names(stack: cdk.Stack, name: str) -> None:
    assert make(stack, domain_name=name).domain_name == name


def test_both_domain_and_domain_name(stack: cdk.Stack) -> None:
    domain = opensearch.Domain.from_domain_endpoint(
        stack, "Domain", "https://search-my-domain-abc.eu-west-1.es.amazonaws.com"
    )
    with pytest.raises(ValueError, match=r"'Packages': both of domain and domain_name given"):
        make(stack, domain=domain, domain_name="my-domain")


def test_domain_name_given_as_domain(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"domain 'my-domain' is a string; .* domain_name="):
        make(stack, domain="my-domain", domain_name=None)


def test_neither_domain_nor_domain_name(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"'Packages': neither of domain and domain_name given"):
        DomainPackages(stack, "Packages", packages=["F1"])


# --- timeout ------------------------------------------------------------------------------------


def test_timeout_over_twelve_hours(stack: cdk.Stack) -> None:
    with pytest.raises(
        ValueError,
        match=r"'Packages': timeout 12 hours 1 second \(43201 s\) is longer than CloudFormation "
        r"lets a stack wait \(a WaitCondition's Timeout\); use at most 12 hours \(43200 s\)$",
    ):
        make(stack, timeout=Duration.seconds(43201))


@pytest.mark.parametrize("hours", [1, 2, 12])
def test_timeouts_up_to_twelve_hours_are_allowed(stack: cdk.Stack, hours: int) -> None:
    assert make(stack, timeout=Duration.hours(hours)).timeout.to_seconds() == hours * 3600


def test_timeout_not_in_whole_seconds(stack: cdk.Stack) -> None:
    with pytest.raises(
        ValueError, match=r"timeout 1 second 500 millis \(1.5 s\) must be a whole number"
    ):
        make(stack, timeout=Duration.millis(1500))


def test_timeout_of_zero(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"timeout 0 seconds \(0 s\) must be a whole number"):
        make(stack, timeout=Duration.seconds(0))


def test_timeout_of_wrong_type(stack: cdk.Stack) -> None:
    with pytest.raises(TypeError, match=r"timeout 600 is a int; expected an aws_cdk.Duration"):
        make(stack, timeout=600)


def test_timeout_token(stack: cdk.Stack) -> None:
    seconds = cdk.Token.as_number(cdk.Aws.ACCOUNT_ID)
    with pytest.raises(
        ValueError,
        match=r"timeout .* is a token; give a Duration known at synth time, at most 12 hours "
        r"\(43200 s\)$",
    ):
        make(stack, timeout=Duration.seconds(seconds))


def test_timeout_not_in_whole_seconds_names_the_range(stack: cdk.Stack) -> None:
    with pytest.raises(ValueError, match=r"whole number of seconds between 1 and 43200$"):
        make(stack, timeout=Duration.millis(7_200_500))


# --- removal policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy", [cdk.RemovalPolicy.SNAPSHOT, cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE]
)
def test_unsupported_removal_policy(stack: cdk.Stack, policy: cdk.RemovalPolicy) -> None:
    with pytest.raises(
        ValueError,
        match=r"DomainPackages 'Packages': removal_policy .* is not supported; use "
        r"RemovalPolicy.DESTROY \(dissociate the packages on delete\) or RemovalPolicy.RETAIN",
    ):
        make(stack, removal_policy=policy)


# --- attributes ---------------------------------------------------------------------------------


def test_reference_path_of_unknown_package(stack: cdk.Stack) -> None:
    packages = make(stack, packages=["F1", "G2"])
    with pytest.raises(
        ValueError,
        match=r"package 'F9' is not among the packages of DomainPackages "
        r"'TestStack/Packages'; its packages are: 'F1', 'G2'",
    ):
        packages.reference_path("F9")


def test_package_version_of_unknown_package(stack: cdk.Stack) -> None:
    packages = make(stack, packages=["F1"])
    with pytest.raises(ValueError, match=r"package 'pkg-0a' is not among the packages"):
        packages.package_version("pkg-0a")


# --- tokens pass unchecked ------------------------------------------------------------------------


def test_tokens_are_not_validated(stack: cdk.Stack) -> None:
    name = cdk.CfnParameter(stack, "DomainName").value_as_string
    package_id = cdk.CfnParameter(stack, "PackageId").value_as_string
    packages = make(stack, domain_name=name, packages=[package_id])
    assert packages.domain_name == name
    assert cdk.Token.is_unresolved(packages.reference_path(package_id))


# --- PackageAssociation ---------------------------------------------------------------------------


def test_package_association_is_immutable() -> None:
    package = PackageAssociation("F1", prerequisites=["F2"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        package.package = "F3"  # type: ignore[misc]
    assert package.prerequisites == ("F2",)
    assert isinstance(package.prerequisites, tuple)


def test_package_association_keeps_its_former_field_name_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match=r"PackageAssociation\(package_id=\.\.\.\)"):
        association = PackageAssociation(package_id="F1", prerequisites=["F2"])
    assert (
        association
        == PackageAssociation("F1", ["F2"])
        == PackageAssociation(package="F1", prerequisites=["F2"])
    )
    with pytest.warns(DeprecationWarning, match=r"PackageAssociation.package_id is deprecated"):
        assert association.package_id == "F1"
    with pytest.raises(TypeError, match=r"not both"):
        PackageAssociation("F1", package_id="F1")
    with pytest.raises(TypeError, match=r"needs a package"):
        PackageAssociation()


def test_package_association_equality_and_hash() -> None:
    assert PackageAssociation("F1", ["F2"]) == PackageAssociation("F1", ("F2",))
    assert len({PackageAssociation("F1", ["F2"]), PackageAssociation("F1", ("F2",))}) == 1


def test_strings_are_normalised_to_package_associations(stack: cdk.Stack) -> None:
    second = PackageAssociation("G2", prerequisites=["F1"])
    packages = make(stack, packages=["F1", second])
    assert packages.packages == (PackageAssociation("F1"), second)


# --- properties -----------------------------------------------------------------------------------

PACKAGE_IDS = st.one_of(
    st.from_regex(r"\A[FG][0-9]{1,15}\Z"),
    st.from_regex(r"\Apkg-[a-f0-9]{1,20}\Z"),
)


@given(PACKAGE_IDS)
def test_every_id_the_service_accepts_is_accepted(package_id: str) -> None:
    assert PackageAssociation(package_id).package == package_id


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_ ", max_size=20))
def test_every_id_the_service_rejects_is_rejected(package_id: str) -> None:
    if PACKAGE_ID_PATTERN.match(package_id):
        assert PackageAssociation(package_id).package == package_id
    else:
        with pytest.raises(ValueError, match=re.escape(repr(package_id))):
            PackageAssociation(package_id)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_cycle_detection_matches_reachability(data: st.DataObject) -> None:
    """A graph has a cycle exactly when some node reaches itself; a reported cycle is real."""
    nodes = [f"F{i}" for i in range(data.draw(st.integers(1, 8)))]
    graph = {n: data.draw(st.lists(st.sampled_from([*nodes, "G99"]), unique=True)) for n in nodes}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(graph.get(start, []))
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, []))
        return False

    cycle = find_prerequisite_cycle(graph)
    assert (cycle is not None) == any(reaches(n, n) for n in nodes)
    if cycle is not None:
        assert cycle[0] == cycle[-1]
        assert all(b in graph[a] for a, b in itertools.pairwise(cycle))
