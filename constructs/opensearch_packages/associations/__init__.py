"""The associations kind: ``DomainPackages`` (``Custom::OpenSearchDomainPackages``) and
``PackageAssociation``.

``domain_packages`` (the construct, which only wires) on ``association`` (one package with its
options), ``validation`` (the arguments and the list of packages) with ``cycles`` (prerequisite
cycles), ``keys`` (how a package is identified, named and keyed at synth time), ``properties``
(the custom resource's ``Packages`` entries) and ``dependencies`` (what waits for what between
the resource, the domain and its plugins).

Imports ``core`` only: what it needs of a package (its ID and version, what a domain must wait
for) comes through ``core.ipackage.IPackage``, never from the packages kind.
"""
