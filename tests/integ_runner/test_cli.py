"""integ.runner's command line: `make snapshots` against apps that speak the CDK app protocol
(``CDK_OUTDIR``, ``CDK_CONTEXT_JSON``) without the CDK, and the choice of apps for `make integ`."""

from __future__ import annotations

import json
import signal
import textwrap
from pathlib import Path

import pytest

from integ.runner import __main__ as cli
from integ.runner.cases import UnsupportedManifest

FAKE_APP = textwrap.dedent(
    """
    import json, os, pathlib
    out = pathlib.Path(os.environ["CDK_OUTDIR"])
    context = json.loads(os.environ["CDK_CONTEXT_JSON"])
    timeout = int(os.environ.get("FAKE_TIMEOUT", "60"))
    template = {"Resources": {"F": {"Type": "AWS::Lambda::Function",
        "Properties": {"Timeout": timeout, "Code": {"S3Key": "%s.zip" % ("d" * 64)},
                       "Bundling": context.get("aws:cdk:bundling-stacks")}}}}
    (out / "Stack.template.json").write_text(json.dumps(template))
    (out / "Stack.assets.json").write_text(json.dumps({"files": {"d" * 64: {}}}))
    (out / "integ.json").write_text(json.dumps({"testCases": {"A": {"stacks": ["Stack"]}}}))
    """
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    integ_dir = tmp_path / "integ"
    integ_dir.mkdir()
    (integ_dir / "integ_fake.py").write_text(FAKE_APP)
    (integ_dir / "integ_other.py").write_text(FAKE_APP)
    (integ_dir / "support.py").write_text("")  # not an app: no integ_ prefix
    monkeypatch.setattr(cli, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(cli, "INTEG_DIR", integ_dir)
    return tmp_path


def test_discover_finds_integ_files_and_refuses_unknown_names(repo: Path) -> None:
    assert [p.name for p in cli.discover([])] == ["integ_fake.py", "integ_other.py"]
    assert [p.name for p in cli.discover(["integ_other"])] == ["integ_other.py"]
    with pytest.raises(SystemExit, match="no such integration app: support"):
        cli.discover(["support"])


def test_snapshots_fail_until_updated_then_pass_then_fail_on_a_change(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["snapshots", "integ_fake"]) == 1
    assert "make snapshots UPDATE=1" in capsys.readouterr().out

    assert cli.main(["snapshots", "--update", "integ_fake"]) == 0
    snapshot = repo / "integ" / "integ_fake.py.snapshot"
    template = json.loads((snapshot / "Stack.template.json").read_text())
    properties = template["Resources"]["F"]["Properties"]
    # Synthesised without bundling, the asset hash numbered.
    assert properties == {"Timeout": 60, "Code": {"S3Key": "Asset1.zip"}, "Bundling": []}
    assert sorted(p.name for p in snapshot.iterdir()) == ["Stack.template.json", "integ.json"]

    assert cli.main(["snapshots", "integ_fake"]) == 0
    assert "integ/integ_fake.py.snapshot: matches (2 files)" in capsys.readouterr().out

    monkeypatch.setenv("FAKE_TIMEOUT", "900")
    assert cli.main(["snapshots", "integ_fake"]) == 1
    out = capsys.readouterr().out
    assert '-    "Timeout": 60,' in out
    assert '+    "Timeout": 900,' in out


def test_synth_passes_the_common_context(repo: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cli.synth(repo / "integ" / "integ_fake.py", out_dir, {"aws:cdk:bundling-stacks": ["X"]})
    template = json.loads((out_dir / "Stack.template.json").read_text())
    assert template["Resources"]["F"]["Properties"]["Bundling"] == ["X"]
    assert cli.SNAPSHOT_CONTEXT["aws:cdk:version-reporting"] is False
    assert cli.SNAPSHOT_CONTEXT["aws:cdk:bundling-stacks"] == []


def test_opt_in_apps_run_on_aws_only_when_switched_on_and_given_their_inputs(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "OPT_IN", {"integ_other": cli.OptIn("OTHER", ("OTHER_ZIP",))})
    monkeypatch.delenv("OTHER", raising=False)
    monkeypatch.delenv("OTHER_ZIP", raising=False)
    apps = cli.discover([])
    assert [p.stem for p in cli.selected_for_aws(apps, named=False)] == ["integ_fake"]
    monkeypatch.setenv("OTHER", "1")
    with pytest.raises(SystemExit, match="integ_other needs OTHER_ZIP set"):
        cli.selected_for_aws(apps, named=False)
    monkeypatch.setenv("OTHER_ZIP", "plugin.zip")
    assert [p.stem for p in cli.selected_for_aws(apps, named=False)] == [
        "integ_fake",
        "integ_other",
    ]
    monkeypatch.delenv("OTHER")
    assert [p.stem for p in cli.selected_for_aws(apps[1:], named=True)] == ["integ_other"]


def test_the_plugin_app_is_opt_in_with_its_zip_and_component() -> None:
    assert cli.OPT_IN["integ_plugin"] == cli.OptIn(
        "INTEG_PLUGIN", ("INTEG_PLUGIN_ZIP", "INTEG_PLUGIN_COMPONENT")
    )
    assert "integ_plugin" in [p.stem for p in cli.discover([])]


def test_deploy_with_no_app_selected_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.deploy([]) == 1
    assert "no integration app to run" in capsys.readouterr().out


def test_the_app_command_runs_this_python_on_the_app(repo: Path) -> None:
    command = cli.app_command(repo / "integ" / "integ_fake.py")
    assert command.endswith(" integ/integ_fake.py")
    assert cli.integ_app(repo / "integ" / "integ_fake.py").output_dir == (
        cli.BUILD_DIR / "integ_fake.out"
    )


def test_sigterm_interrupts_like_ctrl_c_so_the_cleanup_runs() -> None:
    previous = signal.signal(signal.SIGTERM, cli.interrupted)
    try:
        with pytest.raises(KeyboardInterrupt, match="signal 15"):
            signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


ASSERTING_APP = textwrap.dedent(
    """
    import json, os, pathlib
    out = pathlib.Path(os.environ["CDK_OUTDIR"])
    (out / "Stack.template.json").write_text(json.dumps({"Resources": {}}))
    (out / "integ.json").write_text(json.dumps({"testCases": {"Only": {
        "stacks": ["Stack"], "stackUpdateWorkflow": False,
        "assertionStack": "Only/DeployAssert", "assertionStackName": "OnlyAssert"}}}))
    """
)


@pytest.mark.parametrize("status", ["success", "fail"])
def test_deploy_runs_the_cases_the_app_declares_and_reports(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: str,
) -> None:
    (repo / "integ" / "integ_fake.py").write_text(ASSERTING_APP)
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    stale = build_dir / "integ_fake.out.Only.outputs.json"
    stale.write_text(json.dumps({"OnlyAssert": {"AssertionResultsA": '{"status": "success"}'}}))
    monkeypatch.setattr(cli, "BUILD_DIR", build_dir)
    monkeypatch.setattr(cli, "caller_environment", lambda: "aws://111122223333/eu-west-1")
    commands: list[list[str]] = []

    def fake_cdk(command: list[str]) -> int:
        commands.append(command)
        if "--outputs-file" in command:
            # What the CLI writes: the assembly's template, then the outputs.
            assert not stale.exists(), "an earlier run's results must be gone"
            out_dir = Path(command[command.index("--output") + 1])
            out_dir.mkdir(parents=True)
            template: dict[str, object] = {"Outputs": {"AssertionResultsA": {}}}
            (out_dir / "OnlyAssert.template.json").write_text(json.dumps(template))
            result = json.dumps({"status": status, "message": "Expected ids [couch]"})
            outputs = {"OnlyAssert": {"AssertionResultsA": result}}
            Path(command[command.index("--outputs-file") + 1]).write_text(json.dumps(outputs))
        return 0

    monkeypatch.setattr(cli, "execute", fake_cdk)
    exit_status = cli.main(["deploy", "integ_fake"])
    verbs = [(c[c.index("cdk") + 1], c[-1]) for c in commands]
    assert verbs[:2] == [("deploy", "Stack"), ("deploy", "Only/DeployAssert")]
    assert verbs[-1] == ("destroy", "--all")
    out = capsys.readouterr().out
    assert "integration tests in aws://111122223333/eu-west-1: integ_fake" in out
    if status == "success":
        assert exit_status == 0
        assert "integ_fake: PASSED" in out
    else:
        assert exit_status == 1
        assert "AssertionResultsA: Expected ids [couch]" in out


def test_a_refused_manifest_in_any_app_stops_the_run_before_any_deploy(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "integ" / "integ_fake.py").write_text(ASSERTING_APP)
    # integ_other keeps FAKE_APP, whose case does not turn the update workflow off.
    monkeypatch.setattr(cli, "caller_environment", lambda: "aws://111122223333/eu-west-1")
    commands: list[list[str]] = []

    def record(command: list[str]) -> int:
        commands.append(command)
        return 0

    monkeypatch.setattr(cli, "execute", record)
    with pytest.raises(UnsupportedManifest, match="test case A: set stack_update_workflow=False"):
        cli.main(["deploy"])
    assert commands == []
