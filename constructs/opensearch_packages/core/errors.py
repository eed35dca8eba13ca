"""``Subject``: how an error message names the construct it is about, written in one place.

Every synth-time mistake of a ``DomainPackages`` or a ``Package`` is reported as
``DomainPackages 'Search': <what is wrong>; <what to give instead>``. The label and the common
shapes of those messages (a value of the wrong type, an invalid value, an optional value that is
given) live here, so that no message spells the label out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    """The construct an error is about: its kind (``"DomainPackages"``, ``"Package"``) and ID.

    ``str(subject)`` is the label, e.g. ``DomainPackages 'Search'``.
    """

    kind: str
    construct_id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.construct_id!r}"

    def invalid(self, message: str) -> ValueError:
        """A ValueError: ``<label>: <message>``."""
        return ValueError(f"{self}: {message}")

    def wrong_type(self, field: str, value: object, expected: str) -> TypeError:
        """A TypeError naming the field, the value, its type and what to give instead."""
        return TypeError(
            f"{self}: {field} {value!r} is a {type(value).__name__}; expected {expected}"
        )

    def given(self, field: str, value: object, kind: type, expected: str) -> bool:
        """Whether an optional value is given (not None); raise ``wrong_type`` if it is not a
        ``kind``.

        :param expected: What to give, e.g. ``"a string"`` or ``"True, False or None"``.
        """
        if value is None:
            return False
        if not isinstance(value, kind):
            raise self.wrong_type(field, value, expected)
        return True
