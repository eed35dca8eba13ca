"""The synth-time checks of a package's local file: each check directly, then through Package."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from opensearch_packages import Package
from opensearch_packages.packages.checks.descriptor import check_plugin_descriptor
from opensearch_packages.packages.checks.dictionary import check_txt_dictionary
from opensearch_packages.packages.checks.plugin import (
    MAX_PLUGIN_UNCOMPRESSED_BYTES,
    check_zip_plugin,
)
from opensearch_packages.packages.checks.properties import parse_properties
from opensearch_packages.packages.checks.solr import check_synonym_rule
from opensearch_packages.packages.checks.third_party import (
    check_package_config,
    check_package_license,
)

DESCRIPTOR = (
    "description=My plugin\nversion=1.0.0\nname=my-plugin\nclassname=org.example.MyPlugin\n"
    "java.version=21\nopensearch.version=2.19.0\n"
)


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def plugin(descriptor: str = DESCRIPTOR) -> bytes:
    return zip_bytes({"plugin-descriptor.properties": descriptor, "my-plugin.jar": b"PK\x03\x04"})


# --- properties ---------------------------------------------------------------------------------


def test_properties_parse_as_java_reads_them() -> None:
    text = (
        "# comment\n! also a comment\n  key1 = value one\nkey2: two\nkey3 three\n"
        "long = first \\\n    second\\\n third\nescaped\\=key = a\\tb\\u0041\nempty=\n"
        "trailing = even\\\\\nnext = x\r\n"
    )
    assert parse_properties(text) == {
        "key1": "value one",
        "key2": "two",
        "key3": "three",
        "long": "first secondthird",  # a continuation drops its leading blanks
        "escaped=key": "a\tbA",
        "empty": "",
        "trailing": "even\\",
        "next": "x",
    }


# --- ZIP-PLUGIN ---------------------------------------------------------------------------------


def test_a_valid_plugin_passes() -> None:
    assert check_zip_plugin(plugin(), "OpenSearch_2.19") == []


def test_a_plugin_must_be_a_zip() -> None:
    [problem] = check_zip_plugin(b"not a zip", "OpenSearch_2.19")
    assert "is not a zip file" in problem.what


def test_the_descriptor_must_be_at_the_top_level() -> None:
    data = zip_bytes({"my-plugin/plugin-descriptor.properties": DESCRIPTOR})
    [problem] = check_zip_plugin(data, "OpenSearch_2.19")
    assert "no plugin-descriptor.properties at the top level" in problem.what
    assert "found 'my-plugin/plugin-descriptor.properties'" in problem.what


def test_the_older_opensearch_folder_layout_is_refused() -> None:
    data = zip_bytes({"opensearch/plugin-descriptor.properties": DESCRIPTOR})
    problems = check_zip_plugin(data, "OpenSearch_2.19")
    assert problems[0].where == "entry 'opensearch/plugin-descriptor.properties'"
    assert "older plugin layout" in problems[0].what


@pytest.mark.parametrize("key", ["name", "description", "version", "classname", "java.version"])
def test_each_mandatory_descriptor_key_is_needed(key: str) -> None:
    descriptor = "".join(
        line + "\n" for line in DESCRIPTOR.splitlines() if not line.startswith(key + "=")
    )
    [problem] = check_plugin_descriptor(descriptor, "OpenSearch_2.19")
    assert f"has no {key!r} property" in problem.what


def test_the_descriptor_needs_an_opensearch_version() -> None:
    descriptor = DESCRIPTOR.replace("opensearch.version=2.19.0\n", "")
    [problem] = check_plugin_descriptor(descriptor, "OpenSearch_2.19")
    assert "neither 'opensearch.version' nor 'dependencies'" in problem.what
    assert (
        check_plugin_descriptor(descriptor + 'dependencies={ opensearch: "2.19.0" }\n', None) == []
    )


def test_opensearch_version_must_match_the_engine_version() -> None:
    [problem] = check_zip_plugin(plugin(), "OpenSearch_2.17")
    assert "opensearch.version '2.19.0' is for OpenSearch 2.19" in problem.what
    assert "engine_version='OpenSearch_2.19'" in problem.fix
    assert check_plugin_descriptor(DESCRIPTOR.replace("2.19.0", "~2.19.0"), "OpenSearch_2.19") == []


def test_opensearch_version_must_be_a_version() -> None:
    [problem] = check_plugin_descriptor(DESCRIPTOR.replace("2.19.0", "2.19"), "OpenSearch_2.19")
    assert "is not an OpenSearch version X.Y.Z" in problem.what


def test_java_version_must_be_numbers() -> None:
    [problem] = check_plugin_descriptor(DESCRIPTOR.replace("=21", "=java21"), "OpenSearch_2.19")
    assert "java.version 'java21'" in problem.what


def test_a_plugin_within_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "opensearch_packages.packages.checks.plugin.MAX_PLUGIN_UNCOMPRESSED_BYTES",
        len(DESCRIPTOR) + 3,
    )
    [problem] = check_zip_plugin(plugin(), "OpenSearch_2.19")
    assert "the service allows at most 1 GB uncompressed" in problem.what
    assert MAX_PLUGIN_UNCOMPRESSED_BYTES == 1024**3


# --- PACKAGE-LICENSE and PACKAGE-CONFIG ---------------------------------------------------------


def test_licences_in_json_and_xml_pass() -> None:
    assert check_package_license(b'{"licensee": "me"}', "licence.json") == []
    assert check_package_license(b"<license><to>me</to></license>", "licence.xml") == []


def test_a_json_licence_must_be_json() -> None:
    [problem] = check_package_license(b'{"licensee": "me",\n}', "licence.json")
    assert problem.where == "line 2"
    assert "is not valid JSON" in problem.what


def test_an_xml_licence_must_be_xml() -> None:
    [problem] = check_package_license(b"<license>\n<to>me</license>", "licence.xml")
    assert problem.where == "line 2"
    assert "is not well-formed XML" in problem.what


def test_a_licence_is_json_or_xml() -> None:
    [problem] = check_package_license(b"key", "licence.txt")
    assert "is neither .json nor .xml" in problem.what


def test_a_config_zip_must_be_a_zip() -> None:
    assert check_package_config(zip_bytes({"config.yml": "a: 1"}), "config.zip") == []
    [problem] = check_package_config(b"not a zip", "config.zip")
    assert "is named .zip but is not a zip file" in problem.what
    assert check_package_config(b"a: 1", "config.yml") == []  # the docs name no format


# --- TXT-DICTIONARY -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "",
        "# a comment, with => anything",
        "laptop, notebook, ultrabook",
        "couch, settee => sofa",
        "a,,b",  # the parser drops empty pieces
        "a\\, b, c",
        "x \\=> y",
        "a, b,",
    ],
)
def test_valid_synonym_rules(line: str) -> None:
    assert check_synonym_rule(line) is None


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("laptop, => notebook", 'has an empty term before "=>"'),
        ("couch => sofa, ", 'has an empty term after "=>"'),
        ("a, , b", "has an empty term"),
        ("a, b, ", "has an empty term"),
        ("   ", "is only whitespace"),
        ("couch =>", 'has no terms after "=>"'),
        ("=> sofa", 'has no terms before "=>"'),
        ("a => b => c", 'more than one "=>"'),
    ],
)
def test_invalid_synonym_rules(line: str, what: str) -> None:
    assert what in (check_synonym_rule(line) or "")


def test_a_synonyms_file_is_checked_line_by_line() -> None:
    data = b"# synonyms\nlaptop, notebook\nlaptop, => notebook\n"
    [problem] = check_txt_dictionary(data, "synonyms.txt", None)
    assert problem.where == "line 3"
    assert problem.what.startswith('"laptop, => notebook" has an empty term before "=>"')
    assert "Solr synonym rule" in problem.what


def test_only_a_synonyms_file_gets_the_solr_grammar() -> None:
    data = "東京スカイツリー,東京 スカイツリー,, カスタム名詞\n   \n".encode()
    assert check_txt_dictionary(data, "userdict_ja.txt", None) == []
    assert check_txt_dictionary(data, "synonyms.txt", "plain") == []
    assert len(check_txt_dictionary(data, "words.txt", "synonyms")) == 1


def test_a_dictionary_must_be_utf8() -> None:
    [problem] = check_txt_dictionary("a\ncafé\n".encode("latin-1"), "stopwords.txt", None)
    assert problem.where == "line 2"
    assert "is not UTF-8 (byte 0xe9" in problem.what


# --- through Package ----------------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def test_package_names_the_file_line_and_rule(stack: cdk.Stack, tmp_path: Path) -> None:
    source = write(tmp_path, "synonyms.txt", "a, b\ntv, television\nlaptop, => notebook\n")
    with pytest.raises(ValueError, match="line 3") as error:
        Package(stack, "Synonyms", source=source)
    assert str(error.value) == (
        f"Package 'Synonyms': {source} line 3: \"laptop, => notebook\" has an empty term before "
        "\"=>\" (Solr synonym rule: 'a, b, c' for equivalent terms or 'a, b => c' to replace, "
        "'#' starts a comment line, '\\,' and '\\=>' escape); fix the line, or pass "
        "check_source=False"
    )


def test_package_lists_a_few_problems_and_counts_the_rest(stack: cdk.Stack, tmp_path: Path) -> None:
    source = write(tmp_path, "synonyms.txt", "a, ,b\n" * 7)
    with pytest.raises(ValueError, match=r"line 5: .*\n\.\.\. and 2 more problems$"):
        Package(stack, "Synonyms", source=source)


def test_package_checks_a_plugin_against_its_engine_version(
    stack: cdk.Stack, tmp_path: Path
) -> None:
    source = write(tmp_path, "plugin.zip", plugin())
    Package(stack, "Ok", source=source, package_type="ZIP-PLUGIN", engine_version="OpenSearch_2.19")
    with pytest.raises(ValueError, match=r"Package 'Old': .*plugin.zip entry 'plugin-desc.*2\.17"):
        Package(
            stack, "Old", source=source, package_type="ZIP-PLUGIN", engine_version="OpenSearch_2.17"
        )


def test_package_checks_licence_and_config(stack: cdk.Stack, tmp_path: Path) -> None:
    licence = write(tmp_path, "licence.json", "{}")
    config = write(tmp_path, "config.zip", zip_bytes({"c.yml": "a: 1"}))
    Package(stack, "Licence", source=licence, package_type="PACKAGE-LICENSE")
    Package(stack, "Config", source=config, package_type="PACKAGE-CONFIG")
    bad = write(tmp_path, "bad.xml", "<a>")
    with pytest.raises(ValueError, match=r"bad.xml line 1: is not well-formed XML"):
        Package(stack, "Bad", source=bad, package_type="PACKAGE-LICENSE")


def test_check_source_false_skips_the_checks(stack: cdk.Stack, tmp_path: Path) -> None:
    source = write(tmp_path, "synonyms.txt", "laptop, => notebook\n")
    Package(stack, "Synonyms", source=source, check_source=False)
    plain = write(tmp_path, "overrides_synonyms.txt", "running, => run\n")
    Package(stack, "Plain", source=plain, dictionary_format="plain")


def test_an_s3_source_is_not_checked(stack: cdk.Stack) -> None:
    location = s3.Location(bucket_name="my-packages", object_key="not-a-plugin.zip")
    Package(
        stack,
        "Plugin",
        source=location,
        package_type="ZIP-PLUGIN",
        engine_version="OpenSearch_2.19",
    )


def test_dictionary_format_is_validated(stack: cdk.Stack, tmp_path: Path) -> None:
    source = write(tmp_path, "words.txt", "a\n")
    with pytest.raises(ValueError, match=r"dictionary_format 'solr' is not one of synonyms, plain"):
        Package(stack, "A", source=source, dictionary_format="solr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"dictionary_format is only for a TXT-DICTIONARY"):
        Package(stack, "B", source=source, package_type="PACKAGE-CONFIG", dictionary_format="plain")
