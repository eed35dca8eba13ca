"""The packages kind: ``Package`` (``Custom::OpenSearchPackage``) and referenced packages.

``package`` (the construct, which only wires) on ``base`` (the ``IPackage`` side it shares with
``reference``, the packages made elsewhere); ``validation`` (its arguments) with ``checks`` (its
file, one module per thing checked); ``options`` (the checked settings and the custom resource's
properties) and ``configuration`` (``PackageConfiguration``); ``naming`` (the derived name);
``source`` (the asset or S3 object, and what the handler may read there).

Imports ``core`` only: never the associations kind, which sees a package through ``IPackage``.
"""
