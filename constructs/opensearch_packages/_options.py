"""A package's options beyond its file: configuration, encryption, vending and sharing.

Limits are those of the OpenSearch Service API (botocore's model, opensearch 2021-01-01); the
handler checks the same ones again (``lambda/domain_packages_handler/packages/options.py``).
Only literal values are checked: tokens pass unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from opensearch_packages._validation import is_given, is_literal

#: ``RequirementLevel`` of the API: whether a plugin needs a licence or a configuration package.
RequirementLevel = Literal["REQUIRED", "OPTIONAL", "NONE"]
REQUIREMENT_LEVELS: tuple[RequirementLevel, ...] = ("REQUIRED", "OPTIONAL", "NONE")
#: ``LicenseFilepath``: a relative path without ``..``, at most 256 characters.
LICENSE_FILEPATH_PATTERN = re.compile(
    r"^(?!.*\/\.{2,})(?!.*\.\.)[a-zA-Z0-9_.-]+(?:\/[a-zA-Z0-9_.-]+)*$"
)
MAX_LICENSE_FILEPATH_LENGTH = 256
#: ``PackageUser``: who a package is shared with (``UpdatePackageScope``).
PACKAGE_USER_PATTERN = re.compile(r"^[0-9]{12}$|^GLOBAL$")
GLOBAL_SCOPE = "GLOBAL"


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


def check_package_configuration(owner: str, configuration: object) -> None:
    """Raise if ``configuration`` is not a valid ``PackageConfiguration`` (None is fine)."""
    expected = "a PackageConfiguration(license_requirement=..., configuration_requirement=...)"
    if not is_given(owner, "package_configuration", configuration, PackageConfiguration, expected):
        return
    assert isinstance(configuration, PackageConfiguration)  # checked; narrows the type
    for field in ("license_requirement", "configuration_requirement"):
        level = getattr(configuration, field)
        if not isinstance(level, str) or (is_literal(level) and level not in REQUIREMENT_LEVELS):
            raise ValueError(
                f"{owner}: package_configuration.{field} {level!r} is not one of "
                f"{', '.join(REQUIREMENT_LEVELS)}"
            )
    path = configuration.license_filepath
    field = "package_configuration.license_filepath"
    if is_given(owner, field, path, str, "a relative path such as 'license.json'"):
        assert isinstance(path, str)  # checked; narrows the type
        if is_literal(path) and (
            len(path) > MAX_LICENSE_FILEPATH_LENGTH or not LICENSE_FILEPATH_PATTERN.match(path)
        ):
            raise ValueError(
                f"{owner}: package_configuration.license_filepath {path!r} is not a licence "
                f"path the service accepts: use a relative path of at most "
                f"{MAX_LICENSE_FILEPATH_LENGTH} characters (letters, digits, '_', '.', '-' and "
                "'/'), without '..' or a leading '/', e.g. 'config/license.json'"
            )
    is_given(
        owner,
        "package_configuration.requires_restart_for_configuration_update",
        configuration.requires_restart_for_configuration_update,
        bool,
        "True, False or None",
    )


def check_vending_enabled(owner: str, vending_enabled: object) -> None:
    is_given(owner, "vending_enabled", vending_enabled, bool, "True, False or None")


def check_shared_with(owner: str, shared_with: object) -> tuple[str, ...] | None:
    """The accounts a package is shared with, as given; None when not shared."""
    if shared_with is None:
        return None
    if isinstance(shared_with, str) or not isinstance(shared_with, Sequence):
        raise TypeError(
            f"{owner}: shared_with {shared_with!r} is a {type(shared_with).__name__}; expected a "
            f"list of 12-digit account IDs or [{GLOBAL_SCOPE!r}], e.g. shared_with="
            "['111122223333']"
        )
    seen: set[str] = set()
    expected = f"a 12-digit account ID string or {GLOBAL_SCOPE!r}"
    for user in shared_with:
        if not is_given(owner, "shared_with entry", user, str, expected):
            raise TypeError(f"{owner}: shared_with has an entry None; expected {expected}")
        if is_literal(user) and not PACKAGE_USER_PATTERN.match(user):
            raise ValueError(
                f"{owner}: shared_with entry {user!r} is neither a 12-digit account ID (e.g. "
                f"'111122223333') nor {GLOBAL_SCOPE!r}"
            )
        if user in seen:
            raise ValueError(f"{owner}: shared_with lists {user!r} twice; list each account once")
        seen.add(user)
    return tuple(shared_with)
