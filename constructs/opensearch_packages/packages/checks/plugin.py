"""The check of a ZIP-PLUGIN file: a zip, within the size limit, in today's layout, with its
descriptor at the top level (which ``descriptor`` then reads). The zip is read, never
extracted."""

from __future__ import annotations

import io
import zipfile

from opensearch_packages.packages.checks.descriptor import (
    PLUGIN_DESCRIPTOR,
    check_plugin_descriptor,
)
from opensearch_packages.packages.checks.problem import Problem

#: custom-plugins, "Plugin quotas": the maximum uncompressed size of a plugin is 1 GB. Taken as
#: 1 GiB (the larger reading) so that the check never rejects a plugin the service accepts.
MAX_PLUGIN_UNCOMPRESSED_BYTES = 1024**3
#: plugin-descriptor: a descriptor larger than this is not a properties file; not read further.
_MAX_DESCRIPTOR_BYTES = 1024 * 1024
_ZIP_FIX = "build the plugin's .zip again (e.g. ./gradlew assemble) and give its path"


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
