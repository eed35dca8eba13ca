"""bench/mutation.py's staging, parsing and arithmetic, on outputs captured from mutmut 3.8.1.

No mutmut run here: the samples below are excerpts of the files a run leaves in
build/mutation/mutants/ (a mutated module and its `.meta`), trimmed to a few mutants.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from bench import mutation

# Excerpt of a mutated file: the unmutated copy (`__mutmut_orig`) beside some of its mutants,
# as mutmut 3.8.1 generates them from logs.py, package_operation.py and responder.py.
MUTATED = '''
from mutmut.mutation.trampoline import wrap_in_trampoline as _mutmut_mutated, MutantDict
mutants_x_log_event__mutmut: MutantDict = {}  # type: ignore


def x_log_event__mutmut_orig(event: str, **fields: Any) -> None:
    """Emit one JSON line. Callers pass no secrets: never the ResponseURL or credentials."""
    logger.info(json.dumps({"event": event, **fields}, default=str, sort_keys=False))


def x_log_event__mutmut_1(event: str, **fields: Any) -> None:
    """Emit one JSON line. Callers pass no secrets: never the ResponseURL or credentials."""
    logger.info(None)


def x_log_event__mutmut_5(event: str, **fields: Any) -> None:
    """Emit one JSON line. Callers pass no secrets: never the ResponseURL or credentials."""
    logger.info(json.dumps(default=str, sort_keys=False))


class PackageOperation:
    def xǁPackageOperationǁ_adopt__mutmut_orig(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event("adopted", package=self.spec.name, package_id=existing.package_id)
        return existing.package_id

    def xǁPackageOperationǁ_adopt__mutmut_1(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = None
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event("adopted", package=self.spec.name, package_id=existing.package_id)
        return existing.package_id

    def xǁPackageOperationǁ_adopt__mutmut_9(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(None)
        log_event("adopted", package=self.spec.name, package_id=existing.package_id)
        return existing.package_id

    def xǁPackageOperationǁ_adopt__mutmut_12(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event("adopted", package=self.spec.name, package_id=None)
        return existing.package_id

    def xǁPackageOperationǁ_adopt__mutmut_13(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event(package=self.spec.name, package_id=existing.package_id)
        return existing.package_id

    def xǁPackageOperationǁ_adopt__mutmut_15(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event("adopted", package=self.spec.name, )
        return existing.package_id

    def xǁPackageOperationǁ_adopt__mutmut_16(self, error: ServiceError) -> str:
        """A package of this name exists: ours from an earlier attempt, or someone else's."""
        existing = self.store.find_package_named(self.spec.name)
        if existing is None:
            self._retry_later(error)
            return ""
        if self.old_spec is not None and self.old_spec.name == self.spec.name:
            raise OperationFailed(f"package {self.spec.name} exists already: {error.message}")
        log_event("XXadoptedXX", package=self.spec.name, package_id=existing.package_id)
        return existing.package_id


class Responder:
    def xǁResponderǁ_timeout__mutmut_orig(self) -> None:
        handover = self.emergency_handover
        if handover is not None:
            try:
                if handover():
                    self.suppress_response()
                    return
            except Exception:  # the FAILED answer below is the fallback
                logger.exception("emergency hand-over failed")
        logger.error("Execution is about to time out, sending failure message")
        self._send("FAILED", "the handler ran out of time and could not hand over its wait")

    def xǁResponderǁ_timeout__mutmut_3(self) -> None:
        handover = self.emergency_handover
        if handover is not None:
            try:
                if handover():
                    self.suppress_response()
                    return
            except Exception:  # the FAILED answer below is the fallback
                logger.exception(None)
        logger.error("Execution is about to time out, sending failure message")
        self._send("FAILED", "the handler ran out of time and could not hand over its wait")

    def xǁResponderǁ_timeout__mutmut_7(self) -> None:
        handover = self.emergency_handover
        if handover is not None:
            try:
                if handover():
                    self.suppress_response()
                    return
            except Exception:  # the FAILED answer below is the fallback
                logger.exception("emergency hand-over failed")
        logger.error("XXExecution is about to time out, sending failure messageXX")
        self._send("FAILED", "the handler ran out of time and could not hand over its wait")

    def xǁResponderǁ_timeout__mutmut_10(self) -> None:
        handover = self.emergency_handover
        if handover is not None:
            try:
                if handover():
                    self.suppress_response()
                    return
            except Exception:  # the FAILED answer below is the fallback
                logger.exception("emergency hand-over failed")
        logger.error("Execution is about to time out, sending failure message")
        self._send(None, "the handler ran out of time and could not hand over its wait")
'''

# The matching `.meta` (mutmut's exit code per mutant; the other keys trimmed to one entry).
EXIT_CODES: dict[str, int | None] = {
    "domain_packages_handler.logs.x_log_event__mutmut_1": 0,
    "domain_packages_handler.logs.x_log_event__mutmut_5": 1,
    "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_1": 1,
    "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_9": 0,
    "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_12": 0,
    "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_13": 0,
    "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_15": 0,
    "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_16": 1,
    "domain_packages_handler.logs.xǁResponderǁ_timeout__mutmut_3": 33,
    "domain_packages_handler.logs.xǁResponderǁ_timeout__mutmut_7": 36,
    "domain_packages_handler.logs.xǁResponderǁ_timeout__mutmut_10": -24,
}
META = {
    "exit_code_by_key": EXIT_CODES,
    "hash_by_function_name": {"x_log_event": "0c1b1e5b1d2a"},
    "type_check_error_by_key": {},
    "durations_by_key": {"domain_packages_handler.logs.x_log_event__mutmut_1": 0.0123},
    "estimated_durations_by_key": {"domain_packages_handler.logs.x_log_event__mutmut_1": 0.01},
}

LOGGING_ONLY = {"log_event__mutmut_1", "log_event__mutmut_5", "_adopt__mutmut_12"}
LOGGING_ONLY |= {"_adopt__mutmut_13", "_adopt__mutmut_15", "_adopt__mutmut_16"}
LOGGING_ONLY |= {"_timeout__mutmut_3", "_timeout__mutmut_7"}


def _pair(name: str) -> tuple[ast.AST, ast.AST]:
    functions = mutation.functions_by_name(MUTATED)
    original, generated = mutation.generated_function_names(f"domain_packages_handler.x.{name}")
    return functions[original], functions[generated]


@pytest.mark.parametrize(
    "name",
    sorted(mutation.generated_function_names(key)[1] for key in EXIT_CODES),
)
def test_logging_only_means_every_change_is_inside_a_log_call(name: str) -> None:
    expected = any(name.endswith(suffix) for suffix in LOGGING_ONLY)
    assert mutation.is_logging_only(*_pair(name)) is expected


def test_a_mutant_is_named_after_its_function_and_the_copy_it_is_compared_with() -> None:
    name = "domain_packages_handler.core.plan.xǁPlanǁnext__mutmut_12"
    assert mutation.generated_function_names(name) == (
        "xǁPlanǁnext__mutmut_orig",
        "xǁPlanǁnext__mutmut_12",
    )


def test_identical_functions_are_not_logging_only() -> None:
    original, _ = _pair("x_log_event__mutmut_1")
    assert list(mutation.differences(original, original)) == []
    assert not mutation.is_logging_only(original, original)


@pytest.mark.parametrize(
    ("source", "logging"),
    [
        ("log_event('x')", True),
        ("logger.warning('x')", True),
        ("self.logger.debug('x')", True),
        ("logging.info('x')", False),
        ("print('x')", False),
        ("log_event", False),
    ],
)
def test_which_calls_count_as_logging(source: str, logging: bool) -> None:
    node = ast.parse(source, mode="eval").body
    assert mutation.is_logging_call(node) is logging


def test_a_changed_log_call_name_is_not_a_logging_only_change() -> None:
    """Only the arguments count: a mutant that calls something else changes behaviour."""
    a = ast.parse("def f():\n    logger.info('x')\n").body[0]
    b = ast.parse("def g():\n    logger.infox('x')\n").body[0]
    assert not mutation.is_logging_only(a, b)


def test_exit_codes_map_to_mutmut_statuses() -> None:
    assert [mutation.status_of(c) for c in (1, 3, 0, 33, 5, 36, -24, None, 99)] == [
        "killed",
        "killed",
        "survived",
        "no tests",
        "no tests",
        "timeout",
        "timeout",
        "not checked",
        "suspicious",
    ]


def _mutants_tree(tmp_path: Path) -> Path:
    """A workdir as a run leaves it: one mutated module with its `.meta`, one with none."""
    package = tmp_path / "mutants" / "src" / "domain_packages_handler"
    (package / "core").mkdir(parents=True)
    (package / "logs.py").write_text(MUTATED)
    (package / "logs.py.meta").write_text(json.dumps(META, ensure_ascii=False, indent=4))
    (package / "core" / "timing.py").write_text("def x_f__mutmut_orig():\n    return 1\n")
    (package / "core" / "timing.py.meta").write_text(
        json.dumps(
            {**META, "exit_code_by_key": {"domain_packages_handler.core.timing.x_f__mutmut_1": 1}}
        )
    )
    (package / "__init__.py").write_text("")
    (package / "__init__.py.meta").write_text(json.dumps({**META, "exit_code_by_key": {}}))
    return tmp_path


def test_results_are_read_per_module_from_the_mutants_tree(tmp_path: Path) -> None:
    mutants = mutation.read_results(_mutants_tree(tmp_path))
    assert {m.module for m in mutants} == {
        "domain_packages_handler.logs",
        "domain_packages_handler.core.timing",
    }
    logs = [m for m in mutants if m.module.endswith("logs")]
    assert len(logs) == 11
    assert sum(m.logging_only for m in logs) == 8
    # A mutant whose function is missing from the mutated file is not called logging-only.
    (timing,) = (m for m in mutants if m.module.endswith("timing"))
    assert (timing.status, timing.logging_only) == ("killed", False)


def test_no_results_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="report-only"):
        mutation.read_results(tmp_path)


def test_summaries_count_statuses_and_both_kill_rates(tmp_path: Path) -> None:
    rows, total = mutation.summarise(mutation.read_results(_mutants_tree(tmp_path)))
    assert [r.module for r in rows] == [
        "domain_packages_handler.core.timing",
        "domain_packages_handler.logs",
    ]
    logs = rows[1]
    assert (logs.mutants, logs.killed, logs.survived, logs.no_tests, logs.timeout_other) == (
        11,
        3,
        5,
        1,
        2,
    )
    assert logs.by_status == {"survived": 5, "killed": 3, "no tests": 1, "timeout": 2}
    # 10 of the 11 reached by a test; 3 killed.
    assert logs.tested == 10
    assert logs.kill_rate == pytest.approx(30.0)
    # 8 logging-only mutants, 7 tested, 2 killed (log_event_5, _adopt_16): 1 of 3 others killed.
    assert (logs.logging_only, logs.logging_only_tested, logs.logging_only_killed) == (8, 7, 2)
    assert logs.kill_rate_without_logging == pytest.approx(33.3)
    assert (total.mutants, total.tested, total.killed) == (12, 11, 4)
    assert total.kill_rate == pytest.approx(36.4)
    assert total.to_json()["kill_rate_of_all_mutants"] == pytest.approx(33.3)


def test_an_empty_summary_has_no_rate() -> None:
    summary = mutation.Summary("nothing")
    assert summary.kill_rate is None
    assert summary.kill_rate_without_logging is None


def test_the_table_has_a_row_per_module_and_a_total(tmp_path: Path) -> None:
    rows, total = mutation.summarise(mutation.read_results(_mutants_tree(tmp_path)))
    lines = mutation.render_table(rows, total).splitlines()
    assert re.split(r"\s{2,}", lines[0]) == list(mutation.COLUMNS)
    logs = ["domain_packages_handler.logs", "11", "3", "5", "1", "2", "8", "30.0", "33.3"]
    assert lines[3].split() == logs
    assert lines[-1].split()[0] == "total"
    assert len({len(line) for line in lines if "-" * 5 in line}) == 1


def test_modules_become_only_mutate_globs_in_the_staging_layout(tmp_path: Path) -> None:
    package = tmp_path / "lambda" / "domain_packages_handler"
    (package / "core").mkdir(parents=True)
    (package / "timing.py").write_text("")
    patterns = mutation.only_mutate_patterns(
        ["lambda/domain_packages_handler", "lambda/domain_packages_handler/core/",
         "lambda/domain_packages_handler/timing.py"],
        tmp_path,
    )  # fmt: skip
    assert patterns == [
        "src/domain_packages_handler/*",
        "src/domain_packages_handler/core/*",
        "src/domain_packages_handler/timing.py",
    ]
    for wrong in ("lambda/domain_packages_handler/absent.py", "constructs/x.py"):
        with pytest.raises(ValueError, match=wrong):
            mutation.only_mutate_patterns([wrong], tmp_path)


def test_staging_copies_the_package_and_tests_and_appends_the_mutmut_table(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    package = root / "lambda" / "domain_packages_handler"
    (package / "__pycache__").mkdir(parents=True)
    (package / "timing.py").write_text("X = 1\n")
    (package / "__pycache__" / "timing.cpython-311.pyc").write_bytes(b"")
    (root / "tests" / "handler").mkdir(parents=True)
    (root / "tests" / "conftest.py").write_text("")
    (root / "testsupport" / "fakes").mkdir(parents=True)
    (root / "testsupport" / "fakes" / "clock.py").write_text("")
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["lambda", "."]\n'
    )
    workdir = tmp_path / "stage"
    (workdir / "stale").mkdir(parents=True)

    mutation.stage(workdir, ["lambda/domain_packages_handler/timing.py"], "tests/handler", root)

    assert (workdir / "src" / "domain_packages_handler" / "timing.py").read_text() == "X = 1\n"
    assert not (workdir / "src" / "domain_packages_handler" / "__pycache__").exists()
    assert (workdir / "tests" / "conftest.py").exists()
    assert (workdir / "testsupport" / "fakes" / "clock.py").exists()  # the tests import it
    assert not (workdir / "stale").exists()
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((workdir / "pyproject.toml").read_text())
    assert config["tool"]["pytest"]["ini_options"]["pythonpath"] == ["lambda", "."]
    assert config["tool"]["mutmut"]["source_paths"] == ["src"]
    assert config["tool"]["mutmut"]["only_mutate"] == ["src/domain_packages_handler/timing.py"]
    assert config["tool"]["mutmut"]["pytest_add_cli_args_test_selection"] == ["tests/handler"]
    assert config["tool"]["mutmut"]["pytest_add_cli_args"][-2:] == ["-o", "pythonpath=src ."]

    with pytest.raises(ValueError, match="inside tests/"):
        mutation.stage(workdir, ["lambda/domain_packages_handler"], "elsewhere", root)


def test_report_only_prints_the_table_and_writes_the_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results" / "mutation.json"
    workdir = _mutants_tree(tmp_path / "work")
    assert mutation.main(["--report-only", "--workdir", str(workdir), "--json", str(out)]) == 0
    assert "domain_packages_handler.logs" in capsys.readouterr().out
    figures = json.loads(out.read_text())
    assert figures["tool"] == "mutmut"
    assert figures["total"]["mutants"] == 12
    assert figures["total"]["kill_rate_without_logging"] == pytest.approx(50.0)
    assert [m["module"] for m in figures["modules_summary"]] == [
        "domain_packages_handler.core.timing",
        "domain_packages_handler.logs",
    ]
    assert (figures["tests"], figures["wall_seconds"]) == ("tests/handler", None)
    # Surviving mutants that change more than logging, for whoever writes the next test.
    assert figures["survivors"] == [
        "domain_packages_handler.logs.xǁPackageOperationǁ_adopt__mutmut_9"
    ]


def test_report_only_keeps_what_the_last_run_measured(tmp_path: Path) -> None:
    out = tmp_path / "mutation.json"
    workdir = _mutants_tree(tmp_path / "work")
    run = {"tests": "tests/wire", "modules": ["lambda/x"], "jobs": 2, "wall_seconds": 134.46}
    (workdir / mutation.RUN_FILE).write_text(json.dumps(run))
    assert mutation.main(["--report-only", "--workdir", str(workdir), "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert {k: figures[k] for k in run} == {**run, "wall_seconds": 134.5}
