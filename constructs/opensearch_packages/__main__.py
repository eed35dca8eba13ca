"""``python -m opensearch_packages watch DOMAIN``: the watch tool's older spelling, kept working.

The tool is now the package ``opensearch_packages_watch`` with the console script
``opensearch-packages-watch DOMAIN``; this module only hands its arguments over. Running it
imports ``opensearch_packages`` first, whose ``__init__`` leaves the constructs (aws-cdk-lib,
jsii) unloaded while Python looks for this module, so the command needs no Node.js either.
"""

import sys

from opensearch_packages_watch.cli import legacy_parser, main

if __name__ == "__main__":
    sys.exit(main(parser=legacy_parser()))
