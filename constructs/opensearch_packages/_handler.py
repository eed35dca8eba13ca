"""The handler function shared by every ``DomainPackages`` and ``Package`` of a stack, with
its IAM."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aws_cdk import Acknowledgment, CustomResource, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from opensearch_packages import _bundling

#: Construct ID of the shared handler, directly under the stack.
HANDLER_CONSTRUCT_ID = "OpenSearchDomainPackagesHandler"

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

FUNCTION_TIMEOUT = Duration.minutes(15)
MEMORY_SIZE_MB = 256
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


class DomainPackagesHandler(Construct):
    """The Lambda function that answers CloudFormation for every ``DomainPackages`` and
    ``Package`` in a stack.

    Created once per stack, by the first of them; later ones widen its permissions to their
    domains, key access roles and package source objects.
    """

    @classmethod
    def of(cls, scope: IConstruct) -> DomainPackagesHandler:
        """The stack's handler, created on first use."""
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(HANDLER_CONSTRUCT_ID)
        if existing is None:
            return cls(stack, HANDLER_CONSTRUCT_ID)
        if not isinstance(existing, cls):
            raise TypeError(
                f"the construct ID {HANDLER_CONSTRUCT_ID!r} at the root of stack "
                f"{stack.node.path!r} is reserved for the OpenSearch packages handler; rename "
                f"your {type(existing).__name__}"
            )
        return existing

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self._domain_arns: list[str] = []
        self._role_arns: list[str] = []
        self._object_arns: list[str] = []
        self._decrypt_context_arns: list[str] = []
        #: ``id()`` of each list above -> the resolved ARNs in it, for ``_first_time``.
        self._resolved: dict[int, set[str]] = {}
        self._unscoped_reasons = [UNSCOPED_REASON]

        self.log_group = logs.LogGroup(self, "LogGroup", retention=LOG_RETENTION)
        self.role = iam.Role(
            self,
            "ServiceRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Associates OpenSearch Service packages with domains (opensearch-packages)",
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self._unscoped_statement = iam.PolicyStatement(
            actions=list(UNSCOPED_ACTIONS), resources=["*"]
        )
        self.role.add_to_principal_policy(self._unscoped_statement)
        self._domain_statement = iam.PolicyStatement(actions=list(DOMAIN_ACTIONS))
        #: The domain-scoped statements (domain actions, ``iam:PassRole``), in a policy of their
        #: own, created with the first of them: the default policy (on which the function
        #: depends) then never references a domain, so that a domain of the stack may depend on
        #: a ``Package`` (a plugin's package must exist before the domain upgrades to it).
        self.association_policy: iam.Policy | None = None
        self._pass_role_statement = iam.PolicyStatement(actions=["iam:PassRole"])
        self._object_statement = iam.PolicyStatement(actions=["s3:GetObject"])
        self._decrypt_statement = iam.PolicyStatement(actions=["kms:Decrypt"], resources=["*"])
        self.default_policy = self.role.node.find_child("DefaultPolicy")
        self._acknowledge_unscoped()

        self.function = lambda_.Function(
            self,
            "Function",
            description="Associates OpenSearch Service packages with domains and waits for them "
            "(opensearch-packages)",
            code=_bundling.handler_code(),
            handler=_bundling.HANDLER,
            runtime=_bundling.RUNTIME,
            architecture=_bundling.ARCHITECTURE,
            memory_size=MEMORY_SIZE_MB,
            timeout=FUNCTION_TIMEOUT,
            role=self.role,
            log_group=self.log_group,
        )

        # A separate policy: in the default policy, the function's ARN would make a cycle (the
        # function depends on its role's default policy).
        self.self_invoke_policy = iam.Policy(
            self,
            "SelfInvokePolicy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=["lambda:InvokeFunction"],
                    resources=[self.function.function_arn],
                )
            ],
        )

    def allow_domain(self, domain_arn: str) -> None:
        """Grant the package actions on ``domain_arn`` (once per distinct ARN), in the
        association policy."""
        self._grant(
            self._domain_statement, self._domain_arns, domain_arn, self._add_association_statement
        )

    def allow_pass_role(self, role: iam.IRole) -> None:
        """Grant ``iam:PassRole`` on ``role`` (once per distinct role), in the association
        policy."""
        self._grant(
            self._pass_role_statement,
            self._role_arns,
            role.role_arn,
            self._add_association_statement,
        )

    def allow_package_management(self) -> None:
        """Grant the package actions a ``Package`` needs (once; they have no resource scope)."""
        if PACKAGE_ACTIONS[0] in self._unscoped_statement.actions:
            return
        self._unscoped_statement.add_actions(*PACKAGE_ACTIONS)
        self._unscoped_reasons[0] = PACKAGE_UNSCOPED_REASON
        self._acknowledge_unscoped()

    def allow_read_object(self, object_arn: str) -> None:
        """Grant ``s3:GetObject`` on exactly one object, a package's source (once per ARN)."""
        self._grant(self._object_statement, self._object_arns, object_arn)

    def allow_decrypt_via_s3(self, bucket_arn: str, object_arn: str) -> None:
        """Grant ``kms:Decrypt`` on any key, but only to S3 reading ``object_arn`` (or an object
        of ``bucket_arn`` with an S3 Bucket Key): for a package source in the CDK asset bucket,
        whose key, if customer managed, is unknown at synth time."""
        if not self._decrypt_context_arns:
            self.role.add_to_principal_policy(self._decrypt_statement)
            self._unscoped_reasons.append(DECRYPT_VIA_S3_REASON)
            self._acknowledge_unscoped()
        for arn in (bucket_arn, object_arn):
            self._first_time(self._decrypt_context_arns, arn)
        stack = Stack.of(self)
        self._decrypt_statement.add_condition(
            "StringEquals",
            {
                VIA_SERVICE_KEY: f"s3.{stack.region}.{stack.url_suffix}",
                S3_ARN_CONTEXT_KEY: list(self._decrypt_context_arns),
            },
        )

    def allow_decrypt(self, key: kms.IKey) -> None:
        """Grant ``kms:Decrypt`` on ``key``, a package source object's customer managed key."""
        key.grant_decrypt(self.role)

    def allow_package_key(self, key: kms.IKey) -> None:
        """Grant ``PACKAGE_KEY_ACTIONS`` on ``key``, the customer managed key that encrypts a
        ZIP-PLUGIN package: through the key's own ``grant``, which adds what the key's kind
        needs: the role's policy on the key's ARN, and a key policy statement too where CDK
        manages a key policy that does not trust the account's IAM policies."""
        key.grant(self.role, *PACKAGE_KEY_ACTIONS)

    def custom_resource(
        self,
        scope: Construct,
        *,
        resource_type: str,
        timeout: Duration,
        properties: Mapping[str, Any],
        removal_policy: RemovalPolicy | None = None,
        associates: bool = False,
    ) -> CustomResource:
        """A custom resource ``Resource`` in ``scope`` served by this function, created after
        the function's permissions (so that they exist before its first event).

        :param associates: Whether it associates packages with domains (a ``DomainPackages``):
            it then waits for the association policy too. A ``Package`` does not, so that a
            domain of the stack may depend on it without a cycle.
        """
        resource = CustomResource(
            scope,
            "Resource",
            service_token=self.function.function_arn,
            resource_type=resource_type,
            service_timeout=timeout,
            removal_policy=removal_policy,
            properties=dict(properties),
        )
        for permission in self.permissions(associates=associates):
            resource.node.add_dependency(permission)
        return resource

    def _grant(
        self,
        statement: iam.PolicyStatement,
        granted: list[str],
        arn: str,
        add: Callable[[iam.PolicyStatement], object] | None = None,
    ) -> None:
        """Add ``arn`` to ``statement`` once; the statement joins a policy with its first ARN:
        through ``add``, by default the role's default policy."""
        first_grant = not granted
        if not self._first_time(granted, arn):
            return
        if first_grant:
            (add or self.role.add_to_principal_policy)(statement)
        statement.add_resources(arn)

    def _add_association_statement(self, statement: iam.PolicyStatement) -> None:
        """Add ``statement`` to the association policy, created with its first statement (an
        ``iam.Policy`` may not be empty). Not a child of the role: the function depends on
        everything under its role, and must not depend on this policy."""
        if self.association_policy is None:
            self.association_policy = iam.Policy(
                self, "AssociationPolicy", roles=[self.role], statements=[statement]
            )
        else:
            self.association_policy.add_statements(statement)

    def _first_time(self, arns: list[str], arn: str) -> bool:
        """Record ``arn`` in ``arns`` unless it is there already; compared as CloudFormation
        will see them, since two assets of one file give different tokens for one object ARN."""
        seen = self._resolved.setdefault(id(arns), set())
        identity = json.dumps(Stack.of(self).resolve(arn), sort_keys=True)
        if identity in seen:
            return False
        seen.add(identity)
        arns.append(arn)
        return True

    def _acknowledge_unscoped(self) -> None:
        """Acknowledge IAM5[Resource::*] with a reason for everything granted on ``*`` so far.

        Same finding, same construct: earlier acknowledgements stay recorded too (each is its own
        metadata entry); the last one's reason covers every unscoped grant.
        """
        Validations.of(self.default_policy).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]", reason=" ".join(self._unscoped_reasons)
            )
        )

    def permissions(self, *, associates: bool = True) -> list[IConstruct]:
        """What must exist before the handler's first event: its policies; the association
        policy (if any) only for a resource that ``associates``."""
        permissions: list[IConstruct] = [self.default_policy, self.self_invoke_policy]
        if associates and self.association_policy is not None:
            permissions.append(self.association_policy)
        return permissions
