"""Where a ``Package`` is created from, and what the handler may read there.

A local file becomes a CDK asset (new content, new S3 key, so CloudFormation updates the
package); an ``aws_s3.Location`` is used as it is. Either way the handler may read exactly that
object, and decrypt it through S3 or with the key given.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from opensearch_packages.core.provider import Provider


def place_source(
    scope: Construct,
    source: str | s3.Location,
    provider: Provider,
    *,
    source_key: kms.IKey | None,
    encryption_key: kms.IKey | None,
) -> tuple[s3_assets.Asset | None, s3.Location]:
    """The asset of a local ``source`` (None for an S3 one) and the object the package is
    created from; the provider is granted what a ``Package`` needs (in the order its policy
    lists the statements)."""
    asset: s3_assets.Asset | None = None
    if isinstance(source, str):
        asset = s3_assets.Asset(scope, "Source", path=source)
        location = s3.Location(bucket_name=asset.s3_bucket_name, object_key=asset.s3_object_key)
        object_arn = asset.bucket.arn_for_objects(asset.s3_object_key)
        provider.allow_decrypt_via_s3(asset.bucket.bucket_arn, object_arn)
    else:
        location = s3.Location(bucket_name=source.bucket_name, object_key=source.object_key)
        object_arn = Stack.of(scope).format_arn(
            service="s3",
            region="",
            account="",
            resource=source.bucket_name,
            resource_name=source.object_key,
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )
    provider.allow_package_management()
    provider.allow_read_object(object_arn)
    if source_key is not None:
        provider.allow_decrypt(source_key)
    if encryption_key is not None:
        provider.allow_package_key(encryption_key)
    return asset, location
