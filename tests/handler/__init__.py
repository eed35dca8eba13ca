"""The handler (lambda/domain_packages_handler), folder by folder: core, associations, packages."""
