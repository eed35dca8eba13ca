"""Lambda handler behind the DomainPackages construct.

Entry point: ``domain_packages_handler.main.handler``. Deliberately imports nothing here, so that
locating the package (for bundling) never pulls in boto3.
"""
