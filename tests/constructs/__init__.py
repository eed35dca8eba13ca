"""The constructs (constructs/opensearch_packages), folder by folder, and the example apps."""
