"""Checks of literal values that both kinds take: tokens, timeouts, removal policies, types.

Only literal values are checked: tokens (values resolved at deploy time) pass unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Token

from opensearch_packages.core.api import DEFAULT_TIMEOUT, PACKAGE_TYPES, PackageType
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


@dataclass(frozen=True)
class TimeoutLimit:
    """The longest ``timeout`` a kind accepts, and why, for the message that refuses a longer one.

    :param seconds: The maximum, in whole seconds.
    :param reason: Why it is the maximum, completing "timeout 2 hours (7200 s) is longer than
        ...", e.g. ``"CloudFormation allows a custom resource to wait"``.
    """

    seconds: int
    reason: str

    @property
    def label(self) -> str:
        """``"1 hour (3600 s)"``, as the messages name the maximum."""
        return f"{Duration.seconds(self.seconds).to_human_string()} ({self.seconds} s)"


def check_timeout(subject: Subject, timeout: object, maximum: TimeoutLimit) -> int:
    """The timeout in whole seconds, 1 to ``maximum.seconds``.

    The two kinds differ in their maximum: a ``Package`` waits as long as one custom resource
    may (an hour), a ``DomainPackages`` up to a wait condition's 12 hours.

    :param timeout: A ``Duration``, or ``None`` for ``DEFAULT_TIMEOUT``.
    :param maximum: The kind's longest timeout and why.
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
            f"time, at most {maximum.label}"
        )
    if seconds > maximum.seconds:
        raise subject.invalid(
            f"timeout {timeout.to_human_string()} ({seconds:g} s) is longer than "
            f"{maximum.reason}; use at most {maximum.label}"
        )
    if seconds < 1 or seconds != int(seconds):
        raise subject.invalid(
            f"timeout {timeout.to_human_string()} ({seconds:g} s) must be a whole number of "
            f"seconds between 1 and {maximum.seconds}"
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
