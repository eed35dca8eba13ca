"""What a failed Create leaves behind: the domain as the Create found it.

A DomainPackages Create adopts associations that exist already. If the Create then fails,
CloudFormation's rollback sends a Delete, and a Delete dissociates every declared package: it
would remove what was there before. So while a Create runs, the physical ID it would answer a
failure with names the declared packages the domain already had ("<id>#keep=F1,F2"), and the
rollback Delete leaves exactly those. Before the Create has looked at the domain the list is
unknown ("#keep=*"): the Delete then changes nothing. A successful Create answers the plain ID,
so later Deletes dissociate everything declared (adopted packages included).
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import AssociationStatus, Snapshot

KEEP = "#keep="
KEEP_ALL = "*"
#: CloudFormation's limit for a PhysicalResourceId.
MAX_PHYSICAL_ID = 1024


def failure_id(base: str, kept: Iterable[str] | None) -> str:
    """The physical ID a failed Create answers with; None: not looked yet, keep everything."""
    listed = KEEP_ALL if kept is None else ",".join(kept)
    candidate = f"{base}{KEEP}{listed}"
    if len(candidate) <= MAX_PHYSICAL_ID:
        return candidate
    return f"{base}{KEEP}{KEEP_ALL}"  # too long to list: the rollback leaves everything


def kept_by(physical_id: str) -> frozenset[str] | None:
    """What a rollback Delete must leave: None for a normal physical ID (nothing kept),
    `frozenset({"*"})` when everything stays."""
    if KEEP not in physical_id:
        return None
    listed = physical_id.rsplit(KEEP, 1)[1]
    return frozenset(p for p in listed.split(",") if p)


def already_there(declared: Iterable[str], snapshot: Snapshot) -> tuple[str, ...]:
    """The declared packages the domain has before this Create changes anything (leaving ones,
    DISSOCIATING, will be gone: those the Create associates are its own)."""
    associations = snapshot.associations
    return tuple(
        p
        for p in declared
        if p in associations and associations[p].status is not AssociationStatus.DISSOCIATING
    )
