"""Checks of literal values that both kinds take: tokens, timeouts, removal policies, types.

Only literal values are checked: tokens (values resolved at deploy time) pass unchecked.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Token

from opensearch_packages.core.api import (
    DEFAULT_TIMEOUT,
    MAX_TIMEOUT_SECONDS,
    PACKAGE_TYPES,
    PackageType,
)
from opensearch_packages.core.errors import Subject


def is_literal(value: str) -> bool:
    """Whether ``value`` is known at synth time (not a token)."""
    return not Token.is_unresolved(value)


def check_package_type(subject: Subject, value: object) -> PackageType:
    """Return ``value`` if it is one of ``PACKAGE_TYPES``, else raise."""
    for package_type in PACKAGE_TYPES:
        if value == package_type:
            return package_type
    raise subject.invalid(f"package_type {value!r} is not one of {', '.join(PACKAGE_TYPES)}")


def check_timeout(subject: Subject, timeout: object) -> int:
    """The timeout in whole seconds, 1 to 3600 (CloudFormation's ``ServiceTimeout`` range).

    :param timeout: A ``Duration``, or ``None`` for ``DEFAULT_TIMEOUT``.
    """
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    if not isinstance(timeout, Duration):
        raise subject.wrong_type(
            "timeout", timeout, "an aws_cdk.Duration, e.g. Duration.minutes(30)"
        )
    seconds = timeout.to_seconds(integral=False)
    if Token.is_unresolved(seconds):
        raise subject.invalid(
            f"timeout {timeout.to_human_string()!r} is a token; give a Duration known at synth "
            f"time, at most 1 hour ({MAX_TIMEOUT_SECONDS} s)"
        )
    if seconds > MAX_TIMEOUT_SECONDS:
        raise subject.invalid(
            f"timeout {timeout.to_human_string()} ({seconds:g} s) is longer than CloudFormation "
            f"allows a custom resource to wait; use at most 1 hour ({MAX_TIMEOUT_SECONDS} s)"
        )
    if seconds < 1 or seconds != int(seconds):
        raise subject.invalid(
            f"timeout {timeout.to_human_string()} ({seconds:g} s) must be a whole number of "
            f"seconds between 1 and {MAX_TIMEOUT_SECONDS}"
        )
    return int(seconds)


def check_removal_policy(
    subject: Subject, policy: RemovalPolicy | None, destroy_means: str, retain_means: str
) -> RemovalPolicy:
    """The removal policy, ``RemovalPolicy.DESTROY`` when none is given; the others raise.

    :param destroy_means: What DESTROY does for this construct, e.g. ``"delete the package"``.
    :param retain_means: What RETAIN does, e.g. ``"keep it"``.
    """
    if policy is None:
        return RemovalPolicy.DESTROY
    if policy not in (RemovalPolicy.DESTROY, RemovalPolicy.RETAIN):
        raise subject.invalid(
            f"removal_policy {policy!r} is not supported; use RemovalPolicy.DESTROY "
            f"({destroy_means}) or RemovalPolicy.RETAIN ({retain_means})"
        )
    return policy
