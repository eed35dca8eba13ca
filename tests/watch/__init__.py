"""The watch tool (opensearch_packages_watch)."""
