"""The service's naming rules, defined once for the handler.

The construct keeps its own copy (it never imports handler code);
tests/test_naming_rules_agree.py checks that both copies accept and refuse the same values.
"""

from __future__ import annotations

import re

#: How reasons describe the name rules.
NAME_RULE = (
    "3-28 characters for a domain, 3-256 for a package; lower-case letters, digits and hyphens, "
    "starting with a letter"
)

#: ``DomainName``: 3 to 28 characters, a lowercase letter then lowercase letters, digits, hyphens.
DOMAIN_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9\-]{2,27}$")
#: ``PackageID``: ``F…``/``G…`` (``G`` are AWS-provided packages) or ``pkg-<hex>``.
PACKAGE_ID_PATTERN = re.compile(r"^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$")
#: ``PackageName``: 3 to 256 characters of the same alphabet (botocore's model; not the domain
#: name's 28).
PACKAGE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9\-]{2,255}$")


def is_package_id(value: str) -> bool:
    return bool(PACKAGE_ID_PATTERN.match(value))
