"""`python -m opensearch_packages watch` end to end, against the fake OpenSearch Service.

boto3 finds the fake the way it would find AWS: AWS_ENDPOINT_URL_OPENSEARCH, fake credentials and
a Region in the environment, no config files. The fake runs on a SimClock, and the command sleeps
on the same clock, so a plugin deploy of a few simulated seconds takes no real time.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from opensearch_packages._watch import main
from tests.fakes._http import REGION
from tests.fakes.clock import SimClock
from tests.fakes.fixtures import FAKE_CREDENTIALS, REMOVED_VARIABLES
from tests.fakes.opensearch import FakeOpenSearch
from tests.fakes.support import DOMAIN, opensearch_client

PLUGIN = "F111111111"
SYNONYMS = "F222222222"


@pytest.fixture
def clock() -> SimClock:
    return SimClock(1_000.0)


@pytest.fixture
def fake(clock: SimClock) -> Iterator[FakeOpenSearch]:
    with FakeOpenSearch(clock=clock, association_seconds=2) as fake:
        fake.add_domain(DOMAIN)
        fake.add_package(PLUGIN, "ZIP-PLUGIN", name="icu-plugin", association_seconds=16)
        fake.add_package(SYNONYMS, name="synonyms")
        yield fake


def fake_environment(fake: FakeOpenSearch) -> dict[str, str]:
    return {
        **FAKE_CREDENTIALS,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_OPENSEARCH": fake.endpoint_url,
    }


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake: FakeOpenSearch) -> dict[str, str]:
    """The process environment points boto3 at the fake, and only at it."""
    for name in REMOVED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    variables = fake_environment(fake)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables


def run(clock: SimClock, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["watch", DOMAIN, *args], out=out, err=err, sleep=clock.sleep, clock=clock)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("env")
def test_watches_a_plugin_deploy_stage_by_stage_until_the_domain_settles(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    client = opensearch_client(fake)
    client.associate_packages(
        DomainName=DOMAIN, PackageList=[{"PackageID": PLUGIN}, {"PackageID": SYNONYMS}]
    )

    code, out, err = run(clock, "--interval", "4")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    # 16 s of blue/green over 8 stages, seen every 4 s: 0, 2, 4, 6 stages done, then settled.
    changes = [line for line in lines if line.startswith("Change ")]
    progress = [line for line in lines if line.startswith("  [")]
    assert [line.split("] ")[1] for line in progress] == [
        "0/8 stages  Validation",
        "2/8 stages  Provisioning new nodes",
        "4/8 stages  Traffic routing on old nodes",
        "6/8 stages  Terminating nodes",
        "8/8 stages",
    ]
    assert changes[0].endswith(": PROCESSING")
    assert changes[-1].endswith(": COMPLETED")
    assert progress[-1] == "  [########################] 8/8 stages"
    assert lines[0] == f"Domain {DOMAIN}: Processing  (watching 0m00s)"
    assert f"Domain {DOMAIN}: Active  (watching 0m16s)" in lines
    assert any(
        line.split() == [PLUGIN, "icu-plugin", "ZIP-PLUGIN", "ASSOCIATING", "v1"] for line in lines
    )
    assert lines[-3].split() == [PLUGIN, "icu-plugin", "ZIP-PLUGIN", "ACTIVE", "v1"]
    assert lines[-1] == (
        f"{DOMAIN} settled: not Processing, no package associating or dissociating."
    )
    assert clock.sleeps == [4, 4, 4, 4]
    # Read-only: only the three describing calls, once per refresh.
    reads = [c.operation for c in fake.calls[1:]]
    assert set(reads) == {
        "ListPackagesForDomain",
        "DescribeDomain",
        "DescribeDomainChangeProgress",
    }
    assert len(reads) == 3 * 5


@pytest.mark.usefixtures("env")
def test_a_failed_plugin_prints_its_error_details_and_exits_1(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    fake.fail_association(PLUGIN, "PluginValidationFailure", "The plugin zip has no descriptor")
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)

    code, out, _ = run(clock)

    assert code == 1
    assert out.splitlines()[-1] == (
        f"{PLUGIN} (icu-plugin) ASSOCIATION_FAILED: "
        "PluginValidationFailure: The plugin zip has no descriptor"
    )
    assert out.splitlines()[-5].endswith(": FAILED")
    assert clock.sleeps == [5, 5, 5, 5]  # the default interval


@pytest.mark.usefixtures("env")
def test_pages_through_every_package_of_the_domain(fake: FakeOpenSearch, clock: SimClock) -> None:
    fake.page_size = 1
    for number in range(3, 6):
        package_id = f"F{number}00000000"
        fake.add_package(package_id, name=f"dictionary-{number}")
        fake.preassociate(DOMAIN, package_id)

    code, out, _ = run(clock, "--once")

    assert code == 0
    shown = [line.split()[0] for line in out.splitlines() if line.startswith("F")]
    assert shown == ["F300000000", "F400000000", "F500000000"]
    assert fake.count("ListPackagesForDomain") == 3
    assert "Change: none reported" in out


@pytest.mark.usefixtures("env")
def test_once_prints_one_view_of_a_running_deploy(fake: FakeOpenSearch, clock: SimClock) -> None:
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)
    code, out, _ = run(clock, "--once")
    assert code == 0
    assert clock.sleeps == []
    assert "0/8 stages  Validation" in out
    assert "settled" not in out


@pytest.mark.usefixtures("env")
def test_ctrl_c_exits_130_quietly(fake: FakeOpenSearch) -> None:
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    out, err = io.StringIO(), io.StringIO()
    assert main(["watch", DOMAIN], out=out, err=err, sleep=interrupted) == 130
    assert err.getvalue() == ""
    assert "Traceback" not in out.getvalue()


@pytest.mark.usefixtures("env")
def test_aws_errors_are_one_line_and_exit_2() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["watch", "no-such-domain", "--once"], out=out, err=err) == 2
    assert err.getvalue().startswith("error: An error occurred (ResourceNotFoundException)")
    assert err.getvalue().count("\n") == 1
    assert out.getvalue() == ""


def test_without_boto3_it_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # `import boto3` raises ImportError
    err = io.StringIO()
    assert main(["watch", DOMAIN], out=io.StringIO(), err=err) == 2
    assert err.getvalue() == (
        "watch needs boto3, which is not installed: pip install 'opensearch-packages[watch]'\n"
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", DOMAIN, "--interval", "0"]) == 2
    assert "must be more than 0 seconds" in capsys.readouterr().err
    assert main([]) == 2


def test_python_m_runs_the_command_without_loading_the_cdk(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    """The real entry point, in a child process: `-m opensearch_packages` imports the package,
    which must not start jsii (no Node.js needed, no Node banner on the user's screen)."""
    fake.preassociate(DOMAIN, SYNONYMS)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in REMOVED_VARIABLES and not name.startswith("AWS_")
    }
    environment.update(fake_environment(fake))
    script = (
        "import runpy, sys\n"
        "sys.argv = ['opensearch_packages', 'watch', sys.argv[1], '--once']\n"
        "try:\n"
        "    runpy.run_module('opensearch_packages', run_name='__main__')\n"
        "finally:\n"
        "    assert 'aws_cdk' not in sys.modules and 'jsii' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, DOMAIN],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1].endswith(
        "settled: not Processing, no package associating or dissociating."
    )
