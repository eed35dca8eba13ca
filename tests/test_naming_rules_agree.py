"""The construct and the handler each define the service's naming rules once (the construct never
imports handler code): both copies must accept and refuse exactly the same values."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from domain_packages_handler.core import names
from hypothesis import given, settings
from hypothesis import strategies as st

from opensearch_packages.core import naming


def construct_accepts(check: Callable[[object], str], value: str) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


RULES = [
    ("domain name", naming.check_domain_name, names.DOMAIN_NAME_PATTERN),
    ("package name", naming.check_package_name, names.PACKAGE_NAME_PATTERN),
    ("package ID", naming.check_package_id, names.PACKAGE_ID_PATTERN),
]
EDGES = [
    "",
    "ab",
    "abc",
    "a" * 28,  # the longest domain name
    "a" * 29,
    "a" * 256,  # the longest package name
    "a" * 257,
    "a" + "-" * 255,
    "1abc",
    "-abc",
    "abc-",
    "Abc",
    "my_domain",
    "F1",
    "G123456789",
    "F",
    "pkg-",
    "pkg-0a1b",
    "pkg-0A1B",
    "pkg-xyz",
    "H123",
    "f123",
]
# Letters, digits, hyphens and a few characters every rule refuses.
NAMEISH = st.text(alphabet="abcfgkpxyzAFG0123456789-_ .", max_size=40)
# Long names around the package name's 256 characters.
LONG_NAMES = st.builds(
    lambda head, length: head + "a" * length,
    st.sampled_from(["a", "1", "A", "a-", "a_"]),
    st.integers(min_value=250, max_value=260),
)


@pytest.mark.parametrize(("what", "construct_check", "handler_pattern"), RULES)
@pytest.mark.parametrize("value", EDGES)
def test_edge_cases_agree(
    what: str,
    construct_check: Callable[[object], str],
    handler_pattern: re.Pattern[str],
    value: str,
) -> None:
    assert construct_accepts(construct_check, value) == bool(handler_pattern.match(value)), (
        f"{what} {value!r}"
    )


@settings(max_examples=400, deadline=None)
@given(value=NAMEISH | LONG_NAMES, rule=st.sampled_from(RULES))
def test_random_values_agree(
    value: str, rule: tuple[str, Callable[[object], str], re.Pattern[str]]
) -> None:
    what, construct_check, handler_pattern = rule
    assert construct_accepts(construct_check, value) == bool(handler_pattern.match(value)), (
        f"{what} {value!r}"
    )
