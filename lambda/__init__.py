"""Data package `opensearch_packages._lambda` in the wheel: the handler source. Empty on purpose."""
