"""``PackageBase``: what a ``Package`` and a referenced package share as ``IPackage``s.

Both are constructs that ``DomainPackages`` accepts; this base gives the answers a package
has unless it manages the package itself (no version of the stack's to apply, nothing a domain
must wait for), and keeps the deprecated ``alias`` in one place.
"""

from __future__ import annotations

import warnings

from constructs import Construct, IConstruct

from opensearch_packages.core.ipackage import alias_of


class PackageBase(Construct):
    """The ``IPackage`` side shared by ``Package`` and referenced packages."""

    @property
    def package_version(self) -> str | None:
        """None: the package's versions are not the stack's to apply."""
        return None

    @property
    def domain_waits_for(self) -> IConstruct | None:
        """None: nothing of this package is made by the stack for a domain to wait for."""
        return None

    @property
    def alias(self) -> str:
        """Deprecated: an internal detail of how ``DomainPackages`` names its attributes when a
        package ID is a token, no longer part of ``IPackage``. Still the same value (a hash of
        the construct path); ``DomainPackages.reference_path`` and ``package_version`` are the
        way to the attributes."""
        warnings.warn(
            f"{type(self).__name__}.alias is deprecated: it is how DomainPackages names its "
            "attributes internally; use DomainPackages.reference_path() or package_version()",
            DeprecationWarning,
            stacklevel=2,
        )
        return alias_of(self)
