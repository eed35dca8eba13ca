"""Proof that a package was made by this very resource, kept on the package itself.

CreatePackage takes no tags and the handler keeps no store of its own, so the proof travels in
the package's description: every description the handler sends ends with an owner mark derived
from the resource's creation ID (package name, logical ID and stack). It survives a crash
between CreatePackage and CloudFormation's answer, and a rollback Delete that carries the
creation ID instead of a package ID. A package without the mark (made by hand, by another stack
or by another tool) is never adopted, updated or deleted.
"""

from __future__ import annotations

import hashlib

#: PackageDescription's maximum length (botocore's model).
MAX_DESCRIPTION = 1024
_PREFIX = "[opensearch-packages:"


def owner_mark(creation_id: str) -> str:
    """`[opensearch-packages:<12 hex>]`: 34 characters, the same for every request of one
    resource (creation ID: `name:logical-id:stack-uuid`)."""
    digest = hashlib.sha256(creation_id.encode()).hexdigest()[:12]
    return f"{_PREFIX}{digest}]"


def marked(description: str | None, mark: str) -> str:
    """The description to send: the user's, trimmed if need be, then a space and the mark."""
    room = MAX_DESCRIPTION - len(mark) - 1
    text = (description or "")[:room].rstrip()
    return f"{text} {mark}" if text else mark


def is_marked(description: str, mark: str) -> bool:
    """Whether a package's description carries this resource's owner mark."""
    return description.rstrip().endswith(mark)
