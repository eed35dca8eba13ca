"""The search for a cycle among prerequisites: the service refuses them, and a cycle is easier
to fix from a synth-time error naming it than from a failed deployment."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

_Node = TypeVar("_Node", bound=Hashable)


def find_prerequisite_cycle(
    graph: Mapping[_Node, Iterable[_Node]],
) -> list[_Node] | None:
    """Return one cycle (first node repeated at the end) among ``graph``'s nodes, or ``None``.

    ``graph`` maps a package (its ID, or any other hashable identity) to its prerequisites;
    prerequisites that are not keys of ``graph`` (packages already on the domain) cannot be part
    of a cycle and are ignored.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    path: list[_Node] = []

    def visit(node: _Node) -> list[_Node] | None:
        colour[node] = grey
        path.append(node)
        for nxt in graph[node]:
            if nxt not in colour:
                continue
            if colour[nxt] == grey:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == white:
                found = visit(nxt)
                if found is not None:
                    return found
        path.pop()
        colour[node] = black
        return None

    for start in graph:
        if colour[start] == white:
            found = visit(start)
            if found is not None:
                return found
    return None
