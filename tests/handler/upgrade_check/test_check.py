"""The upgrade check's pure parts (issue 20): its properties, the verdict from what
DescribePackages reports, the reason, and the request's lifecycle (physical ID, Delete)."""

from __future__ import annotations

from typing import Any

import pytest
from domain_packages_handler import main
from domain_packages_handler.core.choice import match_packages
from domain_packages_handler.core.kind import Request
from domain_packages_handler.core.package_status import PackageAvailability
from domain_packages_handler.core.properties import InvalidProperties
from domain_packages_handler.core.reasons import MAX_REASON
from domain_packages_handler.upgrade_check import plan
from domain_packages_handler.upgrade_check.kind import KIND, RESOURCE_TYPE
from domain_packages_handler.upgrade_check.operation import short
from domain_packages_handler.upgrade_check.spec import CheckSpec, Plugin, parse_check_properties

SUDACHI = "analysis-sudachi"
TARGET = "OpenSearch_2.19"
WHERE = "domain search"


def package(package_id: str, name: str, engine: str, **extra: Any) -> PackageAvailability:
    return PackageAvailability(
        package_id, extra.pop("status", "AVAILABLE"), name=name, engine_version=engine, **extra
    )


CATALOGUE = {
    Plugin(SUDACHI, "AWS"): [
        package("G1001", SUDACHI, "OpenSearch_2.17", owner="AWS"),
        package("G1002", SUDACHI, TARGET, owner="AWS"),
    ],
    Plugin("my-plugin"): [package("pkg-1", "my-plugin", "OpenSearch_2.17", owner="1" * 12)],
}


def spec(*plugins: Plugin, target: str = TARGET) -> CheckSpec:
    return CheckSpec("search", target, plugins, 300)


def props(**overrides: Any) -> dict[str, Any]:
    return {
        "DomainName": "search",
        "TargetEngineVersion": TARGET,
        "PluginNames": [{"PackageName": SUDACHI, "PackageOwner": "AWS"}, {"PackageName": "p-1"}],
        "TimeoutSeconds": "300",
        **overrides,
    }


def test_the_properties_as_cloudformation_delivers_them() -> None:
    parsed = parse_check_properties(props())
    assert parsed == CheckSpec("search", TARGET, (Plugin(SUDACHI, "AWS"), Plugin("p-1")), 300)
    # A name given twice is checked once; no target version is nothing to check against.
    twice = props(PluginNames=[{"PackageName": "p-1"}, {"PackageName": "p-1"}])
    assert parse_check_properties(twice).plugins == (Plugin("p-1"),)
    assert parse_check_properties(props(TargetEngineVersion="")).target_engine_version == ""
    assert parse_check_properties(props(PluginNames=[])).plugins == ()


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"TargetEngineVersion": "2.19"}, "TargetEngineVersion '2.19'"),
        ({"PluginNames": [{"PackageName": "X"}]}, "PluginNames[0].PackageName 'X'"),
        (
            {"PluginNames": [{"PackageName": "p-1", "PackageOwner": "me"}]},
            "PluginNames[0].PackageOwner 'me'",
        ),
        ({"PluginNames": "p-1"}, "PluginNames must be a list"),
        ({"PluginNames": ["p-1"]}, "PluginNames[0] must be an object"),
        ({"DomainName": ""}, "DomainName ''"),
    ],
)
def test_properties_that_cannot_be_checked_are_refused(
    overrides: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(InvalidProperties) as refused:
        parse_check_properties(props(**overrides))
    assert str(refused.value).startswith(complaint)


def test_every_plugin_with_one_package_for_the_target_passes() -> None:
    checked = plan.matches(spec(Plugin(SUDACHI, "AWS")), CATALOGUE)
    assert [m.package_id for m in checked] == ["G1002"]
    assert plan.failure(WHERE, TARGET, checked) is None


def test_the_reason_names_every_plugin_without_a_package_and_the_versions_it_has() -> None:
    missing = Plugin("analysis-klingon")
    checked = plan.matches(spec(Plugin(SUDACHI, "AWS"), Plugin("my-plugin"), missing), CATALOGUE)
    assert plan.failure(WHERE, TARGET, checked) == (
        "domain search not upgraded to OpenSearch_2.19: plugins without one package for it: "
        "my-plugin: only for OpenSearch_2.17; analysis-klingon: no package of that name. Create "
        "one for OpenSearch_2.19 under the same name, or drop the plugin, and deploy again"
    )


def test_several_packages_for_the_target_fail_naming_them() -> None:
    twins = {
        Plugin(SUDACHI): [*CATALOGUE[Plugin(SUDACHI, "AWS")], package("pkg-2", SUDACHI, TARGET)]
    }
    reason = plan.failure(WHERE, TARGET, plan.matches(spec(Plugin(SUDACHI)), twins))
    assert reason is not None
    assert "analysis-sudachi: 2 packages (G1002, pkg-2)" in reason


def test_a_package_on_its_way_out_does_not_count() -> None:
    leaving = [package("pkg-3", "my-plugin", TARGET, status="DELETING")]
    match = match_packages("my-plugin", None, TARGET, leaving)
    assert (match.found, match.package_id) == (False, None)


def test_the_reason_fits_however_many_and_long_the_names() -> None:
    names = [Plugin(f"p{i}-" + "x" * 200) for i in range(20)]
    catalogue = {p: [package(f"pkg-{i}", p.name, "OpenSearch_2.17")] for i, p in enumerate(names)}
    reason = plan.failure(
        f"domain {short('d' * 300)}", TARGET, plan.matches(spec(*names), catalogue)
    )
    assert reason is not None
    assert len(reason) <= MAX_REASON
    assert reason.endswith("and deploy again")
    assert "; 18 more in the handler's log. Create" in reason


def request(request_type: str, physical_id: str = "", **properties: Any) -> Request:
    return Request.of(
        {
            "RequestType": request_type,
            "ResourceType": RESOURCE_TYPE,
            "ResourceProperties": props(**properties),
            "OldResourceProperties": props(TargetEngineVersion="OpenSearch_2.17"),
            "PhysicalResourceId": physical_id,
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/uuid-1",
            "LogicalResourceId": "Check",
        }
    )


def test_the_physical_id_is_made_once_and_kept_by_every_update() -> None:
    assert main.KINDS[RESOURCE_TYPE] is KIND
    created = KIND.lifecycle(request("Create"))
    assert created is not None
    assert created.physical_id == "upgrade-check:Check:uuid-1"
    updated = KIND.lifecycle(request("Update", created.physical_id))
    assert updated is not None
    assert updated.physical_id == created.physical_id
    assert updated.spec.target_engine_version == TARGET


def test_a_delete_has_nothing_to_do_even_with_broken_properties() -> None:
    assert KIND.lifecycle(request("Delete", "upgrade-check:Check:uuid-1")) is None
    assert KIND.lifecycle(request("Delete", "x", PluginNames="oops")) is None
