"""A reader of Java ``.properties`` text, as ``java.util.Properties.load`` reads it: the format
of a plugin's descriptor. Hand-written, since Python has none and the descriptor's escapes and
continuation lines decide which keys a plugin has."""

from __future__ import annotations

import re


def parse_properties(text: str) -> dict[str, str]:
    """The key-value pairs of a Java ``.properties`` text, as ``java.util.Properties.load`` reads
    them: ``key=value``, ``key: value`` or ``key value``; ``#`` and ``!`` comment lines; a line
    ending in an odd number of backslashes continues on the next one (whose leading whitespace is
    dropped); ``\\t``, ``\\n``, ``\\uXXXX`` and other backslash escapes. A later key wins."""
    props: dict[str, str] = {}
    lines = re.split(r"\r\n|\r|\n", text)
    index = 0
    while index < len(lines):
        line = lines[index].lstrip(" \t\f")
        index += 1
        if not line or line[0] in "#!":
            continue
        while _continues(line) and index < len(lines):
            line = line[:-1] + lines[index].lstrip(" \t\f")
            index += 1
        if _continues(line):
            line = line[:-1]
        key_end = 0
        while key_end < len(line):
            char = line[key_end]
            if char == "\\":
                key_end += 2
                continue
            if char in "=: \t\f":
                break
            key_end += 1
        rest = line[key_end:].lstrip(" \t\f")
        if rest[:1] in ("=", ":"):
            rest = rest[1:].lstrip(" \t\f")
        props[_unescape(line[:key_end])] = _unescape(rest)
    return props


def _continues(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(value: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        index += 1
        if char != "\\" or index >= len(value):
            out.append(char)
            continue
        char = value[index]
        index += 1
        if char == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", value[index : index + 4]):
            out.append(chr(int(value[index : index + 4], 16)))
            index += 4
        else:
            out.append(_ESCAPES.get(char, char))
    return "".join(out)
