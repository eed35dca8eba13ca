"""The DomainPackages kind of the handler: plan, properties, operation."""
