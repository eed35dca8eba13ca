"""Drives the real handler module as CloudFormation and Lambda do, against the fakes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
from domain_packages_handler import main

from testsupport.fakes._http import REGION
from testsupport.fakes.fixtures import AwsEnv

FUNCTION = "domain-packages-handler"


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
    sends it, and the answer is read back from the TLS response listener."""

    env: AwsEnv
    logical_id: str = "Packages"
    resource_type: str = "Custom::OpenSearchDomainPackages"
    function_timeout: float = 900.0
    physical_id: str | None = None
    properties: dict[str, Any] | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)
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
        return answer

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
