"""Literal-value checks shared by the public classes.

Only literal values are checked: tokens (values resolved at deploy time) pass unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from aws_cdk import Token

#: ``PackageID`` as the OpenSearch Service API defines it (``G…`` are AWS-provided packages).
PACKAGE_ID_PATTERN = re.compile(r"^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$")
#: ``DomainName`` as the OpenSearch Service API defines it, 3 to 28 characters.
DOMAIN_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9\-]+$")
DOMAIN_NAME_MIN_LENGTH = 3
DOMAIN_NAME_MAX_LENGTH = 28
#: Service quota: packages associated with one domain.
MAX_PACKAGES_PER_DOMAIN = 20
#: CloudFormation's ``ServiceTimeout`` maximum for a custom resource, in seconds.
MAX_TIMEOUT_SECONDS = 3600


def is_literal(value: str) -> bool:
    """Whether ``value`` is known at synth time (not a token)."""
    return not Token.is_unresolved(value)


def check_package_id(value: object, what: str = "package ID") -> str:
    """Return ``value`` if it is a valid package ID (or a token), else raise."""
    if not isinstance(value, str):
        raise TypeError(
            f"{what} {value!r} is a {type(value).__name__}; expected a string such as "
            "'F111111111', 'G222222222' or 'pkg-0a1b2c3d'"
        )
    if is_literal(value) and not PACKAGE_ID_PATTERN.match(value):
        raise ValueError(
            f"{what} {value!r} is not a valid OpenSearch Service package ID: expected 'F' or 'G' "
            "followed by digits (e.g. 'F111111111') or 'pkg-' followed by lowercase hex digits "
            "(e.g. 'pkg-0a1b2c3d'), matching ^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$"
        )
    return value


def check_domain_name(value: object) -> str:
    """Return ``value`` if it is a valid domain name (or a token), else raise."""
    if not isinstance(value, str):
        raise TypeError(
            f"domain_name {value!r} is a {type(value).__name__}; expected a string such as "
            "'my-domain'"
        )
    if is_literal(value) and not (
        DOMAIN_NAME_MIN_LENGTH <= len(value) <= DOMAIN_NAME_MAX_LENGTH
        and DOMAIN_NAME_PATTERN.match(value)
    ):
        raise ValueError(
            f"domain_name {value!r} is not a valid OpenSearch Service domain name: use "
            f"{DOMAIN_NAME_MIN_LENGTH} to {DOMAIN_NAME_MAX_LENGTH} characters, starting with a "
            "lowercase letter, followed by lowercase letters, digits and hyphens "
            "(^[a-z][a-z0-9\\-]+$)"
        )
    return value


def find_prerequisite_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return one cycle (first node repeated at the end) among ``graph``'s nodes, or ``None``.

    ``graph`` maps a package ID to its prerequisites; prerequisites that are not keys of
    ``graph`` (packages already on the domain) cannot be part of a cycle and are ignored.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = grey
        path.append(node)
        for nxt in graph[node]:
            if nxt not in colour:
                continue
            if colour[nxt] == grey:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == white:
                found = visit(nxt)
                if found is not None:
                    return found
        path.pop()
        colour[node] = black
        return None

    for start in graph:
        if colour[start] == white:
            found = visit(start)
            if found is not None:
                return found
    return None
