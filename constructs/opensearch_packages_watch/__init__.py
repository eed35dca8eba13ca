"""``opensearch-packages-watch DOMAIN``: a read-only view of a long package deploy.

A plugin association is a blue/green deployment that can keep a stack in CREATE_IN_PROGRESS
for most of an hour, and for hours on a large domain (a timeout above an hour then waits on a
WaitCondition). This tool shows, refreshed in place on a terminal (plain lines otherwise), each
package on the domain with its association status and version, the domain's deployment
strategy, Processing and DomainProcessingStatus, its latest change (status, ConfigChangeStatus,
how long it has run, stages done of the total with a text bar and a percentage, the current
stage) and, with ``--stack``, the stack's WaitConditions (how long so far, of up to how long),
until the deploy settles, fails or stops where no wait helps. It reads with the handler's rules
(``reading``), and refreshes less often as a wait grows, as the handler polls.

It is a package of its own, beside ``opensearch_packages`` in the same wheel, so that neither
import pays for the other: the constructs need aws-cdk-lib and start jsii's Node.js process,
the watch needs neither, only boto3 (the ``[watch]`` extra). It calls ListPackagesForDomain,
DescribeDomain and DescribeDomainChangeProgress (with ``--stack``, ListStackResources and once
per WaitCondition GetTemplate) with boto3's default credentials and Region, and changes nothing.

Modules, by concern: ``reading`` (the handler's rules for what a domain and its change report),
``stack`` (the stack's WaitConditions), ``state`` (the calls of one refresh, and whether it
settled, failed or stopped), ``view`` (the lines and the screen), ``cli`` (the loop, the
arguments, the refresh interval, the exit statuses).
"""

from opensearch_packages_watch.cli import main

__all__ = ["main"]
