"""What the shared handler may do: the action lists, the cdk-nag reasons built from them, and
statements that name each resource once.

Kept apart from the provider construct so that the grants can be read (and checked against the
Service Authorization Reference, ``tests/constructs/core/test_iam_reference.py``) without
the construct's wiring around them.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

#: Actions on a domain, all of which support the domain ARN as resource.
DOMAIN_ACTIONS = (
    "es:AssociatePackages",
    "es:DissociatePackages",
    "es:AssociatePackage",
    "es:DissociatePackage",
    "es:ListPackagesForDomain",
    "es:DescribeDomain",
    "es:DescribeDomainChangeProgress",
)
#: What the waiter of a long wait (a ``DomainPackages`` waiting over an hour) reads of its own
#: stack: whether a newer request for its resource (an update, the rollback, a delete) has
#: superseded the one it answered, so that it stops without signalling. On the stack's own ID
#: only, and only in stacks with such a ``DomainPackages``.
STACK_ACTIONS = ("cloudformation:DescribeStackResource",)
#: Actions without resource-level permissions.
UNSCOPED_ACTIONS = ("es:DescribePackages",)
#: What a ``Package`` needs besides DescribePackages. None has resource-level permissions: the
#: Service Authorization Reference defines no package resource type for ``es`` (its resource
#: types are application, datasource, domain and the service-linked roles).
PACKAGE_ACTIONS = (
    "es:CreatePackage",
    "es:UpdatePackage",
    "es:DeletePackage",
    "es:ListDomainsForPackage",
    "es:UpdatePackageScope",
    "es:GetPackageVersionHistory",
)
#: What the service does with a ``Package``'s customer managed key, with the caller's permissions
#: (the developer guide's "custom package AWS KMS integration": the key encrypts a ZIP-PLUGIN at
#: rest; the service creates grants on it and uses it for data keys).
PACKAGE_KEY_ACTIONS = (
    "kms:CreateGrant",
    "kms:GenerateDataKey",
    "kms:Decrypt",
    "kms:DescribeKey",
)
UNSCOPED_REASON = (
    "es:DescribePackages has no resource-level permissions (the Service Authorization Reference "
    "lists no resource type for it); every other action is scoped to the domains and roles in use."
)


def _and_list(items: tuple[str, ...]) -> str:
    """``"a, b and c"``."""
    return f"{', '.join(items[:-1])} and {items[-1]}"


#: Built from the action lists, so that it names exactly the actions granted on ``*``.
PACKAGE_UNSCOPED_REASON = (
    f"{_and_list(UNSCOPED_ACTIONS + PACKAGE_ACTIONS)} have no resource-level permissions "
    "(the Service Authorization Reference defines no package resource type); the domain actions, "
    "iam:PassRole and s3:GetObject are scoped to the domains, roles and package objects in use."
)

#: The conditions of ``kms:Decrypt`` on ``*`` for the CDK asset bucket's key: used by S3, for a
#: package source. S3 puts ``aws:s3:arn`` in the encryption context: the object's ARN, or the
#: bucket's ARN when the object uses an S3 Bucket Key (Amazon S3 User Guide, "Encryption context"
#: and "Configuring your bucket to use an S3 Bucket Key").
VIA_SERVICE_KEY = "kms:ViaService"
S3_ARN_CONTEXT_KEY = "kms:EncryptionContext:aws:s3:arn"
#: Built from the condition keys, so that it names what limits the grant.
DECRYPT_VIA_S3_REASON = (
    f"kms:Decrypt on * is limited by {VIA_SERVICE_KEY} (S3 in the stack's Region) and "
    f"{S3_ARN_CONTEXT_KEY} (the CDK asset bucket's or a package source object's ARN): S3 may "
    "decrypt only those objects for the handler, whose s3:GetObject is scoped to the package "
    "sources; the asset bucket's key (cdk bootstrap --bootstrap-customer-key) is unknown at "
    "synth time."
)


class DistinctArns:
    """ARNs, each kept once, compared as CloudFormation will see them: two assets of one file
    give different tokens for one object ARN."""

    def __init__(self, scope: IConstruct) -> None:
        self._stack = Stack.of(scope)
        self._seen: set[str] = set()
        self.arns: list[str] = []

    def add(self, arn: str) -> bool:
        """Keep ``arn`` unless it is kept already; whether it was new."""
        identity = json.dumps(self._stack.resolve(arn), sort_keys=True)
        if identity in self._seen:
            return False
        self._seen.add(identity)
        self.arns.append(arn)
        return True


class ScopedStatement:
    """A policy statement on the resources given to it, each once. It joins its policy (through
    ``attach``) with its first resource: a statement without resources is not valid."""

    def __init__(
        self,
        scope: IConstruct,
        actions: tuple[str, ...],
        attach: Callable[[iam.PolicyStatement], object],
    ) -> None:
        self.statement = iam.PolicyStatement(actions=list(actions))
        self._resources = DistinctArns(scope)
        self._attach = attach

    def add(self, arn: str) -> None:
        """Grant the actions on ``arn`` too (nothing if it is granted already)."""
        first = not self._resources.arns
        if not self._resources.add(arn):
            return
        if first:
            self._attach(self.statement)
        self.statement.add_resources(arn)


class DecryptViaS3:
    """``kms:Decrypt`` on any key, but only for S3 reading the objects given (or an object of
    their bucket with an S3 Bucket Key): for package sources in the CDK asset bucket, whose key,
    if customer managed, is unknown at synth time."""

    def __init__(self, scope: IConstruct) -> None:
        self.statement = iam.PolicyStatement(actions=["kms:Decrypt"], resources=["*"])
        self._stack = Stack.of(scope)
        self._contexts = DistinctArns(scope)

    @property
    def in_use(self) -> bool:
        return bool(self._contexts.arns)

    def add(self, bucket_arn: str, object_arn: str) -> None:
        """Let S3 decrypt ``object_arn`` (of ``bucket_arn``) for the handler too."""
        for arn in (bucket_arn, object_arn):
            self._contexts.add(arn)
        self.statement.add_condition(
            "StringEquals",
            {
                VIA_SERVICE_KEY: f"s3.{self._stack.region}.{self._stack.url_suffix}",
                S3_ARN_CONTEXT_KEY: list(self._contexts.arns),
            },
        )


class PolicyOnDemand:
    """An ``iam.Policy`` of ``role``, created with its first statement (a policy may not be
    empty). Not a child of the role: a function depends on everything under its role, and must
    not depend on this policy."""

    def __init__(self, scope: Construct, id: str, role: iam.IRole) -> None:
        self._scope, self._id, self._role = scope, id, role
        self.policy: iam.Policy | None = None

    def add(self, statement: iam.PolicyStatement) -> None:
        if self.policy is None:
            self.policy = iam.Policy(
                self._scope, self._id, roles=[self._role], statements=[statement]
            )
        else:
            self.policy.add_statements(statement)


class UnscopedReasons:
    """The reasons for everything granted on ``*``, acknowledged as cdk-nag's
    ``AwsSolutions-IAM5[Resource::*]`` on the policy that holds those grants.

    Same finding, same construct: each acknowledgement is its own metadata entry, and the last
    one's reason covers every unscoped grant so far.
    """

    def __init__(self, policy: IConstruct) -> None:
        self._policy = policy
        self._reasons = {"es": UNSCOPED_REASON}
        self._acknowledge()

    def set(self, topic: str, reason: str) -> None:
        """Give ``topic`` (``"es"``, ``"kms"``) this reason, and acknowledge them all again."""
        self._reasons[topic] = reason
        self._acknowledge()

    def _acknowledge(self) -> None:
        Validations.of(self._policy).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]", reason=" ".join(self._reasons.values())
            )
        )
