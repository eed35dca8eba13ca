"""The name a ``Package`` derives when none is given: readable, unique, and stable for as long
as the package may be updated in place.

The derivation is part of every deployed stack's identity (a new name is a new package), so it
changes only with a note in CHANGELOG.md.
"""

from __future__ import annotations

import hashlib
import re

#: Longest name ``Package`` derives: kept at the domain-name rule's 28 characters it always had,
#: so that derived names of existing stacks stay as they are.
DERIVED_PACKAGE_NAME_MAX_LENGTH = 28
#: Hex digits of the hash in a derived package name.
_HASH_LENGTH = 8


def derive_package_name(
    construct_id: str, path: str, package_type: str, vending_enabled: bool | None = None
) -> str:
    """A valid package name, readable (from the construct ID) and unique (a hash of the path).

    The hash also covers the type and ``vending_enabled`` when set: changing them needs a new
    package, whose name must differ while the old one still exists. Not the engine version: the
    service wants a plugin's package for a new engine version under the same name (developer
    guide, custom plugins: upgrading), and a ZIP-PLUGIN's name is unique per engine version.
    At most 28 characters, as names always were derived.
    """
    prefix = re.sub(r"[^a-z0-9]+", "-", construct_id.lower())
    prefix = re.sub(r"^[^a-z]+", "", prefix)  # must start with a letter
    prefix = prefix[: DERIVED_PACKAGE_NAME_MAX_LENGTH - _HASH_LENGTH - 1].strip("-") or "package"
    identity = f"{path}\n{package_type}"
    if vending_enabled is not None:
        identity += f"\nvending={vending_enabled}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:_HASH_LENGTH]
    return f"{prefix}-{digest}"
