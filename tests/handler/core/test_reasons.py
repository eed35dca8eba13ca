"""Reasons stay within 256 characters, so crhelper never cuts off what matters."""

from __future__ import annotations

from domain_packages_handler.core import reasons
from domain_packages_handler.core.outcome import PackageFailure, Pending


def failure(pid: str, message: str = "bad") -> PackageFailure:
    return PackageFailure(pid, "ASSOCIATION_FAILED", "PluginValidationFailure", message)


def test_one_failure_reads_plainly() -> None:
    text = reasons.package_failures(
        "domain search", "association", [failure("pkg-1", "zip broken")]
    )
    assert text == (
        "association failed on domain search: pkg-1 PluginValidationFailure: zip broken"
    )


def test_many_long_failures_fit_and_name_every_package() -> None:
    failures = [failure(f"pkg-{i:04x}", "x" * 400) for i in range(5)]
    text = reasons.package_failures("domain search", "association", failures)
    assert len(text) <= reasons.MAX_REASON
    for f in failures:
        assert f.package_id in text
    assert "PluginValidationFailure" in text


def test_twenty_failures_still_fit() -> None:
    failures = [failure(f"pkg-{i:08x}", "m" * 50) for i in range(20)]
    text = reasons.package_failures("domain search", "association", failures)
    assert len(text) <= reasons.MAX_REASON
    assert "20 packages: PluginValidationFailure pkg-00000000, pkg-00000001" in text
    assert text.endswith("more (see the handler's log)")


def test_several_short_failures_are_all_named_with_their_types() -> None:
    failures = [failure(f"F{i}", "m" * 200) for i in range(8)]
    text = reasons.package_failures("domain search", "association", failures)
    assert len(text) <= reasons.MAX_REASON
    for f in failures:
        assert f.package_id in text


def test_timeout_reason_lists_pending_and_advice() -> None:
    text = reasons.timed_out("domain search", 3570.4, [Pending("F1", "ASSOCIATING")])
    assert text.startswith("timed out after 3570 s on domain search waiting for F1 (ASSOCIATING)")
    assert "Raise `timeout`" in text


def test_timeout_reason_with_many_pending_fits() -> None:
    pending = [Pending(f"pkg-{i:08x}", "ASSOCIATING") for i in range(20)]
    text = reasons.timed_out("domain search", 10, pending)
    assert len(text) <= reasons.MAX_REASON
    assert "15 more" in text


def test_service_error_keeps_the_services_words() -> None:
    text = reasons.service_error(
        "domain search", "associate pkg-1", "ValidationException", "Package pkg-1 is bad", "Fix it."
    )
    assert text == (
        "associate pkg-1 on domain search: ValidationException: Package pkg-1 is bad. Fix it."
    )
    assert len(reasons.service_error("s", "x", "C", "m" * 1000, "advice")) <= 256


def test_a_failed_package_import_names_the_package_status_and_what_to_do() -> None:
    failed = PackageFailure("F9", "VALIDATION_FAILED", "InvalidSynonymRule", "Line 3: no rhs")
    assert reasons.package_import_failed("package synonyms-1a2b", failed) == (
        "package synonyms-1a2b (F9) is VALIDATION_FAILED: InvalidSynonymRule: Line 3: no rhs. "
        "Fix the file and deploy again."
    )
    copy = PackageFailure("F9", "COPY_FAILED", "AccessDenied", "m" * 1000)
    text = reasons.package_import_failed("package synonyms-1a2b", copy)
    assert len(text) <= 256
    assert text.startswith("package synonyms-1a2b (F9) is COPY_FAILED: AccessDenied: mmm")
    assert text.endswith("Check that the source object exists and is readable, then deploy again.")


def test_a_package_in_use_names_the_domains_and_both_ways_out() -> None:
    text = reasons.package_in_use("package synonyms-1a2b", "F9", ["logs", "search"])
    assert text == (
        "package synonyms-1a2b (F9) is still associated with domain(s) logs, search: remove it "
        "from their DomainPackages first, or keep the package with "
        "removal_policy=RemovalPolicy.RETAIN"
    )
    many = reasons.package_in_use(
        "package synonyms-1a2b", "F9", [f"domain-{n:02}" for n in range(40)]
    )
    assert len(many) <= 256
    assert many.endswith("removal_policy=RemovalPolicy.RETAIN")


def test_two_long_messages_are_each_trimmed_to_share_the_room() -> None:
    failures = [failure("pkg-1", "a" * 300), failure("pkg-2", "b" * 300)]
    text = reasons.package_failures("domain search", "association", failures)
    head = "association failed on domain search: "
    prefixes = ["pkg-1 PluginValidationFailure: ", "pkg-2 PluginValidationFailure: "]
    share = (reasons.MAX_REASON - len(head) - sum(map(len, prefixes)) - 2) // 2
    assert text == (f"{head}{prefixes[0]}{'a' * (share - 1)}…; {prefixes[1]}{'b' * (share - 1)}…")
    assert len(text) <= reasons.MAX_REASON


def test_a_short_message_beside_a_long_one_is_kept_whole() -> None:
    failures = [failure("pkg-1", "short"), failure("pkg-2", "b" * 70)]
    text = reasons.package_failures("domain search", "association", failures)
    assert text == (
        "association failed on domain search: pkg-1 PluginValidationFailure: short; "
        f"pkg-2 PluginValidationFailure: {'b' * 70}"
    )


def test_a_timeout_names_six_pending_items_but_folds_seven() -> None:
    six = [Pending(f"F{i}", "ASSOCIATING") for i in range(6)]
    assert "F5 (ASSOCIATING)" in reasons.timed_out("domain d", 1, six)
    assert "more" not in reasons.timed_out("domain d", 1, six)
    seven = [*six, Pending("F6", "ASSOCIATING")]
    text = reasons.timed_out("domain d", 1, seven)
    assert "F4 (ASSOCIATING); 2 more" in text
    assert "F5" not in text


def test_a_timeout_with_nothing_pending_waits_for_the_service() -> None:
    assert reasons.timed_out("domain d", 61.9, []).startswith(
        "timed out after 61 s on domain d waiting for the service. Raise `timeout`"
    )


def test_the_fallback_counts_exactly_the_packages_it_could_not_name() -> None:
    failures = [failure(f"pkg-{i:08x}", "m" * 50) for i in range(20)]
    text = reasons.package_failures("domain search", "association", failures)
    named = sum(f.package_id in text for f in failures)
    assert text.endswith(f", pkg-{named - 1:08x} and {20 - named} more (see the handler's log)")
    assert 0 < named < 20


def test_the_fallback_groups_package_ids_under_their_error_types() -> None:
    failures = [
        PackageFailure("F1", "ASSOCIATION_FAILED", "TypeA", "m" * 200),
        PackageFailure("F2", "ASSOCIATION_FAILED", "TypeB", "m" * 200),
        PackageFailure("F3", "ASSOCIATION_FAILED", "TypeA", "m" * 200),
    ] * 4
    text = reasons.package_failures("domain d", "association", failures)
    assert text.startswith("association failed on domain d: 12 packages: TypeA F1, F3, F1, F3")
    assert "; TypeB F2, F2, F2, F2" in text
    assert not text.endswith(("; ", ", "))


def test_an_unexpected_import_status_points_at_the_console() -> None:
    gone = PackageFailure("F9", "DELETED", "DELETED", "the package is DELETED")
    assert reasons.package_import_failed("package syn", gone) == (
        "package syn (F9) is DELETED: DELETED: the package is DELETED. "
        "Check the package in the OpenSearch console."
    )


def test_a_message_that_just_fits_is_kept_whole() -> None:
    head = "x on domain d: C: "
    exact = "m" * (reasons.MAX_REASON - len(head))
    assert reasons.service_error("domain d", "x", "C", exact, "") == head + exact
    longer = reasons.service_error("domain d", "x", "C", exact + "m", "")
    assert longer == head + "m" * (len(exact) - 1) + "…"


def test_a_timeout_names_the_kinds_own_maximum() -> None:
    assert "Raise `timeout` (max 1 h)" in reasons.timed_out("package p", 10, [])
    assert "Raise `timeout` (max 12 h)" in reasons.timed_out("domain d", 10, [], 43200)
