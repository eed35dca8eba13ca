"""``python -m opensearch_packages_watch DOMAIN``: the console script without its script."""

import sys

from opensearch_packages_watch.cli import main

if __name__ == "__main__":
    sys.exit(main())
