"""Literal-value checks shared by the public classes.

Only literal values are checked: tokens (values resolved at deploy time) pass unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from aws_cdk import Duration, RemovalPolicy, Token

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
#: Timeout of a ``DomainPackages`` or ``Package`` when none is given: the maximum.
DEFAULT_TIMEOUT = Duration.hours(1)
#: ``PackageName`` as the service accepts it (botocore's model): 3 to 256 characters, a lowercase
#: letter, then lowercase letters, digits and hyphens.
PACKAGE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9\-]+$")
PACKAGE_NAME_MIN_LENGTH = 3
PACKAGE_NAME_MAX_LENGTH = 256
#: Longest name ``Package`` derives: kept at the domain-name rule's 28 characters it always had,
#: so that derived names of existing stacks stay as they are.
DERIVED_PACKAGE_NAME_MAX_LENGTH = 28
#: ``PackageType`` values of the OpenSearch Service API.
PACKAGE_TYPES = ("TXT-DICTIONARY", "ZIP-PLUGIN", "PACKAGE-LICENSE", "PACKAGE-CONFIG")
#: ``EngineVersion`` of a ZIP-PLUGIN package, e.g. ``OpenSearch_2.19``.
ENGINE_VERSION_PATTERN = re.compile(r"^(OpenSearch|Elasticsearch)_[0-9]+\.[0-9]+$")
#: ``PackageDescription`` maximum length: the service's 1,024 characters less the 35 of the
#: ownership mark `` [opensearch-packages:<12 hex digits>]`` the handler appends to every
#: description it sends, by which it later recognises a package it created.
MAX_DESCRIPTION_LENGTH = 1024 - 35

_Node = TypeVar("_Node", bound=Hashable)


def is_literal(value: str) -> bool:
    """Whether ``value`` is known at synth time (not a token)."""
    return not Token.is_unresolved(value)


def is_given(owner: str, field: str, value: object, kind: type, expected: str) -> bool:
    """Whether an optional value is given (not None); raise a TypeError naming the construct,
    the value and what to give instead if it is not a ``kind``.

    :param expected: What to give, e.g. ``"a string"`` or ``"True, False or None"``.
    """
    if value is None:
        return False
    if not isinstance(value, kind):
        raise TypeError(
            f"{owner}: {field} {value!r} is a {type(value).__name__}; expected {expected}"
        )
    return True


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


def check_package_type(owner: str, value: object) -> str:
    """Return ``value`` if it is one of ``PACKAGE_TYPES``, else raise."""
    if value not in PACKAGE_TYPES:
        raise ValueError(
            f"{owner}: package_type {value!r} is not one of {', '.join(PACKAGE_TYPES)}"
        )
    return str(value)


def check_domain_name(value: object) -> str:
    """Return ``value`` if it is a valid domain name (or a token), else raise."""
    return _check_name(value, "domain_name", "domain name", "my-domain")


def check_package_name(value: object) -> str:
    """Return ``value`` if it is a valid package name (or a token), else raise.

    Package names: 3 to 256 characters, ``[a-z][a-z0-9-]+`` (the service's model; a domain
    name allows only 28).
    """
    return _check_name(
        value,
        "package_name",
        "package name",
        "my-synonyms",
        lengths=(PACKAGE_NAME_MIN_LENGTH, PACKAGE_NAME_MAX_LENGTH),
        pattern=PACKAGE_NAME_PATTERN,
    )


def _check_name(
    value: object,
    field: str,
    kind: str,
    example: str,
    *,
    lengths: tuple[int, int] = (DOMAIN_NAME_MIN_LENGTH, DOMAIN_NAME_MAX_LENGTH),
    pattern: re.Pattern[str] = DOMAIN_NAME_PATTERN,
) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{field} {value!r} is a {type(value).__name__}; expected a string such as {example!r}"
        )
    shortest, longest = lengths
    if is_literal(value) and not (shortest <= len(value) <= longest and pattern.match(value)):
        raise ValueError(
            f"{field} {value!r} is not a valid OpenSearch Service {kind}: use "
            f"{shortest} to {longest} characters, starting with a lowercase letter, followed by "
            "lowercase letters, digits and hyphens (^[a-z][a-z0-9\\-]+$)"
        )
    return value


def check_timeout(owner: str, timeout: object) -> int:
    """The timeout in whole seconds, 1 to 3600 (CloudFormation's ``ServiceTimeout`` range).

    :param owner: How error messages name the construct, e.g. ``"DomainPackages 'Search'"``.
    :param timeout: A ``Duration``, or ``None`` for ``DEFAULT_TIMEOUT``.
    """
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    if not isinstance(timeout, Duration):
        raise TypeError(
            f"{owner}: timeout {timeout!r} is a {type(timeout).__name__}; "
            "expected an aws_cdk.Duration, e.g. Duration.minutes(30)"
        )
    seconds = timeout.to_seconds(integral=False)
    if Token.is_unresolved(seconds):
        raise ValueError(
            f"{owner}: timeout {timeout.to_human_string()!r} is a token; give a "
            f"Duration known at synth time, at most 1 hour ({MAX_TIMEOUT_SECONDS} s)"
        )
    if seconds > MAX_TIMEOUT_SECONDS:
        raise ValueError(
            f"{owner}: timeout {timeout.to_human_string()} ({seconds:g} s) is "
            f"longer than CloudFormation allows a custom resource to wait; use at most 1 hour "
            f"({MAX_TIMEOUT_SECONDS} s)"
        )
    if seconds < 1 or seconds != int(seconds):
        raise ValueError(
            f"{owner}: timeout {timeout.to_human_string()} ({seconds:g} s) must be "
            f"a whole number of seconds between 1 and {MAX_TIMEOUT_SECONDS}"
        )
    return int(seconds)


def check_removal_policy(
    owner: str, policy: RemovalPolicy | None, destroy_means: str, retain_means: str
) -> RemovalPolicy:
    """The removal policy, ``RemovalPolicy.DESTROY`` when none is given; the others raise.

    :param owner: How error messages name the construct, e.g. ``"Package 'Synonyms'"``.
    :param destroy_means: What DESTROY does for this construct, e.g. ``"delete the package"``.
    :param retain_means: What RETAIN does, e.g. ``"keep it"``.
    """
    if policy is None:
        return RemovalPolicy.DESTROY
    if policy not in (RemovalPolicy.DESTROY, RemovalPolicy.RETAIN):
        raise ValueError(
            f"{owner}: removal_policy {policy!r} is not supported; use RemovalPolicy.DESTROY "
            f"({destroy_means}) or RemovalPolicy.RETAIN ({retain_means})"
        )
    return policy


def find_prerequisite_cycle(
    graph: Mapping[_Node, Iterable[_Node]],
) -> list[_Node] | None:
    """Return one cycle (first node repeated at the end) among ``graph``'s nodes, or ``None``.

    ``graph`` maps a package (its ID, or any other hashable identity) to its prerequisites;
    prerequisites that are not keys of ``graph`` (packages already on the domain) cannot be part
    of a cycle and are ignored.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    path: list[_Node] = []

    def visit(node: _Node) -> list[_Node] | None:
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
