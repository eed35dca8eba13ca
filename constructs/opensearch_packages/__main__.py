"""``python -m opensearch_packages``: the command line (``watch DOMAIN``; see ``_watch``)."""

import sys

from opensearch_packages._watch import main

if __name__ == "__main__":
    sys.exit(main())
