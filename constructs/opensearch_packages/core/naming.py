"""The service's naming rules, defined once for the constructs.

The handler keeps its own copy (``lambda/domain_packages_handler/core/names.py``; the construct
never imports handler code); ``tests/test_naming_rules_agree.py`` checks that both accept and
refuse the same values. Tokens pass unchecked.
"""

from __future__ import annotations

import re

from opensearch_packages.core.values import is_literal

#: ``PackageID`` as the OpenSearch Service API defines it (``G…`` are AWS-provided packages).
PACKAGE_ID_PATTERN = re.compile(r"^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$")
#: ``DomainName`` and ``PackageName``: a lowercase letter, then lowercase letters, digits and
#: hyphens. Only their lengths differ.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9\-]+$")
#: ``DomainName``: 3 to 28 characters.
DOMAIN_NAME_LENGTHS = (3, 28)
#: ``PackageName`` (botocore's model): 3 to 256 characters.
PACKAGE_NAME_LENGTHS = (3, 256)
#: ``PackageOwner`` as a package-by-name lookup takes it: ``AWS`` (AWS's optional plugins) or
#: the 12-digit ID of the account that owns the package.
PACKAGE_OWNER_PATTERN = re.compile(r"^(AWS|[0-9]{12})$")


def check_package_id(value: object, what: str = "package ID") -> str:
    """Return ``value`` if it is a valid package ID (or a token), else raise."""
    return _check_string(
        value,
        what,
        "a string such as 'F111111111', 'G222222222' or 'pkg-0a1b2c3d'",
        PACKAGE_ID_PATTERN,
        "is not a valid OpenSearch Service package ID: expected 'F' or 'G' followed by digits "
        "(e.g. 'F111111111') or 'pkg-' followed by lowercase hex digits (e.g. 'pkg-0a1b2c3d'), "
        "matching ^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$",
    )


def check_domain_name(value: object) -> str:
    """Return ``value`` if it is a valid domain name (or a token), else raise."""
    return _check_name(value, "domain_name", "domain name", "my-domain", DOMAIN_NAME_LENGTHS)


def check_package_name(value: object) -> str:
    """Return ``value`` if it is a valid package name (or a token), else raise."""
    return _check_name(value, "package_name", "package name", "my-synonyms", PACKAGE_NAME_LENGTHS)


def check_package_owner(value: object) -> str | None:
    """Return ``value`` if it is None, ``"AWS"``, a 12-digit account ID (or a token), else
    raise."""
    if value is None:
        return None
    return _check_string(
        value,
        "owner",
        "'AWS', a 12-digit account ID such as '123456789012', or None",
        PACKAGE_OWNER_PATTERN,
        "is not a package owner: use 'AWS' (AWS's optional plugins, in capitals), the 12-digit "
        "ID of the account that owns the package, or None (any owner; exactly one package of "
        "that name must then exist)",
    )


def _check_string(
    value: object, what: str, expected: str, pattern: re.Pattern[str], invalid: str
) -> str:
    """``value`` if it is a string that is a token or matches ``pattern``; else TypeError
    ("<what> <value> is a <type>; expected <expected>") or ValueError ("<what> <value>
    <invalid>")."""
    if not isinstance(value, str):
        raise TypeError(f"{what} {value!r} is a {type(value).__name__}; expected {expected}")
    if is_literal(value) and not pattern.match(value):
        raise ValueError(f"{what} {value!r} {invalid}")
    return value


def _check_name(
    value: object, field: str, kind: str, example: str, lengths: tuple[int, int]
) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{field} {value!r} is a {type(value).__name__}; expected a string such as {example!r}"
        )
    shortest, longest = lengths
    if is_literal(value) and not (shortest <= len(value) <= longest and NAME_PATTERN.match(value)):
        raise ValueError(
            f"{field} {value!r} is not a valid OpenSearch Service {kind}: use "
            f"{shortest} to {longest} characters, starting with a lowercase letter, followed by "
            "lowercase letters, digits and hyphens (^[a-z][a-z0-9\\-]+$)"
        )
    return value
