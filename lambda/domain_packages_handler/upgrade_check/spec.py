"""The properties of a Custom::OpenSearchPackagesUpgradeCheck resource, as CloudFormation
delivers them (every scalar a string). Pure.

    {
        "DomainName": "search",              # the domain's name, or its construct path when
                                             # CloudFormation names it: only for the reason
        "TargetEngineVersion": "OpenSearch_2.19",   # "" when the domain declares none
        "PluginNames": [{"PackageName": "analysis-sudachi", "PackageOwner": "AWS"},
                        {"PackageName": "my-plugin"}],
        "TimeoutSeconds": "300",
    }

The check never names the domain's resource in a way that makes it wait for the domain: the
domain waits for the check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.names import NAME_RULE, PACKAGE_NAME_PATTERN
from ..core.properties import InvalidProperties, parse_timeout, require_properties

#: PackageOwner: AWS's packages, or an account's (12 digits), as in a DomainPackages entry.
PACKAGE_OWNER_PATTERN = re.compile(r"^(AWS|[0-9]{12})$")
#: An engine version as the service writes it (OpenSearch_2.19, Elasticsearch_7.10).
ENGINE_VERSION_PATTERN = re.compile(r"^(OpenSearch|Elasticsearch)_[0-9]{1,2}\.[0-9]{1,2}$")
MAX_LABEL = 256


@dataclass(frozen=True)
class Plugin:
    """A plugin the domain runs, by the name its package for every engine version has."""

    name: str
    owner: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    """One upgrade check as declared."""

    domain_label: str
    #: "" when the domain declares no version: nothing to check against.
    target_engine_version: str
    plugins: tuple[Plugin, ...]
    timeout_seconds: int


def _parse_plugin(raw: Any, index: int) -> Plugin:
    if not isinstance(raw, Mapping):
        raise InvalidProperties(f"PluginNames[{index}] must be an object, got {raw!r}")
    name = str(raw.get("PackageName", "")).strip()
    if not PACKAGE_NAME_PATTERN.match(name):
        raise InvalidProperties(
            f"PluginNames[{index}].PackageName {name!r} is not a package name ({NAME_RULE})"
        )
    owner = str(raw.get("PackageOwner") or "").strip() or None
    if owner is not None and not PACKAGE_OWNER_PATTERN.match(owner):
        raise InvalidProperties(
            f"PluginNames[{index}].PackageOwner {owner!r} of {name} must be AWS or a 12-digit "
            "account ID"
        )
    return Plugin(name, owner)


def parse_check_properties(properties: Mapping[str, Any] | None) -> CheckSpec:
    """The check's spec; raises InvalidProperties naming what is wrong."""
    properties = require_properties(properties)
    label = str(properties.get("DomainName", "")).strip()
    if not label or len(label) > MAX_LABEL:
        raise InvalidProperties(f"DomainName {label!r} must be 1-{MAX_LABEL} characters")
    target = str(properties.get("TargetEngineVersion") or "").strip()
    if target and not ENGINE_VERSION_PATTERN.match(target):
        raise InvalidProperties(
            f"TargetEngineVersion {target!r} is not an engine version like OpenSearch_2.19"
        )
    raw_plugins = properties.get("PluginNames") or []
    if not isinstance(raw_plugins, list):
        raise InvalidProperties(f"PluginNames must be a list, got {raw_plugins!r}")
    plugins: dict[Plugin, None] = {}
    for index, raw in enumerate(raw_plugins):
        plugins.setdefault(_parse_plugin(raw, index), None)
    return CheckSpec(
        domain_label=label,
        target_engine_version=target,
        plugins=tuple(plugins),
        timeout_seconds=parse_timeout(properties.get("TimeoutSeconds")),
    )
