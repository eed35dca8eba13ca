"""The check of a TXT-DICTIONARY file: UTF-8, and for a synonyms file each line a Solr synonym
rule (``solr``)."""

from __future__ import annotations

import re
from typing import Literal

from opensearch_packages.packages.checks.problem import Problem
from opensearch_packages.packages.checks.solr import SOLR_RULE, check_synonym_rule

#: ``dictionary_format`` values: ``synonyms`` checks the Solr synonym grammar, ``plain`` does not.
DictionaryFormat = Literal["synonyms", "plain"]
DICTIONARY_FORMATS: tuple[DictionaryFormat, ...] = ("synonyms", "plain")


def check_txt_dictionary(
    data: bytes, file_name: str, dictionary_format: DictionaryFormat | None
) -> list[Problem]:
    """Problems of a TXT-DICTIONARY file: UTF-8 (word-lists), and, for a synonyms file, each line
    a Solr synonym rule (solr-synonyms).

    Which dictionaries are synonym files: ``dictionary_format="synonyms"`` says so,
    ``"plain"`` says not (stop words, a stemmer override, a user dictionary), and ``None``
    decides by the file name: a name containing ``synonym`` is a synonyms file. Other formats
    share the synonym grammar's characters (a kuromoji user dictionary is CSV), so the grammar is
    only checked when the file says what it is.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_number = data[: error.start].count(b"\n") + 1
        return [
            Problem(
                f"line {line_number}",
                f"is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
                "OpenSearch reads analysis files as UTF-8 (word-lists)",
                "save the file as UTF-8",
            )
        ]
    if dictionary_format is None:
        dictionary_format = "synonyms" if "synonym" in file_name.lower() else "plain"
    if dictionary_format != "synonyms":
        return []
    problems = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        what = check_synonym_rule(line)
        if what is not None:
            problems.append(
                Problem(f"line {number}", f'"{line}" {what} ({SOLR_RULE})', "fix the line")
            )
    return problems
