"""The constructs' shared core: provider, permissions, bundling, the wheel."""
