"""The DomainPackages kind: validation and dependencies."""
