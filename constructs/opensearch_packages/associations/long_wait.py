"""Long waits: a ``DomainPackages`` whose ``timeout`` is over an hour waits on a wait condition.

A custom resource must answer CloudFormation within an hour (``ServiceTimeout`` at most 3,600
s), and a plugin's blue/green deployment on a large domain takes hours. Above an hour the custom
resource gets ``ServiceTimeout`` 3,600 and a ``WaitHandle`` property, the URL of an
``AWS::CloudFormation::WaitConditionHandle``; the handler answers once the service has accepted
the change, goes on waiting, and signals the handle: SUCCESS when the packages are ACTIVE (or
gone), FAILURE with the reason a failed custom resource would give. The stack waits on an
``AWS::CloudFormation::WaitCondition`` on that handle (``Timeout`` up to 43,200 s), which comes
after the custom resource.

A wait condition cannot be updated, and a handle keeps the signals it was given, so each change
gets a new handle and a new condition: their construct IDs, and so their logical IDs, end in a
hash of what is applied (``change_hash``). The hash covers the custom resource's properties and
those of each ``Package`` it lists, because a ``Package``'s new file content changes only the
``Package``'s own properties (the association's hold a ``GetAtt`` of its version). A new hash is
a new handle URL in ``WaitHandle``, so every new condition comes with an Update of the custom
resource, whose handler signals it, even when nothing else of the association changed (a
``Package``'s timeout, say): no condition waits on a handle nobody signals.

Everything hashed is fixed once the ``DomainPackages`` is constructed (its properties are built
in its constructor, a listed ``Package``'s in the ``Package``'s, which comes first), so the hash
is computed then, resolved as the stack will render it: the same app gives the same IDs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import (
    CfnResource,
    CfnWaitCondition,
    CfnWaitConditionHandle,
    CustomResource,
    Duration,
    Fn,
    IResolveContext,
    IStringProducer,
    Lazy,
    Stack,
)
from constructs import Construct

from opensearch_packages.associations.association import PackageAssociation
from opensearch_packages.core.api import MAX_TIMEOUT_SECONDS, MAX_WAIT_SECONDS
from opensearch_packages.core.ipackage import IManagedPackage
from opensearch_packages.core.values import TimeoutLimit

#: The longest ``timeout`` of a ``DomainPackages``: a wait condition's ``Timeout`` maximum.
DOMAIN_PACKAGES_TIMEOUT = TimeoutLimit(
    MAX_WAIT_SECONDS, "CloudFormation lets a stack wait (a WaitCondition's Timeout)"
)
#: The custom resource's property with the handle's URL (``Ref`` of the handle), which the
#: handler signals.
WAIT_HANDLE_PROPERTY = "WaitHandle"
#: Construct IDs of the handle and the condition under the ``DomainPackages``, each followed by
#: the change hash.
HANDLE_ID = "WaitHandle"
CONDITION_ID = "Wait"
#: A custom resource's properties that are CloudFormation's rather than the handler's (the
#: function, and the answer deadline, which follows ``TimeoutSeconds``): not hashed.
SERVICE_KEYS = frozenset({"ServiceToken", "ServiceTimeout"})
#: Hex digits of the change hash.
_HASH_LENGTH = 8


def is_long(timeout_seconds: int) -> bool:
    """Whether a wait of ``timeout_seconds`` needs a wait condition: longer than one custom
    resource may take to answer."""
    return timeout_seconds > MAX_TIMEOUT_SECONDS


def service_timeout(timeout_seconds: int) -> Duration:
    """The custom resource's ``ServiceTimeout``: the whole wait up to an hour, else an hour
    (it answers once the change is accepted, at the latest then)."""
    return Duration.seconds(min(timeout_seconds, MAX_TIMEOUT_SECONDS))


def change_hash(
    scope: Construct, properties: Mapping[str, Any], packages: Sequence[PackageAssociation]
) -> str:
    """8 upper-case hex digits of a SHA-256 over what a deploy applies: the custom resource's
    ``properties`` (without ``WaitHandle``) and, for each ``Package`` among ``packages`` (listed
    or a prerequisite, in order, each once), its custom resource's properties (without
    ``SERVICE_KEYS``); all resolved as ``scope``'s stack renders them, as one JSON list with
    sorted keys and no spaces."""
    own = {k: v for k, v in properties.items() if k != WAIT_HANDLE_PROPERTY}
    applied = [own, *(_properties_of(p) for p in _managed(packages))]
    text = json.dumps(Stack.of(scope).resolve(applied), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:_HASH_LENGTH].upper()


class LongWait:
    """The handle and the condition of one ``DomainPackages`` in long mode.

    Made in two steps around the custom resource, which needs the handle's URL and which the
    condition follows: ``LongWait(...)`` adds the handle (``url`` goes into the properties),
    ``follow(resource)`` the condition.
    """

    def __init__(
        self,
        scope: Construct,
        *,
        properties: Mapping[str, Any],
        packages: Sequence[PackageAssociation],
        timeout_seconds: int,
    ) -> None:
        self._scope = scope
        self._timeout_seconds = timeout_seconds
        self.change = change_hash(scope, properties, packages)
        self.handle = CfnWaitConditionHandle(scope, f"{HANDLE_ID}{self.change}")

    @property
    def url(self) -> str:
        """The handle's presigned URL (a token, ``Ref`` of the handle): ``WaitHandle``."""
        return self.handle.ref

    def follow(self, resource: CustomResource) -> CfnWaitCondition:
        """The condition on the handle, one signal within the timeout, after ``resource``."""
        condition = CfnWaitCondition(
            self._scope,
            f"{CONDITION_ID}{self.change}",
            handle=self.url,
            timeout=str(self._timeout_seconds),
            count=1,
        )
        condition.node.add_dependency(resource)
        return condition


def after_wait(value: str, condition: CfnWaitCondition | None) -> str:
    """``value``, an attribute of the custom resource, for use once ``condition`` is satisfied
    too (a token); ``value`` itself without a condition (a wait of an hour or less).

    In the condition's stack (or a stack nested in it) the token is ``Fn::Select [0, [value,
    Ref <condition>]]``: it selects the attribute, and the reference to the condition makes
    whatever uses it wait for the condition (``Fn::Select`` takes ``Fn::GetAtt`` and ``Ref`` in
    its list). ``Ref`` rather than ``GetAtt <condition>.Data``: both order alike, but ``Data``
    is a JSON object, which CDK's template validation and cfn-lint (E6101) refuse as an output.

    In any other stack it is ``value`` alone: that stack is deployed after this one has finished,
    wait included, and an export of the condition, whose logical ID changes with each change,
    would be one that the next change cannot remove while the other stack imports it.
    """
    if condition is None:
        return value
    return Lazy.uncached_string(_AfterWait(value, condition))


@jsii.implements(IStringProducer)
class _AfterWait:
    """The token of ``after_wait``, which depends on the stack it is used in."""

    def __init__(self, value: str, condition: CfnWaitCondition) -> None:
        self._value = value
        self._condition = condition

    def produce(self, context: IResolveContext) -> str:
        if _within(Stack.of(context.scope), Stack.of(self._condition)):
            return Fn.select(0, [self._value, self._condition.ref])
        return self._value


def _within(consumer: Stack, producer: Stack) -> bool:
    """Whether ``consumer`` is ``producer`` or a stack nested in it (whose references reach
    ``producer``'s resources through its own stack resource in ``producer``)."""
    stack: Stack | None = consumer
    while stack is not None:
        if stack.node.path == producer.node.path:
            return True
        stack = stack.nested_stack_parent
    return False


def _managed(packages: Sequence[PackageAssociation]) -> list[IManagedPackage]:
    """The ``Package``s among the packages and their prerequisites, in order, each once."""
    found: dict[str, IManagedPackage] = {}
    for ref in (r for p in packages for r in (p.package, *p.prerequisites)):
        if isinstance(ref, IManagedPackage):
            found.setdefault(ref.node.path, ref)
    return list(found.values())


def _properties_of(package: IManagedPackage) -> dict[str, Any]:
    """What a ``Package``'s handler is given: its custom resource's properties less those of
    CloudFormation's own (``SERVICE_KEYS``), as given to it (tokens unresolved)."""
    custom = package.resource.node.default_child
    assert isinstance(custom, CfnResource)  # a CustomResource's is
    return {k: v for k, v in custom._cfn_properties.items() if k not in SERVICE_KEYS}
