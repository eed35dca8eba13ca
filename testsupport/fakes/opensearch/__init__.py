"""A fake Amazon OpenSearch Service control plane for the package-association operations.

It speaks rest-json (API 2021-01-01) exactly as botocore sends and parses it, so the real handler,
with a plain `boto3.client("opensearch")` pointed here by `AWS_ENDPOINT_URL_OPENSEARCH`, runs
unmodified. It models the service rules that make association code hard: one package change per
domain at a time, slow ASSOCIATING/DISSOCIATING phases, failures reported only in ErrorDetails,
prerequisites, quotas, package versions; plus counted, deterministic fault injection.

It also manages packages themselves (CreatePackage, UpdatePackage, DeletePackage,
ListDomainsForPackage, GetPackageVersionHistory) over a small fake S3 object store that tests seed
with `put_object`: a package is COPYING, then VALIDATING, then AVAILABLE (or VALIDATION_FAILED /
COPY_FAILED, as scripted with `fail_validation`), each new content is a new version, and a package
some domain still uses cannot be deleted.

Modules, by area (FakeOpenSearch in `fake` combines the mixins):

- `protocol`: routes, parameters, error responses, fault injection, latency, the call log;
- `domains`: domain seeding, DescribeDomain, ListPackagesForDomain, Processing;
- `associations`: AssociatePackage(s), DissociatePackage(s) and their rules;
- `progress`: DescribeDomainChangeProgress, the stages of the changes that make a domain
  Processing (a plugin's blue/green deployment);
- `packages`: package seeding, DescribePackages, DeletePackage, ListDomainsForPackage,
  GetPackageVersionHistory;
- `imports`: CreatePackage, UpdatePackage, versions; `s3`: the objects they read;
- `paging`: MaxResults and NextToken; `validation`: the model's patterns; `model`: the records;
  `store`: the state all areas share.

Where each behaviour comes from is said next to its code: "Model" is botocore's `opensearch`
service model (2021-01-01); "Guide (page)" an AWS developer guide page; "Reference" or
"Observed (reference)" a fact of the project's reference (REFERENCE.md, which cites its sources);
"Fake" a choice of the fake's own, where no source says what the service does.
"""

from testsupport.fakes.opensearch.fake import FakeOpenSearch
from testsupport.fakes.opensearch.model import PACKAGE_TYPES, Call, FaultKind
from testsupport.fakes.opensearch.protocol import OPERATIONS

__all__ = [
    "OPERATIONS",
    "PACKAGE_TYPES",
    "Call",
    "FakeOpenSearch",
    "FaultKind",
]
