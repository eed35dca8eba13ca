"""Checks of a package's local file at synth time: what the service or the engine would reject.

Each check is pure (the file's bytes in, a list of problems out) so that it is tested without a
stack; ``Package`` runs the one for its type on a local ``source`` and raises on the first
problems, naming the file. Every rule cites the page or source it relies on.

Pages:

* custom-plugins: "Managing custom plugins in Amazon OpenSearch Service",
  https://docs.aws.amazon.com/opensearch-service/latest/developerguide/custom-plugins.html
* third-party: "Installing third-party plugins in Amazon OpenSearch Service",
  https://docs.aws.amazon.com/opensearch-service/latest/developerguide/plugins-third-party.html
* plugin-descriptor: OpenSearch's plugin descriptor template and the code that reads it,
  https://github.com/opensearch-project/OpenSearch/blob/main/buildSrc/src/main/resources/plugin-descriptor.properties
  and ``PluginInfo.readFromProperties``, ``InstallPluginCommand.unzip``
* solr-synonyms: Lucene's ``SolrSynonymParser`` (the parser OpenSearch's synonym filters use),
  https://github.com/apache/lucene/blob/main/lucene/analysis/common/src/java/org/apache/lucene/analysis/synonym/SolrSynonymParser.java
* word-lists: OpenSearch's ``Analysis.getWordList``/``getReaderFromFile``: analysis files
  "must be UTF-8 encoded"
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Literal
from xml.etree import ElementTree

#: ``dictionary_format`` values: ``synonyms`` checks the Solr synonym grammar, ``plain`` does not.
DictionaryFormat = Literal["synonyms", "plain"]
DICTIONARY_FORMATS: tuple[DictionaryFormat, ...] = ("synonyms", "plain")

#: custom-plugins, "Plugin quotas": the maximum uncompressed size of a plugin is 1 GB. Taken as
#: 1 GiB (the larger reading) so that the check never rejects a plugin the service accepts.
MAX_PLUGIN_UNCOMPRESSED_BYTES = 1024**3
#: plugin-descriptor: the file OpenSearch reads from the root of the plugin.
PLUGIN_DESCRIPTOR = "plugin-descriptor.properties"
#: plugin-descriptor: mandatory keys (``PluginInfo.readFromProperties`` fails without them).
REQUIRED_DESCRIPTOR_KEYS = ("name", "description", "version", "classname", "java.version")
#: plugin-descriptor: a descriptor larger than this is not a properties file; not read further.
_MAX_DESCRIPTOR_BYTES = 1024 * 1024
#: plugin-descriptor: ``SemverRange.fromString``: an optional ``=`` or ``~`` and a version X.Y.Z.
_OPENSEARCH_VERSION = re.compile(r"^[=~]?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$")
#: plugin-descriptor: ``JarHell.checkVersionFormat``: non-negative integers separated by dots.
_JAVA_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_ENGINE_VERSION = re.compile(r"^OpenSearch_(\d+)\.(\d+)$")
#: solr-synonyms: the rule, quoted in every synonym problem.
SOLR_RULE = (
    "Solr synonym rule: 'a, b, c' for equivalent terms or 'a, b => c' to replace, "
    "'#' starts a comment line, '\\,' and '\\=>' escape"
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package file.

    :param where: The line or entry, e.g. ``"line 3"`` or ``"entry 'x/y.properties'"``; empty
        when it is about the whole file.
    :param what: What is wrong, and the rule (with its page).
    :param fix: What to do about it.
    """

    where: str
    what: str
    fix: str


# --- ZIP-PLUGIN -----------------------------------------------------------------------------------


def check_zip_plugin(data: bytes, engine_version: str | None) -> list[Problem]:
    """Problems of a ZIP-PLUGIN file: a zip with a valid ``plugin-descriptor.properties`` at its
    root, for the engine version given (when it is a literal ``OpenSearch_X.Y``), within the size
    limit. The zip is read, never extracted.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        # custom-plugins: a plugin is packaged "in a .zip file".
        return [Problem("", "is not a zip file (a plugin is a .zip, custom-plugins)", _ZIP_FIX)]
    with archive:
        infos = archive.infolist()
        problems: list[Problem] = []
        size = sum(info.file_size for info in infos)
        if size > MAX_PLUGIN_UNCOMPRESSED_BYTES:
            # custom-plugins, "Plugin quotas": at most 1 GB uncompressed.
            problems.append(
                Problem(
                    "",
                    f"unpacks to {size:,} bytes; the service allows at most 1 GB uncompressed "
                    "for a plugin (custom-plugins, Plugin quotas)",
                    "leave out what the plugin does not need at run time",
                )
            )
        legacy = next((i.filename for i in infos if i.filename.startswith("opensearch/")), None)
        if legacy is not None:
            # plugin-descriptor: InstallPluginCommand rejects the older "opensearch/" layout.
            problems.append(
                Problem(
                    f"entry {legacy!r}",
                    "is under an 'opensearch/' folder, the older plugin layout that OpenSearch "
                    "no longer installs (plugin-descriptor: InstallPluginCommand)",
                    "put the plugin's files at the top level of the zip",
                )
            )
        names = {info.filename: info for info in infos}
        descriptor = names.get(PLUGIN_DESCRIPTOR)
        if descriptor is None:
            nested = sorted(n for n in names if n.endswith("/" + PLUGIN_DESCRIPTOR))
            found = f"; found {nested[0]!r}" if nested else ""
            # plugin-descriptor: PluginInfo.readFromProperties reads it from the plugin's root.
            problems.append(
                Problem(
                    "",
                    f"has no {PLUGIN_DESCRIPTOR} at the top level{found} (OpenSearch reads it "
                    "from the root of the plugin zip, plugin-descriptor)",
                    f"put {PLUGIN_DESCRIPTOR} at the top level of the zip, next to the jars",
                )
            )
            return problems
        if descriptor.file_size > _MAX_DESCRIPTOR_BYTES:
            problems.append(
                Problem(
                    f"entry {PLUGIN_DESCRIPTOR!r}",
                    f"is {descriptor.file_size:,} bytes long, too long for a plugin descriptor",
                    "keep only the descriptor's properties in it",
                )
            )
            return problems
        try:
            text = archive.read(descriptor).decode("latin-1")
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
            return [
                *problems,
                Problem(f"entry {PLUGIN_DESCRIPTOR!r}", f"cannot be read: {error}", _ZIP_FIX),
            ]
    return problems + check_plugin_descriptor(text, engine_version)


_ZIP_FIX = "build the plugin's .zip again (e.g. ./gradlew assemble) and give its path"


def check_plugin_descriptor(text: str, engine_version: str | None) -> list[Problem]:
    """Problems of a ``plugin-descriptor.properties`` (its text, ISO-8859-1 decoded, as Java
    reads ``.properties``)."""
    where = f"entry {PLUGIN_DESCRIPTOR!r}"
    props = parse_properties(text)
    problems: list[Problem] = []
    for key in REQUIRED_DESCRIPTOR_KEYS:
        # plugin-descriptor: "mandatory elements for all plugins"; PluginInfo fails without them
        # (and on an empty name).
        if key not in props or (key == "name" and not props[key]):
            problems.append(
                Problem(
                    where,
                    f"has no {key!r} property, which every OpenSearch plugin descriptor needs "
                    f"(mandatory: {', '.join(REQUIRED_DESCRIPTOR_KEYS)} and opensearch.version, "
                    "plugin-descriptor)",
                    f"add {key}=... to the descriptor (or set it in build.gradle's "
                    "opensearchplugin block)",
                )
            )
    java_version = props.get("java.version")
    if java_version is not None and not _JAVA_VERSION.match(java_version):
        problems.append(
            Problem(
                where,
                f"java.version {java_version!r} is not a sequence of non-negative integers "
                "separated by '.' (plugin-descriptor: JarHell.checkVersionFormat)",
                "set java.version to the Java version the plugin is built with, e.g. 21",
            )
        )
    if engine_version is not None and engine_version.startswith("Elasticsearch_"):
        return problems  # an Elasticsearch plugin: its descriptor has other version keys
    version = props.get("opensearch.version", "").strip()
    dependencies = props.get("dependencies", "").strip()
    # plugin-descriptor: PluginInfo needs exactly one of opensearch.version and dependencies.
    if not version and not dependencies:
        problems.append(
            Problem(
                where,
                "has neither 'opensearch.version' nor 'dependencies'; OpenSearch needs one to "
                "know which engine version the plugin is built for (plugin-descriptor)",
                "add opensearch.version=X.Y.Z, the OpenSearch version the plugin is built against",
            )
        )
        return problems
    if version and dependencies:
        problems.append(
            Problem(
                where,
                "has both 'opensearch.version' and 'dependencies'; OpenSearch allows only one "
                "(plugin-descriptor)",
                "keep opensearch.version and drop dependencies",
            )
        )
        return problems
    if not version:
        return problems  # a version range in JSON: the service checks it
    match = _OPENSEARCH_VERSION.match(version)
    if match is None:
        problems.append(
            Problem(
                where,
                f"opensearch.version {version!r} is not an OpenSearch version X.Y.Z "
                "(plugin-descriptor: SemverRange)",
                "set opensearch.version to the version the plugin is built against, e.g. 2.19.0",
            )
        )
        return problems
    engine = _ENGINE_VERSION.match(engine_version or "")
    if engine is not None and match.group(1, 2) != engine.group(1, 2):
        # custom-plugins: the service validates the plugin's version compatibility with the
        # domain's engine; OpenSearch loads a plugin only on the version it is built for.
        built_for = f"{match.group(1)}.{match.group(2)}"
        problems.append(
            Problem(
                where,
                f"opensearch.version {version!r} is for OpenSearch {built_for}, but "
                f"engine_version is {engine_version!r} (custom-plugins: the service validates "
                "version compatibility)",
                f"build the plugin against OpenSearch {engine.group(1)}.{engine.group(2)}, or "
                f"set engine_version='OpenSearch_{built_for}'",
            )
        )
    return problems


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


# --- PACKAGE-LICENSE and PACKAGE-CONFIG ----------------------------------------------------------


def check_package_license(data: bytes, file_name: str) -> list[Problem]:
    """Problems of a PACKAGE-LICENSE file: third-party says the licence package is "in .json or
    .xml format", so a ``.json`` file must parse as JSON and an ``.xml`` file as XML."""
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if suffix == "json":
        try:
            json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            return [
                Problem(
                    f"byte {error.start}",
                    "is not UTF-8, so not JSON (third-party)",
                    "save the licence file as UTF-8",
                )
            ]
        except json.JSONDecodeError as error:
            return [
                Problem(
                    f"line {error.lineno}",
                    f"is not valid JSON: {error.msg} (column {error.colno}); a .json licence "
                    "must be JSON (third-party)",
                    "use the licence file exactly as the plugin's provider sent it",
                )
            ]
        return []
    if suffix == "xml":
        try:
            ElementTree.fromstring(data)  # noqa: S314 - a local file of the user's own
        except ElementTree.ParseError as error:
            line, _ = error.position
            return [
                Problem(
                    f"line {line}",
                    f"is not well-formed XML ({error}); an .xml licence must be XML (third-party)",
                    "use the licence file exactly as the plugin's provider sent it",
                )
            ]
        return []
    return [
        Problem(
            "",
            "is neither .json nor .xml; the service takes a plugin licence in .json or .xml "
            "format (third-party)",
            "give the licence file with its .json or .xml name",
        )
    ]


def check_package_config(data: bytes, file_name: str) -> list[Problem]:
    """Problems of a PACKAGE-CONFIG file. third-party describes the configuration package as
    the plugin's configuration files and supporting assets, without naming a format; only a file
    named ``.zip`` is checked (that it is a zip)."""
    if not file_name.lower().endswith(".zip"):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            broken = archive.testzip()
    except zipfile.BadZipFile:
        return [Problem("", "is named .zip but is not a zip file", _CONFIG_FIX)]
    if broken is not None:
        return [Problem(f"entry {broken!r}", "is damaged (its CRC does not match)", _CONFIG_FIX)]
    return []


_CONFIG_FIX = "use the configuration archive exactly as the plugin's provider sent it"


# --- TXT-DICTIONARY ------------------------------------------------------------------------------


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


# --- all types -----------------------------------------------------------------------------------


def check_source(
    package_type: str,
    data: bytes,
    file_name: str,
    *,
    engine_version: str | None,
    dictionary_format: DictionaryFormat | None,
) -> list[Problem]:
    """The problems of a package file of ``package_type`` (the check for that type)."""
    if package_type == "ZIP-PLUGIN":
        return check_zip_plugin(data, engine_version)
    if package_type == "PACKAGE-LICENSE":
        return check_package_license(data, file_name)
    if package_type == "PACKAGE-CONFIG":
        return check_package_config(data, file_name)
    return check_txt_dictionary(data, file_name, dictionary_format)
