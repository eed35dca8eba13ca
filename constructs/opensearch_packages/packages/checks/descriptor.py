"""The check of a plugin's ``plugin-descriptor.properties``: the keys OpenSearch requires, and
the engine version the plugin is built for against the package's ``engine_version``."""

from __future__ import annotations

import re

from opensearch_packages.packages.checks.problem import Problem
from opensearch_packages.packages.checks.properties import parse_properties

#: plugin-descriptor: the file OpenSearch reads from the root of the plugin.
PLUGIN_DESCRIPTOR = "plugin-descriptor.properties"
#: plugin-descriptor: mandatory keys (``PluginInfo.readFromProperties`` fails without them).
REQUIRED_DESCRIPTOR_KEYS = ("name", "description", "version", "classname", "java.version")
#: plugin-descriptor: ``SemverRange.fromString``: an optional ``=`` or ``~`` and a version X.Y.Z.
_OPENSEARCH_VERSION = re.compile(r"^[=~]?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$")
#: plugin-descriptor: ``JarHell.checkVersionFormat``: non-negative integers separated by dots.
_JAVA_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_ENGINE_VERSION = re.compile(r"^OpenSearch_(\d+)\.(\d+)$")


def check_plugin_descriptor(text: str, engine_version: str | None) -> list[Problem]:
    """Problems of a ``plugin-descriptor.properties`` (its text, ISO-8859-1 decoded, as Java
    reads ``.properties``)."""
    where = f"entry {PLUGIN_DESCRIPTOR!r}"
    props = parse_properties(text)
    problems: list[Problem] = []
    for key in REQUIRED_DESCRIPTOR_KEYS:
        # plugin-descriptor: "mandatory elements for all plugins"; PluginInfo fails without them
        # (and on an empty name).
        if key not in props or (key == "name" and not props[key]):
            problems.append(
                Problem(
                    where,
                    f"has no {key!r} property, which every OpenSearch plugin descriptor needs "
                    f"(mandatory: {', '.join(REQUIRED_DESCRIPTOR_KEYS)} and opensearch.version, "
                    "plugin-descriptor)",
                    f"add {key}=... to the descriptor (or set it in build.gradle's "
                    "opensearchplugin block)",
                )
            )
    java_version = props.get("java.version")
    if java_version is not None and not _JAVA_VERSION.match(java_version):
        problems.append(
            Problem(
                where,
                f"java.version {java_version!r} is not a sequence of non-negative integers "
                "separated by '.' (plugin-descriptor: JarHell.checkVersionFormat)",
                "set java.version to the Java version the plugin is built with, e.g. 21",
            )
        )
    if engine_version is not None and engine_version.startswith("Elasticsearch_"):
        return problems  # an Elasticsearch plugin: its descriptor has other version keys
    version = props.get("opensearch.version", "").strip()
    dependencies = props.get("dependencies", "").strip()
    # plugin-descriptor: PluginInfo needs exactly one of opensearch.version and dependencies.
    if not version and not dependencies:
        problems.append(
            Problem(
                where,
                "has neither 'opensearch.version' nor 'dependencies'; OpenSearch needs one to "
                "know which engine version the plugin is built for (plugin-descriptor)",
                "add opensearch.version=X.Y.Z, the OpenSearch version the plugin is built against",
            )
        )
        return problems
    if version and dependencies:
        problems.append(
            Problem(
                where,
                "has both 'opensearch.version' and 'dependencies'; OpenSearch allows only one "
                "(plugin-descriptor)",
                "keep opensearch.version and drop dependencies",
            )
        )
        return problems
    if not version:
        return problems  # a version range in JSON: the service checks it
    match = _OPENSEARCH_VERSION.match(version)
    if match is None:
        problems.append(
            Problem(
                where,
                f"opensearch.version {version!r} is not an OpenSearch version X.Y.Z "
                "(plugin-descriptor: SemverRange)",
                "set opensearch.version to the version the plugin is built against, e.g. 2.19.0",
            )
        )
        return problems
    engine = _ENGINE_VERSION.match(engine_version or "")
    if engine is not None and match.group(1, 2) != engine.group(1, 2):
        # custom-plugins: the service validates the plugin's version compatibility with the
        # domain's engine; OpenSearch loads a plugin only on the version it is built for.
        built_for = f"{match.group(1)}.{match.group(2)}"
        problems.append(
            Problem(
                where,
                f"opensearch.version {version!r} is for OpenSearch {built_for}, but "
                f"engine_version is {engine_version!r} (custom-plugins: the service validates "
                "version compatibility)",
                f"build the plugin against OpenSearch {engine.group(1)}.{engine.group(2)}, or "
                f"set engine_version='OpenSearch_{built_for}'",
            )
        )
    return problems
