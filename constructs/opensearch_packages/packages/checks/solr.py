"""The Solr synonym grammar, one line at a time, as Lucene's ``SolrSynonymParser`` reads it
(solr-synonyms): hand-written, since a line it would refuse fails the whole index setting."""

from __future__ import annotations

import re

#: solr-synonyms: the rule, quoted in every synonym problem.
SOLR_RULE = (
    "Solr synonym rule: 'a, b, c' for equivalent terms or 'a, b => c' to replace, "
    "'#' starts a comment line, '\\,' and '\\=>' escape"
)


def check_synonym_rule(line: str) -> str | None:
    """What is wrong with one line of a Solr synonyms file, or None.

    As ``SolrSynonymParser``: an empty line or one starting with ``#`` is skipped; ``=>`` splits
    an explicit mapping (at most one per line), ``,`` splits terms; ``\\`` escapes the next
    character; empty pieces (``a,,b``) are dropped; a term that is only whitespace fails. One
    rule is stricter than the parser: a line with ``=>`` needs terms on both sides (the parser
    would silently read ``a =>`` as a one-term rule that does nothing).
    """
    if not line or line[0] == "#":
        return None
    sides = _solr_split(line, "=>")
    if _has_unescaped(line, "=>"):
        if len(sides) > 2:
            return 'has more than one "=>"; a rule maps once'
        if len(sides) < 2:
            side = "before" if line.strip(" \t").startswith("=>") else "after"
            return f'has no terms {side} "=>"'
        for side, part in (("before", sides[0]), ("after", sides[1])):
            if _has_blank_term(part):
                return f'has an empty term {side} "=>"'
        return None
    if _has_blank_term(line):
        if not _java_trim(line):
            return "is only whitespace (only an empty line is skipped)"
        return "has an empty term"
    return None


def _has_blank_term(part: str) -> bool:
    return any(not _java_trim(_solr_unescape(term)) for term in _solr_split(part, ","))


def _has_unescaped(line: str, separator: str) -> bool:
    index = 0
    while index < len(line):
        if line.startswith(separator, index):
            return True
        index += 2 if line[index] == "\\" else 1
    return False


def _solr_split(text: str, separator: str) -> list[str]:
    """``SolrSynonymParser.split``: backslash escapes kept, empty pieces dropped."""
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith(separator, index):
            if current:
                pieces.append("".join(current))
                current = []
            index += len(separator)
            continue
        char = text[index]
        index += 1
        if char == "\\":
            current.append(char)
            if index >= len(text):
                break
            char = text[index]
            index += 1
        current.append(char)
    if current:
        pieces.append("".join(current))
    return pieces


def _solr_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _java_trim(text: str) -> str:
    """``String.trim``: strips every character up to U+0020."""
    return text.strip("".join(chr(c) for c in range(0x21)))
