"""The handler's one read of CloudFormation: how the stack sees a resource right now.

Only a long wait asks (core/supersession.py says why), and never much: at the start of each
invocation, before each call that changes the domain, and before it signals. An answer it
cannot get is no answer (None): a role without the permission, an endpoint that does not
answer, a stack CloudFormation does not know here. The waiter then goes on as if unasked.
"""

from __future__ import annotations

import re
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .logs import log_event
from .supersession import StackResourceView

#: Short: a CloudFormation that does not answer must not eat the wait's time.
STACK_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2},
    connect_timeout=3,
    read_timeout=5,
    user_agent_extra="opensearch-packages",
)


#: "Resource X does not exist for stack Y" (DescribeStackResource after the resource's Delete;
#: "Stack 'X' does not exist" is a stack CloudFormation does not know here: unknown).
_RESOURCE_GONE = re.compile(r"^Resource \S+ does not exist for stack ")
#: The status a resource that no longer exists is read as.
DELETED = "DELETE_COMPLETE"


class StackResources:
    """DescribeStackResource through a lazily built boto3 `cloudformation` client."""

    def __init__(self, client: Any = None) -> None:
        self._client = client

    def describe(self, stack_id: str, logical_id: str) -> StackResourceView | None:
        """The resource as the stack sees it; None when CloudFormation does not say."""
        try:
            if self._client is None:
                self._client = boto3.client("cloudformation", config=STACK_CLIENT_CONFIG)
            detail = self._client.describe_stack_resource(
                StackName=stack_id, LogicalResourceId=logical_id
            )["StackResourceDetail"]
            updated = detail.get("LastUpdatedTimestamp")
            return StackResourceView(
                status=str(detail.get("ResourceStatus") or ""),
                last_updated=float(updated.timestamp()) if hasattr(updated, "timestamp") else 0.0,
                physical_id=str(detail.get("PhysicalResourceId") or ""),
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            message = str(error.response.get("Error", {}).get("Message") or "")
            if code == "ValidationError" and _RESOURCE_GONE.search(message):
                # CloudFormation's answer once a resource's Delete finished while its stack
                # lives (a rollback of a failed Create, a removal in an update).
                return StackResourceView(status=DELETED, last_updated=0.0)
            log_event("stack_unreadable", logical_id=logical_id, code=code, error=str(error)[:300])
            return None
        except (BotoCoreError, KeyError, TypeError, ValueError) as error:
            log_event("stack_unreadable", logical_id=logical_id, error=str(error)[:300])
            return None
