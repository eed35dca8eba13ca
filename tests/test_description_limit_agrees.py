"""The construct's description limit restates the handler's ownership mark (the construct never
imports handler code): the mark's length, and a description of exactly the limit going out
whole at the service's maximum, must hold for both."""

from __future__ import annotations

from domain_packages_handler.packages import ownership
from hypothesis import given
from hypothesis import strategies as st

from opensearch_packages.packages import validation


@given(st.text(min_size=1, max_size=80))
def test_the_mark_has_the_length_the_construct_counts(creation_id: str) -> None:
    assert len(ownership.owner_mark(creation_id)) == validation.OWNERSHIP_MARK_LENGTH


def test_a_description_of_the_limit_fits_whole_and_one_more_would_be_cut() -> None:
    mark = ownership.owner_mark("synonyms-1a2b3c4d:Synonyms:stack-uuid")
    assert validation.SERVICE_MAX_DESCRIPTION_LENGTH == ownership.MAX_DESCRIPTION
    longest = "d" * validation.MAX_DESCRIPTION_LENGTH
    sent = ownership.marked(longest, mark)
    assert sent == f"{longest} {mark}"
    assert len(sent) == ownership.MAX_DESCRIPTION
    assert ownership.marked(longest + "d", mark) == sent  # the handler would trim one more
    assert validation.MAX_DESCRIPTION_LENGTH == 989  # as README and the docstrings say
