"""What the service reports about a ``Package`` once it has created or updated it: read-only
attributes of its custom resource, tokens (``Fn::GetAtt``) resolved at deploy time.

Apart from the construct because they are the service's answers, not anything the stack
declares; ``Package`` gets them by inheriting ``ReportedAttributes``.
"""

from __future__ import annotations

from aws_cdk import CustomResource


class ReportedAttributes:
    """The service's answers about a package, read from its custom resource ``_resource``."""

    _resource: CustomResource

    @property
    def plugin_name(self) -> str:
        """A ZIP-PLUGIN's plugin name, from its descriptor (``PluginName``; empty otherwise)."""
        return self._resource.get_att_string("PluginName")

    @property
    def plugin_version(self) -> str:
        """A ZIP-PLUGIN's plugin version (``PluginVersion``; empty for other types)."""
        return self._resource.get_att_string("PluginVersion")

    @property
    def plugin_class_name(self) -> str:
        """A ZIP-PLUGIN's plugin class name (``PluginClassName``; empty for other types)."""
        return self._resource.get_att_string("PluginClassName")

    @property
    def package_owner(self) -> str:
        """The account that owns the package, as the service reports it (``PackageOwner``)."""
        return self._resource.get_att_string("PackageOwner")

    @property
    def available_configuration(self) -> str:
        """The package's ``AvailablePackageConfiguration``, a JSON string (empty when none)."""
        return self._resource.get_att_string("AvailablePackageConfiguration")
