"""The checks of a third-party plugin's other packages: its PACKAGE-LICENSE (JSON or XML, as
its name says) and its PACKAGE-CONFIG (a zip, when its name says so)."""

from __future__ import annotations

import io
import json
import zipfile
from xml.etree import ElementTree

from opensearch_packages.packages.checks.problem import Problem

_CONFIG_FIX = "use the configuration archive exactly as the plugin's provider sent it"


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
