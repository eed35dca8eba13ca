"""Checks of a package's local file at synth time: what the service or the engine would reject.

One module per thing checked: ``plugin`` (a ZIP-PLUGIN's zip) and ``descriptor`` (its
``plugin-descriptor.properties``, read by ``properties``), ``third_party`` (a plugin's licence
and configuration packages), ``dictionary`` (a TXT-DICTIONARY) with ``solr`` (the synonym
grammar); ``problem`` holds what they report and the pages they cite. Here: the check for a
package type, and the error a ``Package`` raises for a file's problems.
"""

from __future__ import annotations

import os

from opensearch_packages.core.api import PACKAGE_CONFIG, PACKAGE_LICENSE, ZIP_PLUGIN, PackageType
from opensearch_packages.core.errors import Subject
from opensearch_packages.packages.checks.dictionary import DictionaryFormat, check_txt_dictionary
from opensearch_packages.packages.checks.plugin import check_zip_plugin
from opensearch_packages.packages.checks.problem import Problem
from opensearch_packages.packages.checks.third_party import (
    check_package_config,
    check_package_license,
)

#: Problems of a source file listed in the error; the rest are counted.
PROBLEMS_SHOWN = 5


def problems_in(
    package_type: PackageType,
    data: bytes,
    file_name: str,
    *,
    engine_version: str | None,
    dictionary_format: DictionaryFormat | None,
) -> list[Problem]:
    """The problems of a package file of ``package_type`` (the check for that type)."""
    if package_type == ZIP_PLUGIN:
        return check_zip_plugin(data, engine_version)
    if package_type == PACKAGE_LICENSE:
        return check_package_license(data, file_name)
    if package_type == PACKAGE_CONFIG:
        return check_package_config(data, file_name)
    return check_txt_dictionary(data, file_name, dictionary_format)


def check_file(
    subject: Subject,
    path: str,
    package_type: PackageType,
    engine_version: str | None,
    dictionary_format: DictionaryFormat | None,
) -> None:
    """Raise a ValueError listing what is wrong with the local file at ``path`` (the first
    ``PROBLEMS_SHOWN`` problems, the rest counted).

    :param engine_version: A literal engine version, or None (none, or a token).
    """
    with open(path, "rb") as file:
        data = file.read()
    problems = problems_in(
        package_type,
        data,
        os.path.basename(path),
        engine_version=engine_version,
        dictionary_format=dictionary_format,
    )
    if not problems:
        return
    shown = problems[:PROBLEMS_SHOWN]
    lines = [
        f"{path}{' ' + p.where if p.where else ''}: {p.what}; {p.fix}, or pass check_source=False"
        for p in shown
    ]
    more = len(problems) - len(shown)
    if more:
        lines.append(f"... and {more} more problem{'s' if more > 1 else ''}")
    raise subject.invalid("\n".join(lines))
