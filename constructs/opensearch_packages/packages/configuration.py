"""``PackageConfiguration``: what a plugin package needs besides itself, and its check.

A public, immutable value a ``Package`` is given; the requirement levels are typed
(``RequirementLevel``). Limits are those of the OpenSearch Service API (botocore's model,
opensearch 2021-01-01); the handler checks the same ones again
(``lambda/domain_packages_handler/packages/options.py``). Tokens pass unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from opensearch_packages.core.errors import Subject
from opensearch_packages.core.values import is_literal

#: ``RequirementLevel`` of the API: whether a plugin needs a licence or a configuration package.
RequirementLevel = Literal["REQUIRED", "OPTIONAL", "NONE"]
REQUIREMENT_LEVELS: tuple[RequirementLevel, ...] = ("REQUIRED", "OPTIONAL", "NONE")
#: ``LicenseFilepath``: a relative path without ``..``, at most 256 characters.
LICENSE_FILEPATH_PATTERN = re.compile(
    r"^(?!.*\/\.{2,})(?!.*\.\.)[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+)*$"
)
MAX_LICENSE_FILEPATH_LENGTH = 256


@dataclass(frozen=True)
class PackageConfiguration:
    """What a package (typically a ZIP-PLUGIN) needs besides itself: the API's
    ``PackageConfiguration``. Immutable; checked by the ``Package`` it is given to.

    Example::

        PackageConfiguration(
            license_requirement="REQUIRED",
            configuration_requirement="OPTIONAL",
            license_filepath="config/license.json",
            requires_restart_for_configuration_update=True,
        )

    :param license_requirement: Whether the plugin needs a PACKAGE-LICENSE package:
        ``"REQUIRED"``, ``"OPTIONAL"`` or ``"NONE"``.
    :param configuration_requirement: Whether it needs a PACKAGE-CONFIG package: ``"REQUIRED"``,
        ``"OPTIONAL"`` or ``"NONE"``.
    :param license_filepath: Where the plugin expects its licence file, relative to its
        configuration directory: at most 256 characters, letters, digits, ``_``, ``.``, ``-`` and
        ``/``, no ``..``. Default: none.
    :param requires_restart_for_configuration_update: Whether a new configuration needs the
        domain's nodes restarted. Default: not set, the service's default applies.
    """

    license_requirement: RequirementLevel
    configuration_requirement: RequirementLevel
    license_filepath: str | None = None
    requires_restart_for_configuration_update: bool | None = None

    def to_property(self) -> dict[str, Any]:
        """The custom resource's ``PackageConfiguration`` (unset keys omitted)."""
        out: dict[str, Any] = {
            "LicenseRequirement": self.license_requirement,
            "ConfigurationRequirement": self.configuration_requirement,
        }
        if self.license_filepath is not None:
            out["LicenseFilepath"] = self.license_filepath
        if self.requires_restart_for_configuration_update is not None:
            out["RequiresRestartForConfigurationUpdate"] = (
                self.requires_restart_for_configuration_update
            )
        return out


def check_package_configuration(subject: Subject, configuration: object) -> None:
    """Raise if ``configuration`` is not a valid ``PackageConfiguration`` (None is fine)."""
    expected = "a PackageConfiguration(license_requirement=..., configuration_requirement=...)"
    if not subject.given("package_configuration", configuration, PackageConfiguration, expected):
        return
    assert isinstance(configuration, PackageConfiguration)  # checked; narrows the type
    for field in ("license_requirement", "configuration_requirement"):
        level = getattr(configuration, field)
        if not isinstance(level, str) or (is_literal(level) and level not in REQUIREMENT_LEVELS):
            raise subject.invalid(
                f"package_configuration.{field} {level!r} is not one of "
                f"{', '.join(REQUIREMENT_LEVELS)}"
            )
    path = configuration.license_filepath
    field = "package_configuration.license_filepath"
    if subject.given(field, path, str, "a relative path such as 'license.json'"):
        assert isinstance(path, str)  # checked; narrows the type
        if is_literal(path) and (
            len(path) > MAX_LICENSE_FILEPATH_LENGTH or not LICENSE_FILEPATH_PATTERN.match(path)
        ):
            raise subject.invalid(
                f"package_configuration.license_filepath {path!r} is not a licence "
                f"path the service accepts: use a relative path of at most "
                f"{MAX_LICENSE_FILEPATH_LENGTH} characters (letters, digits, '_', '.', '-' and "
                "'/'), without '..' or a leading '/', e.g. 'config/license.json'"
            )
    subject.given(
        "package_configuration.requires_restart_for_configuration_update",
        configuration.requires_restart_for_configuration_update,
        bool,
        "True, False or None",
    )
