"""The handler's requirements are hash-pinned, and both bundling commands insist on the hashes.

The asset is bundled on each user's machine from whatever index their pip reads: a version pin
alone could still bring a different file, a sha256 per wheel cannot.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from opensearch_packages.core import bundling as _bundling
from tests.constructs.support import REPO_ROOT, pinned_versions, requirement_lines

REQUIREMENTS = REPO_ROOT / "lambda" / "requirements.txt"
_PIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9][A-Za-z0-9.+!_-]*")
_HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
#: A real wheel pip can fetch quickly (six 1.17.0 is 11 KB) and its PyPI sha256.
SIX = "six==1.17.0"
SIX_HASH = "sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274"


def pin_problems(requirements: Path) -> list[str]:
    """What breaks the rule "``name==version``, then one ``--hash=sha256:`` per wheel, nothing
    else" in each requirement of a requirements file."""
    problems = []
    for line in requirement_lines(requirements):
        spec, *options = line.split()
        if not _PIN.fullmatch(spec):
            problems.append(f"{line!r}: not pinned with name==version")
        if not options:
            problems.append(f"{line!r}: no --hash=sha256:")
        problems.extend(
            f"{line!r}: {option!r} is not a --hash=sha256: of 64 hex digits"
            for option in options
            if not _HASH.fullmatch(option)
        )
    return problems


def test_every_requirement_is_pinned_with_its_hashes() -> None:
    assert requirement_lines(REQUIREMENTS), "no requirements read"
    assert pin_problems(REQUIREMENTS) == []


def test_every_pin_is_read_with_its_version() -> None:
    """``check_handler_asset`` compares the bundled versions with these."""
    pins = pinned_versions(REQUIREMENTS)
    assert len(pins) == len(requirement_lines(REQUIREMENTS))
    assert {"boto3", "botocore", "crhelper"} <= pins.keys()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"{SIX}\n", id="no hash"),
        pytest.param(f"{SIX} \\\n", id="continued into nothing"),
        pytest.param(f"six>=1.17.0 --hash={SIX_HASH}\n", id=">="),
        pytest.param(f"six~=1.17 --hash={SIX_HASH}\n", id="~="),
        pytest.param(f"six===1.17.0 --hash={SIX_HASH}\n", id="==="),
        pytest.param(f"six --hash={SIX_HASH}\n", id="no version"),
        pytest.param(f"six==1.* --hash={SIX_HASH}\n", id="wildcard"),
        pytest.param(f"{SIX} --hash=md5:{'0' * 32}\n", id="md5"),
        pytest.param(f"{SIX} --hash=sha256:{'0' * 63}\n", id="short hash"),
        pytest.param(f"{SIX} --hash={SIX_HASH} --pre\n", id="another option"),
        pytest.param(f"{SIX} \\\n    --hash={SIX_HASH}\nurllib3==2.8.0\n", id="second line bare"),
    ],
)
def test_the_rule_refuses(text: str, tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(text)
    assert pin_problems(requirements) != []


def test_the_rule_accepts_several_hashes_and_comments(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        f"# a comment\n{SIX} \\\n"
        f"    --hash={SIX_HASH} \\\n"
        f"    --hash=sha256:{'a' * 64}  # two wheels\n"
    )
    assert pin_problems(requirements) == []


def test_both_bundling_commands_require_hashes() -> None:
    assert "--require-hashes" in _bundling._PIP_TARGET_OPTIONS
    assert " --require-hashes " in _bundling._docker_command()[2]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(f"{SIX}\n", "Hashes are required in --require-hashes mode", id="no hash"),
        pytest.param(
            f"{SIX} --hash=sha256:{'0' * 64}\n", "DO NOT MATCH THE HASHES", id="another wheel"
        ),
    ],
)
def test_bundling_refuses_a_wheel_without_its_hash(text: str, error: str, tmp_path: Path) -> None:
    """pip itself, as the local bundling runs it: a pin with no hash (allowed without
    ``--require-hashes``) or with a hash of another file is an error, not an asset."""
    source = tmp_path / "lambda"
    (source / _bundling.HANDLER_PACKAGE).mkdir(parents=True)
    (source / _bundling.REQUIREMENTS_FILE).write_text(text)
    output = tmp_path / "out"
    with pytest.raises(RuntimeError, match=re.escape(error)):
        _bundling.bundle(source, output)
    assert not (output / "six.py").exists()
