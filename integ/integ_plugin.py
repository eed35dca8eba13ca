#!/usr/bin/env python3
"""Optional integration test on real AWS: a custom plugin (ZIP-PLUGIN) installed on a domain.

Off by default: associating a plugin is a blue/green deployment of the domain (an hour or more
with the dissociation at destroy), and it needs a real plugin built for the domain's engine
version (OpenSearch 2.19). Run it with

    INTEG_PLUGIN=1 INTEG_PLUGIN_ZIP=path/to/plugin.zip INTEG_PLUGIN_COMPONENT=<name> make integ

where ``<name>`` is the plugin's ``name`` in its plugin-descriptor.properties, as
``GET _cat/plugins`` lists it. One test case, ``Install``: a domain meeting the custom-plugin
requirements, a `Package` (``ZIP-PLUGIN``) from the zip and a `DomainPackages` associating it;
the assertion asks the domain, through the signed search function, whether its nodes list the
plugin. Its destroy dissociates the plugin, deletes the package and the domain.

Without ``INTEG_PLUGIN_ZIP`` (`make snapshots`) the app synthesises with the stand-in plugin of
``integ/plugin`` (a descriptor, no code: OpenSearch would reject it; the same bytes as the
example's ``example/plugin``, but its own copy: the examples may change without touching this
app's templates).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aws_cdk as cdk
from aws_cdk import Stack
from aws_cdk import integ_tests_alpha as integ
from constructs import Construct

from integ.support import (
    HERE,
    SearchDomain,
    integ_app,
    invoke_payload,
    write_integ_manifest,
    zipped,
)
from opensearch_packages import DomainPackages, Package

STACK_NAME = "OpenSearchPackagesIntegPlugin"
DOMAIN_NAME = "osp-integ-plugin"
#: The plugin zip to install (built for OpenSearch 2.19) and its component name.
PLUGIN_ZIP_ENV = "INTEG_PLUGIN_ZIP"
PLUGIN_COMPONENT_ENV = "INTEG_PLUGIN_COMPONENT"
#: The package's engine version: the domain's (`integ.support.ENGINE`), as CreatePackage spells it.
PLUGIN_ENGINE_VERSION = "OpenSearch_2.19"
#: The stand-in plugin's files and its component name (its plugin-descriptor.properties).
STAND_IN_DIR = HERE / "plugin"
STAND_IN_COMPONENT = "example-analysis"


class PluginStack(Stack):
    def __init__(self, scope: Construct, id: str, *, plugin_zip: str) -> None:
        super().__init__(scope, id)
        search = SearchDomain(self, "Search", domain_name=DOMAIN_NAME)
        plugin = Package(
            self,
            "Plugin",
            source=plugin_zip,
            package_type="ZIP-PLUGIN",
            engine_version=PLUGIN_ENGINE_VERSION,
            description="opensearch-packages integration test (integ/integ_plugin.py)",
        )
        self.packages = DomainPackages(self, "Packages", domain=search.domain, packages=[plugin])
        self.function = search.function


def build(app: cdk.App, plugin_zip: str, component: str) -> list[integ.IntegTestCase]:
    stack = PluginStack(app, STACK_NAME, plugin_zip=plugin_zip)
    case = integ.IntegTestCase(app, "Install", stacks=[stack], stack_update_workflow=False)
    case.assertions.invoke_function(
        function_name=stack.function.function_name,
        payload=invoke_payload({"action": "plugins", "component": component}),
    ).expect(
        integ.ExpectedResult.object_like(
            {"Payload": integ.Match.serialized_json({"component": component, "installed": True})}
        )
    )
    return [case]


if __name__ == "__main__":
    application = integ_app()
    given_zip = os.environ.get(PLUGIN_ZIP_ENV)
    with tempfile.TemporaryDirectory(prefix="integ-plugin-") as build_dir:
        if given_zip:
            plugin_zip = str(Path(given_zip).resolve())
            component = os.environ.get(PLUGIN_COMPONENT_ENV) or STAND_IN_COMPONENT
        else:
            plugin_zip = zipped(STAND_IN_DIR, Path(build_dir) / "stand-in-plugin.zip")
            component = STAND_IN_COMPONENT
        cases = build(application, plugin_zip, component)
        write_integ_manifest(application.synth(), cases)  # the asset is copied before the zip goes
