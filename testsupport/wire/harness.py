"""Drives the real handler module as CloudFormation and Lambda do, against the fakes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
from domain_packages_handler import main

from testsupport.fakes._http import REGION
from testsupport.fakes.cloudformation import WaitCondition
from testsupport.fakes.cloudformation_waits import MAX_WAIT_TIMEOUT_SECONDS
from testsupport.fakes.fixtures import AwsEnv

FUNCTION = "domain-packages-handler"
#: Above this TimeoutSeconds the construct waits on a WaitCondition (issue 21, "long mode").
LONG_MODE_ABOVE_SECONDS = 3600


def change_hash(properties: dict[str, Any]) -> str:
    """8 upper-case hex characters of sha256 over the properties without `WaitHandle` (JSON,
    sorted keys): the construct's name for the handle and condition of one change, so that a new
    change gets a new handle and the same properties the same one."""
    declared = {k: v for k, v in properties.items() if k != "WaitHandle"}
    digest = hashlib.sha256(json.dumps(declared, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:8].upper()


def package(package_id: str, **options: Any) -> dict[str, Any]:
    """One entry of the `Packages` property, as the construct writes it."""
    return {"PackageID": package_id, **options}


def props(domain: str, *packages: str | dict[str, Any], timeout: int = 60) -> dict[str, Any]:
    return {
        "DomainName": domain,
        "Packages": [p if isinstance(p, dict) else package(p) for p in packages],
        "TimeoutSeconds": timeout,
    }


def package_props(
    name: str,
    key: str,
    *,
    bucket: str = "cdk-assets",
    package_type: str = "TXT-DICTIONARY",
    timeout: int = 60,
    **extra: Any,
) -> dict[str, Any]:
    """A `Package` resource's properties, as the Package construct writes them."""
    return {
        "PackageName": name,
        "PackageType": package_type,
        "PackageSource": {"S3BucketName": bucket, "S3Key": key},
        "TimeoutSeconds": timeout,
        **extra,
    }


@dataclass
class Stack:
    """One custom resource's life: each request goes in as an Event invoke, as CloudFormation
    sends it, and the answer is read back from the TLS response listener.

    Long mode (issue 21): `with_wait_handle(properties)` adds the `WaitHandle` the construct
    adds above an hour, the URL of a handle new for that change. When a Create or Update carrying
    a `WaitHandle` is answered SUCCESS, CloudFormation goes on to create the WaitCondition that
    depends on the custom resource; `answered` does that here (Timeout = TimeoutSeconds, Count 1,
    created when the answer arrived on the fake's clock), unless the handle already has one (an
    update rollback carries the old properties and the old, already ended, handle).
    `wait_condition` is the latest condition, `wait_conditions` every one by handle URL.
    """

    env: AwsEnv
    logical_id: str = "Packages"
    resource_type: str = "Custom::OpenSearchDomainPackages"
    function_timeout: float = 900.0
    physical_id: str | None = None
    properties: dict[str, Any] | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)
    stack_name: str = "stack"
    wait_conditions: dict[str, WaitCondition] = field(default_factory=dict)
    wait_condition: WaitCondition | None = None
    _sent: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.env.lambda_.register(FUNCTION, main.handler, timeout_seconds=self.function_timeout)
        self.client = boto3.client(
            "lambda", region_name=REGION, endpoint_url=self.env.lambda_.endpoint_url
        )

    def send(
        self,
        request_type: Literal["Create", "Update", "Delete"],
        properties: dict[str, Any] | None = None,
        *,
        physical_id: str | None = None,
        old_properties: dict[str, Any] | None = None,
        wait: float = 30.0,
    ) -> dict[str, Any]:
        event = self.event(
            request_type, properties, physical_id=physical_id, old_properties=old_properties
        )
        self.invoke(event)
        answer = self.env.cloudformation.wait_for_response(event["RequestId"], timeout=wait)
        return self.answered(event, answer)

    def event(
        self,
        request_type: Literal["Create", "Update", "Delete"],
        properties: dict[str, Any] | None = None,
        *,
        physical_id: str | None = None,
        old_properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The event CloudFormation sends for this request, as `send` would deliver it."""
        properties = properties if properties is not None else self.properties
        assert properties is not None
        event = self.env.cloudformation.make_event(
            request_type,
            properties=properties,
            logical_id=self.logical_id,
            resource_type=self.resource_type,
            stack_name=self.stack_name,
            old_properties=old_properties
            if old_properties is not None
            else (self.properties if request_type == "Update" else None),
            physical_id=physical_id or (self.physical_id if request_type != "Create" else None),
        )
        self._sent[event["RequestId"]] = properties
        return event

    def answered(self, event: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        """Record CloudFormation's reading of the answer to `event`; returns the answer."""
        self.answers.append(answer)
        request_type = event["RequestType"]
        # A successful Create or Update sets what the next request names and carries; so does a
        # failed Create: the rollback Delete names what it answered and carries its properties.
        if request_type == "Create" or (answer["Status"] == "SUCCESS" and request_type == "Update"):
            self.physical_id = answer["PhysicalResourceId"]
            self.properties = self.declared(event)
        handle_url = self.declared(event).get("WaitHandle")
        if (
            isinstance(handle_url, str)
            and answer["Status"] == "SUCCESS"
            and request_type in ("Create", "Update")
        ):
            self._start_wait(event, handle_url)
        return answer

    def with_wait_handle(self, properties: dict[str, Any]) -> dict[str, Any]:
        """`properties` as the construct writes them in long mode: with `WaitHandle`, the URL of
        the handle `WaitHandle<HASH>` for this change."""
        url = self.env.cloudformation.wait_handle_url(
            self.stack_name, f"WaitHandle{change_hash(properties)}"
        )
        return {**properties, "WaitHandle": url}

    def _start_wait(self, event: dict[str, Any], handle_url: str) -> None:
        cloudformation = self.env.cloudformation
        if cloudformation.wait_conditions(handle_url):
            return
        declared = self.declared(event)
        timeout = min(max(int(declared.get("TimeoutSeconds", 1)), 1), MAX_WAIT_TIMEOUT_SECONDS)
        answered_at = cloudformation.wait_for_put(event["RequestId"], timeout=0).received_at
        condition = cloudformation.wait_condition(
            handle_url,
            timeout=timeout,
            count=1,
            logical_id=f"Wait{change_hash(declared)}",
            created_at=answered_at,
        )
        self.wait_conditions[handle_url] = condition
        self.wait_condition = condition

    def declared(self, event: dict[str, Any]) -> dict[str, Any]:
        """The properties `event` was made from (before CloudFormation stringified them)."""
        return self._sent[event["RequestId"]]

    def invoke(self, event: dict[str, Any]) -> None:
        self.client.invoke(
            FunctionName=FUNCTION, InvocationType="Event", Payload=json.dumps(event).encode()
        )

    def create(self, properties: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return self.send("Create", properties, **kw)

    def update(self, properties: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return self.send("Update", properties, **kw)

    def delete(self, **kw: Any) -> dict[str, Any]:
        return self.send("Delete", **kw)
