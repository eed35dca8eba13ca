"""Properties arrive as CloudFormation sends them: strings everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from domain_packages_handler.associations.model import DesiredPackage
from domain_packages_handler.associations.spec import parse_properties
from domain_packages_handler.core.properties import InvalidProperties


def props(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ServiceToken": "arn:aws:lambda:us-east-1:1:function:f",
        "DomainName": "my-domain",
        "Packages": [{"PackageID": "F1"}],
        "TimeoutSeconds": "3600",
    }
    base.update(overrides)
    return base


def test_strings_are_parsed_into_typed_options() -> None:
    spec = parse_properties(
        props(
            Packages=[
                {"PackageID": "F1"},
                {
                    "PackageID": "pkg-0a1b",
                    "Prerequisites": ["pkg-99ff"],
                    "KeyStoreAccessEnabled": "true",
                    "KeyAccessRoleArn": "arn:aws:iam::1:role/r",
                },
                {"PackageID": "G2", "KeyStoreAccessEnabled": "false"},
            ],
            TimeoutSeconds="900",
        )
    )
    assert spec.domain_name == "my-domain"
    assert spec.timeout_seconds == 900
    assert spec.packages == (
        DesiredPackage("F1"),
        DesiredPackage("pkg-0a1b", ("pkg-99ff",), True, "arn:aws:iam::1:role/r"),
        DesiredPackage("G2", (), False, None),
    )


def test_bare_ids_and_real_booleans_are_accepted_too() -> None:
    spec = parse_properties(
        props(
            Packages=["F1", {"PackageID": "F2", "KeyStoreAccessEnabled": True}], TimeoutSeconds=60
        )
    )
    assert spec.packages == (DesiredPackage("F1"), DesiredPackage("F2", (), True))
    assert spec.timeout_seconds == 60


def test_timeout_defaults_to_and_is_capped_at_one_hour() -> None:
    assert parse_properties(props(TimeoutSeconds=None)).timeout_seconds == 3600
    assert parse_properties(props(TimeoutSeconds="99999")).timeout_seconds == 3600


@pytest.mark.parametrize(
    ("raw", "seconds"), [("0", 1), ("-5", 1), ("1", 1), ("2.9", 2), ("", 3600)]
)
def test_timeout_is_at_least_one_second(raw: str, seconds: int) -> None:
    assert parse_properties(props(TimeoutSeconds=raw)).timeout_seconds == seconds


def test_comma_separated_prerequisites_are_read_as_a_list() -> None:
    spec = parse_properties(props(Packages=[{"PackageID": "F1", "Prerequisites": "pkg-0a,F2,"}]))
    assert spec.packages[0].prerequisites == ("pkg-0a", "F2")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DomainName": "Bad_Domain"}, "DomainName 'Bad_Domain' is not a domain name"),
        ({"DomainName": ""}, "is not a domain name"),
        ({"Packages": []}, "Packages must be a non-empty list for domain my-domain"),
        ({"Packages": "F1"}, "Packages must be a non-empty list"),
        ({"Packages": [{"PackageID": "nope"}]}, "Packages[0].PackageID 'nope' is not a package ID"),
        ({"Packages": ["F1", "F1"]}, "package F1 is listed twice for domain my-domain"),
        (
            {"Packages": [{"PackageID": "F1", "Prerequisites": ["x"]}]},
            "prerequisite 'x' of package F1 is not a package ID",
        ),
        (
            {"Packages": [{"PackageID": "F1", "KeyStoreAccessEnabled": "yes"}]},
            "KeyStoreAccessEnabled of package F1 must be true or false",
        ),
        ({"TimeoutSeconds": "soon"}, "TimeoutSeconds must be a number"),
        ({"Packages": [7]}, "Packages[0] must be an object"),
    ],
)
def test_invalid_properties_say_what_and_why(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidProperties) as error:
        parse_properties(props(**overrides))
    assert message in str(error.value)


def test_missing_properties_are_invalid() -> None:
    with pytest.raises(InvalidProperties):
        parse_properties(None)


def test_package_version_and_alias_from_a_package_construct() -> None:
    spec = parse_properties(
        props(Packages=[{"PackageID": "pkg-0a", "PackageVersion": "v3", "Alias": "c8a1f0"}])
    )
    assert spec.packages == (DesiredPackage("pkg-0a", package_version="v3", alias="c8a1f0"),)
