"""``Provider``: the one handler function of a stack, which serves both kinds, with its IAM.

Every ``DomainPackages`` and ``Package`` of a stack is a custom resource served by the same
Lambda function, created by the first of them. Each kind asks the provider for the permissions
it needs (its domains, roles, source objects, keys: each granted once) and for its custom
resource, which waits for those permissions. The actions, reasons and statements are in
``permissions``; the function's code in ``bundling``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from opensearch_packages.core import bundling
from opensearch_packages.core.permissions import (
    DECRYPT_VIA_S3_REASON,
    DOMAIN_ACTIONS,
    PACKAGE_ACTIONS,
    PACKAGE_KEY_ACTIONS,
    PACKAGE_UNSCOPED_REASON,
    STACK_ACTIONS,
    UNSCOPED_ACTIONS,
    DecryptViaS3,
    PolicyOnDemand,
    ScopedStatement,
    UnscopedReasons,
)

#: Construct ID of the provider, directly under the stack (it names the function and role).
HANDLER_CONSTRUCT_ID = "OpenSearchDomainPackagesHandler"
FUNCTION_TIMEOUT = Duration.minutes(15)
MEMORY_SIZE_MB = 256
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


class Provider(Construct):
    """The Lambda function that answers CloudFormation for every ``DomainPackages`` and
    ``Package`` in a stack, its role and its policies.

    The domain-scoped statements (domain actions, ``iam:PassRole``) are in a policy of their
    own, created with the first of them: the default policy (on which the function depends) then
    never references a domain, so that a domain of the stack may depend on a ``Package`` (a
    plugin's package must exist before the domain upgrades to it). Reading the stack, which only
    a ``DomainPackages`` that waits over an hour needs, is in that policy too.
    """

    @classmethod
    def of(cls, scope: IConstruct) -> Provider:
        """The stack's provider, created on first use."""
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
        self._unscoped = iam.PolicyStatement(actions=list(UNSCOPED_ACTIONS), resources=["*"])
        self.role.add_to_principal_policy(self._unscoped)
        self._association = PolicyOnDemand(self, "AssociationPolicy", self.role)
        self._domains = ScopedStatement(self, DOMAIN_ACTIONS, self._association.add)
        self._roles = ScopedStatement(self, ("iam:PassRole",), self._association.add)
        self._stacks = ScopedStatement(self, STACK_ACTIONS, self._association.add)
        self._objects = ScopedStatement(self, ("s3:GetObject",), self.role.add_to_principal_policy)
        self._decrypt = DecryptViaS3(self)
        self.default_policy = self.role.node.find_child("DefaultPolicy")
        self._reasons = UnscopedReasons(self.default_policy)
        self.function = lambda_.Function(
            self,
            "Function",
            description="Associates OpenSearch Service packages with domains and waits for them "
            "(opensearch-packages)",
            code=bundling.handler_code(),
            handler=bundling.HANDLER,
            runtime=bundling.RUNTIME,
            architecture=bundling.ARCHITECTURE,
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
                    actions=["lambda:InvokeFunction"], resources=[self.function.function_arn]
                )
            ],
        )

    def allow_domain(self, domain_arn: str) -> None:
        """Grant the domain actions on ``domain_arn``, in the association policy."""
        self._domains.add(domain_arn)

    def allow_pass_role(self, role: iam.IRole) -> None:
        """Grant ``iam:PassRole`` on ``role``, in the association policy."""
        self._roles.add(role.role_arn)

    def allow_describe_own_stack(self) -> None:
        """Grant ``STACK_ACTIONS`` on this stack's own ID, in the association policy (once): a
        ``DomainPackages`` that waits longer than an hour learns there whether a newer request
        superseded its waiter."""
        self._stacks.add(Stack.of(self).stack_id)

    def allow_package_management(self) -> None:
        """Grant the package actions a ``Package`` needs (once; they have no resource scope)."""
        if PACKAGE_ACTIONS[0] in self._unscoped.actions:
            return
        self._unscoped.add_actions(*PACKAGE_ACTIONS)
        self._reasons.set("es", PACKAGE_UNSCOPED_REASON)

    def allow_read_object(self, object_arn: str) -> None:
        """Grant ``s3:GetObject`` on exactly one object, a package's source."""
        self._objects.add(object_arn)

    def allow_decrypt_via_s3(self, bucket_arn: str, object_arn: str) -> None:
        """Grant ``kms:Decrypt`` to S3 reading ``object_arn`` for the handler (``DecryptViaS3``):
        a package source in the CDK asset bucket."""
        if not self._decrypt.in_use:
            self.role.add_to_principal_policy(self._decrypt.statement)
            self._reasons.set("kms", DECRYPT_VIA_S3_REASON)
        self._decrypt.add(bucket_arn, object_arn)

    def allow_decrypt(self, key: kms.IKey) -> None:
        """Grant ``kms:Decrypt`` on ``key``, a package source object's customer managed key."""
        key.grant_decrypt(self.role)

    def allow_package_key(self, key: kms.IKey) -> None:
        """Grant ``PACKAGE_KEY_ACTIONS`` on ``key``, the customer managed key of a ZIP-PLUGIN,
        through the key's own ``grant``: the role's policy on the key's ARN, and a key policy
        statement too where CDK manages a key policy that does not trust the account's IAM."""
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

    def permissions(self, *, associates: bool = True) -> list[IConstruct]:
        """What must exist before the handler's first event: its policies; the association
        policy (if any) only for a resource that ``associates``."""
        permissions: list[IConstruct] = [self.default_policy, self.self_invoke_policy]
        if associates and self._association.policy is not None:
            permissions.append(self._association.policy)
        return permissions
