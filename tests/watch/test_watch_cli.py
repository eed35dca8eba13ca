"""`opensearch-packages-watch` end to end, against the fake OpenSearch Service: the command, its
console script, and its older spelling `python -m opensearch_packages watch`.

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
from pathlib import Path

import pytest

from opensearch_packages_watch.cli import legacy_parser, main
from testsupport.fakes._http import REGION
from testsupport.fakes.clock import SimClock
from testsupport.fakes.fixtures import FAKE_CREDENTIALS, REMOVED_VARIABLES
from testsupport.fakes.opensearch import FakeOpenSearch
from testsupport.fakes.support import DOMAIN, opensearch_client

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


def run(fake: FakeOpenSearch, clock: SimClock, *args: str) -> tuple[int, str, str]:
    """The command on the fake's clock: its sleeps, its monotonic time and its epoch time (the
    fake's timestamps count from the latter)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [DOMAIN, *args], out=out, err=err, sleep=clock.sleep, clock=clock, wall=fake.epoch_now
    )
    return code, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("env")
def test_watches_a_plugin_deploy_stage_by_stage_until_the_domain_settles(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    client = opensearch_client(fake)
    client.associate_packages(
        DomainName=DOMAIN, PackageList=[{"PackageID": PLUGIN}, {"PackageID": SYNONYMS}]
    )

    code, out, err = run(fake, clock, "--interval", "4")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    # 16 s of blue/green over 8 stages, seen every 4 s: 0, 2, 4, 6 stages done, then done; the
    # domain still settles (not Processing, but Modifying) at 16 s, and is Active at 20 s.
    changes = [line for line in lines if line.startswith("Change ")]
    progress = [line for line in lines if line.startswith("  [")]
    assert [line.split("] ")[1] for line in progress] == [
        "0/8 stages, 0%  Validation",
        "2/8 stages, 25%  Provisioning new nodes",
        "4/8 stages, 50%  Traffic routing on old nodes",
        "6/8 stages, 75%  Terminating nodes",
        "8/8 stages, 100%",
        "8/8 stages, 100%",
    ]
    # How long the change has run, from its StartTime; once over, how long it took.
    assert changes[0].endswith(": PROCESSING, ConfigChangeStatus Validating, running 0m00s")
    assert changes[1].endswith(": PROCESSING, ConfigChangeStatus ApplyingChanges, running 0m04s")
    assert changes[-1].endswith(": COMPLETED, ConfigChangeStatus Completed, took 0m16s")
    assert progress[-1] == "  [########################] 8/8 stages, 100%"
    assert lines[0] == (
        f"Domain {DOMAIN} (OpenSearch_2.17): Processing, DomainProcessingStatus Modifying  "
        "(watching 0m00s)"
    )
    assert (
        f"Domain {DOMAIN} (OpenSearch_2.17): not Processing, DomainProcessingStatus Modifying  "
        "(watching 0m16s)"
    ) in lines
    assert (
        f"Domain {DOMAIN} (OpenSearch_2.17): not Processing, DomainProcessingStatus Active  "
        "(watching 0m20s)"
    ) in lines
    assert any(
        line.split() == [PLUGIN, "icu-plugin", "ZIP-PLUGIN", "ASSOCIATING", "v1"] for line in lines
    )
    assert lines[-3].split() == [PLUGIN, "icu-plugin", "ZIP-PLUGIN", "ACTIVE", "v1"]
    assert lines[-1] == (
        f"{DOMAIN} settled: not Processing, DomainProcessingStatus Active, no package "
        "associating or dissociating."
    )
    assert clock.sleeps == [4, 4, 4, 4, 4]
    # Read-only: only the three describing calls, once per refresh.
    reads = [c.operation for c in fake.calls[1:]]
    assert set(reads) == {
        "ListPackagesForDomain",
        "DescribeDomain",
        "DescribeDomainChangeProgress",
    }
    assert len(reads) == 3 * 6


@pytest.mark.usefixtures("env")
def test_a_blue_green_waiting_for_the_user_stops_the_watch(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    """The plugin stays ASSOCIATING for good while the change is PendingUserInput: the handler
    fails at once, and the watch stops with it instead of watching until ctrl-C."""
    fake.stop_next_change(DOMAIN, "PendingUserInput")
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)

    code, out, _ = run(fake, clock)

    assert code == 1
    assert "ConfigChangeStatus PendingUserInput" in out
    assert out.splitlines()[-1].startswith(
        f"Stopped: the configuration change on domain {DOMAIN} is PendingUserInput: a cloned "
        "blue/green upgrade waits for its cut-over"
    )
    assert out.splitlines()[-1].endswith("waiting will not end it, and the deploy fails with it.")


@pytest.mark.usefixtures("env")
def test_a_failed_validation_stops_the_watch_with_the_service_reasons(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    fake.stop_next_change(DOMAIN, "ValidationFailed", (("PluginIncompatible", "Not for 2.17"),))
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)

    code, out, _ = run(fake, clock)

    assert code == 1
    assert "  ValidationFailure PluginIncompatible: Not for 2.17" in out.splitlines()
    assert out.splitlines()[-1].startswith(
        f"Stopped: the configuration change on domain {DOMAIN} is ValidationFailed "
        "(PluginIncompatible: Not for 2.17): the service refused the change"
    )


@pytest.mark.usefixtures("env")
def test_an_old_stopped_change_does_not_stop_a_dictionary_association(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    """A dictionary makes no blue/green: the latest change is still an old cancelled one, which
    neither the handler nor the watch takes for this deploy's."""
    fake.stop_next_change(DOMAIN, "Cancelled")
    fake.set_domain_processing(DOMAIN, 1.0)
    clock.sleep(10)
    opensearch_client(fake).associate_package(PackageID=SYNONYMS, DomainName=DOMAIN)

    code, out, _ = run(fake, clock, "--interval", "1")

    assert code == 0
    assert "ConfigChangeStatus Cancelled" in out
    assert any(line.split()[:4] == [SYNONYMS, "synonyms", "TXT-DICTIONARY", "ASSOCIATING"]
               for line in out.splitlines())  # fmt: skip
    assert "settled" in out.splitlines()[-1]


@pytest.mark.usefixtures("env")
def test_an_isolated_domain_stops_the_watch(fake: FakeOpenSearch, clock: SimClock) -> None:
    fake.set_domain_processing(DOMAIN, 3600, status="Isolated")

    code, out, _ = run(fake, clock)

    assert code == 1
    assert out.splitlines()[0] == (
        f"Domain {DOMAIN} (OpenSearch_2.17): Processing, DomainProcessingStatus Isolated  "
        "(watching 0m00s)"
    )
    assert out.splitlines()[-1].startswith(
        f"Stopped: domain {DOMAIN} is Isolated: the service has isolated the domain"
    )
    assert clock.sleeps == []


@pytest.mark.usefixtures("env")
def test_a_failed_plugin_prints_its_error_details_and_exits_1(
    fake: FakeOpenSearch, clock: SimClock
) -> None:
    fake.fail_association(PLUGIN, "PluginValidationFailure", "The plugin zip has no descriptor")
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)

    code, out, _ = run(fake, clock)

    assert code == 1
    assert out.splitlines()[-1] == (
        f"{PLUGIN} (icu-plugin) ASSOCIATION_FAILED: "
        "PluginValidationFailure: The plugin zip has no descriptor"
    )
    assert out.splitlines()[-5].endswith(": FAILED, ConfigChangeStatus Completed, took 0m16s")
    assert clock.sleeps == [5, 5, 5, 5]  # the default interval


@pytest.mark.usefixtures("env")
def test_pages_through_every_package_of_the_domain(fake: FakeOpenSearch, clock: SimClock) -> None:
    fake.page_size = 1
    for number in range(3, 6):
        package_id = f"F{number}00000000"
        fake.add_package(package_id, name=f"dictionary-{number}")
        fake.preassociate(DOMAIN, package_id)

    code, out, _ = run(fake, clock, "--once")

    assert code == 0
    shown = [line.split()[0] for line in out.splitlines() if line.startswith("F")]
    assert shown == ["F300000000", "F400000000", "F500000000"]
    assert fake.count("ListPackagesForDomain") == 3
    assert "Change: none reported" in out


@pytest.mark.usefixtures("env")
def test_once_prints_one_view_of_a_running_deploy(fake: FakeOpenSearch, clock: SimClock) -> None:
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)
    code, out, _ = run(fake, clock, "--once")
    assert code == 0
    assert clock.sleeps == []
    assert "0/8 stages, 0%  Validation" in out
    assert "settled" not in out


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("optional_plugins_on_upgrade", ["move", "keep"])
def test_an_engine_upgrade_shows_the_engine_version_and_each_optional_plugins_name(
    fake: FakeOpenSearch, clock: SimClock, optional_plugins_on_upgrade: str
) -> None:
    """AWS's optional plugin analysis-sudachi has one ID per engine version: the view names it
    next to whichever ID the domain holds, under the domain's EngineVersion."""
    fake.optional_plugins_on_upgrade = optional_plugins_on_upgrade
    fake.add_package(
        "G1001", "ZIP-PLUGIN", name="analysis-sudachi", engine_version="OpenSearch_2.17"
    )
    fake.add_package(
        "G1002", "ZIP-PLUGIN", name="analysis-sudachi", engine_version="OpenSearch_2.19"
    )
    fake.preassociate(DOMAIN, "G1001")
    fake.upgrade_domain(DOMAIN, "OpenSearch_2.19", seconds=900)

    code, out, err = run(fake, clock, "--once")

    held = "G1002" if optional_plugins_on_upgrade == "move" else "G1001"
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Domain {DOMAIN} (OpenSearch_2.19): Processing, DomainProcessingStatus "
        "UpgradingEngineVersion  (watching 0m00s)",
        "Change: none reported",
        "PACKAGE  NAME              TYPE        STATUS  VERSION",
        f"{held}    analysis-sudachi  ZIP-PLUGIN  ACTIVE  v1",
    ]


@pytest.mark.usefixtures("env")
def test_ctrl_c_exits_130_quietly(fake: FakeOpenSearch) -> None:
    opensearch_client(fake).associate_package(PackageID=PLUGIN, DomainName=DOMAIN)

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    out, err = io.StringIO(), io.StringIO()
    assert main([DOMAIN], out=out, err=err, sleep=interrupted) == 130
    assert err.getvalue() == ""
    assert "Traceback" not in out.getvalue()


@pytest.mark.usefixtures("env")
def test_aws_errors_are_one_line_and_exit_2() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["no-such-domain", "--once"], out=out, err=err) == 2
    assert err.getvalue().startswith("error: An error occurred (ResourceNotFoundException)")
    assert err.getvalue().count("\n") == 1
    assert out.getvalue() == ""


def test_without_boto3_it_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # `import boto3` raises ImportError
    err = io.StringIO()
    assert main([DOMAIN], out=io.StringIO(), err=err) == 2
    assert err.getvalue() == (
        "watch needs boto3, which is not installed: pip install 'opensearch-packages[watch]'\n"
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([DOMAIN, "--interval", "0"]) == 2
    assert "must be more than 0 seconds" in capsys.readouterr().err
    assert main([]) == 2
    assert "opensearch-packages-watch: error:" in capsys.readouterr().err
    assert main([DOMAIN], parser=legacy_parser()) == 2  # the older spelling needs its `watch`
    assert "python -m opensearch_packages: error:" in capsys.readouterr().err


@pytest.mark.usefixtures("env")
def test_the_older_spelling_runs_the_same_command(fake: FakeOpenSearch, clock: SimClock) -> None:
    fake.preassociate(DOMAIN, SYNONYMS)
    out, err = io.StringIO(), io.StringIO()
    code = main(["watch", DOMAIN, "--once"], out=out, err=err, clock=clock, parser=legacy_parser())
    assert (code, err.getvalue()) == (0, "")
    assert out.getvalue().splitlines()[-1].startswith(f"{DOMAIN} settled")


def child_environment(fake: FakeOpenSearch) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in REMOVED_VARIABLES and not name.startswith("AWS_")
    }
    environment.update(fake_environment(fake))
    return environment


def run_child(command: list[str], fake: FakeOpenSearch) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        env=child_environment(fake),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def imported_modules(importtime: str) -> set[str]:
    """The modules `python -X importtime` reports (on stderr): "import time: ... | name"."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_the_console_script_watches(fake: FakeOpenSearch) -> None:
    """`opensearch-packages-watch`, as pip installed it next to this Python."""
    fake.preassociate(DOMAIN, SYNONYMS)
    script = Path(sys.executable).parent / "opensearch-packages-watch"
    result = run_child([str(script), DOMAIN, "--once"], fake)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1].startswith(f"{DOMAIN} settled")


@pytest.mark.parametrize(
    "module", ["opensearch_packages", "opensearch_packages_watch"], ids=["older", "package"]
)
def test_python_m_runs_the_command_without_loading_the_cdk(
    fake: FakeOpenSearch, module: str
) -> None:
    """The real entry points, in a child process. `-m opensearch_packages` imports the package
    (its constructs stay unloaded while Python looks for `__main__`): neither may start jsii
    (no Node.js needed, no Node banner on the user's screen)."""
    fake.preassociate(DOMAIN, SYNONYMS)
    args = ["watch", DOMAIN, "--once"] if module == "opensearch_packages" else [DOMAIN, "--once"]
    result = run_child([sys.executable, "-X", "importtime", "-m", module, *args], fake)
    assert result.returncode == 0, result.stderr
    imported = imported_modules(result.stderr)
    assert "opensearch_packages_watch.cli" in imported
    assert not {name for name in imported if name.split(".")[0] in {"aws_cdk", "jsii"}}
    assert result.stdout.splitlines()[-1].startswith(f"{DOMAIN} settled")
