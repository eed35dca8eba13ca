"""``opensearch-packages-watch DOMAIN``: a read-only view of a long package deploy.

A plugin association is a blue/green deployment that can keep a stack in CREATE_IN_PROGRESS
for most of an hour. This tool shows, refreshed in place on a terminal (plain lines
otherwise), each package on the domain with its association status and version, the domain's
Processing and DomainProcessingStatus, and its latest change (status, ConfigChangeStatus,
stages done of the total with a text bar, the current stage), until the deploy settles, fails
or stops where no wait helps. It reads with the handler's rules (``reading``).

It is a package of its own, beside ``opensearch_packages`` in the same wheel, so that neither
import pays for the other: the constructs need aws-cdk-lib and start jsii's Node.js process,
the watch needs neither, only boto3 (the ``[watch]`` extra). It calls ListPackagesForDomain,
DescribeDomain and DescribeDomainChangeProgress with boto3's default credentials and Region, and
changes nothing.

Modules, by concern: ``reading`` (the handler's rules for what a domain and its change report),
``state`` (the calls of one refresh, and whether it settled, failed or stopped), ``view`` (the
lines and the screen), ``cli`` (the loop, the arguments, the exit statuses).
"""

from opensearch_packages_watch.cli import main

__all__ = ["main"]
