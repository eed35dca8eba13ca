"""How the watch reads what a domain reports: the handler's rules, restated for the watch.

The handler decides from DescribeDomain and DescribeDomainChangeProgress when a package change
may go ahead, must wait, or has stopped where no wait helps
(``lambda/domain_packages_handler/associations/service.py``, ``progress_from_api``;
``associations/readiness.py``, ``DOMAIN_READY``, ``DOMAIN_UNUSABLE``, ``CHANGE_STOPPED``). The
watch shows the same facts and stops on the same states, so that what an operator sees is what
the deploy will do. It cannot import the handler (the wheel ships the handler as data for the
Lambda asset, not as a package), so the rules are restated here, small and pure, and
``tests/test_change_rules_agree.py`` checks that both copies give the same answers.

The rules:

* A change is the ``ChangeProgressStatus`` of DescribeDomainChangeProgress; there is none when
  it has neither ``Status`` nor ``ConfigChangeStatus``.
* Stage statuses are free strings the API model does not document: a stage whose status is
  COMPLETED (in any case) counts as done and the first other one is the current stage, for the
  view only. No decision rests on them.
* ``ConfigChangeStatus`` ValidationFailed, Cancelled or PendingUserInput: the change stopped
  short, and no wait finishes it; ``ValidationFailures`` say why.
* The domain takes a package change when neither ``Processing`` nor ``UpgradeProcessing`` is
  true and ``DomainProcessingStatus`` is Active (or not sent); Isolated and Deleting end no
  wait; any other status (Creating, Modifying, UpgradingEngineVersion, ...) is waited out.
* ``DeploymentStrategyOptions`` (Default or CapacityOptimized, since March 2026; a domain may
  not send it), the change's ``StartTime`` and ``LastUpdatedTime``: for the view only, to say
  why a blue/green takes hours and how long it has run. No decision rests on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "AWAITING_USER",
    "CHANGE_STOPPED",
    "DOMAIN_READY",
    "DOMAIN_UNUSABLE",
    "ChangeState",
    "DomainStatus",
    "change_from_api",
    "domain_from_api",
    "epoch_seconds",
    "stopped_change",
]

#: DomainProcessingStatus values in which the domain takes a package change ("": not sent).
DOMAIN_READY = frozenset({"Active", ""})
#: DomainProcessingStatus values that no wait ends.
DOMAIN_UNUSABLE = frozenset({"Isolated", "Deleting"})
#: The stopped change worth stopping for while the domain is busy, whatever runs on it.
AWAITING_USER = "PendingUserInput"
#: ConfigChangeStatus values of a change that stopped short (``view`` says what each means).
CHANGE_STOPPED = frozenset({"ValidationFailed", "Cancelled", AWAITING_USER})


@dataclass(frozen=True)
class ChangeState:
    """The domain's latest configuration change, as DescribeDomainChangeProgress reports it."""

    change_id: str
    status: str
    completed_stages: int
    total_stages: int
    current_stage: str
    """The first stage not COMPLETED; "" once every stage is. For the view only."""
    config_status: str = ""
    """``ConfigChangeStatus``; "" when not sent."""
    validation_failures: tuple[str, ...] = ()
    """``ValidationFailures``, each as "Code: Message"."""
    start_time: float | None = None
    """``StartTime`` in epoch seconds; None when not sent. For the view only: how long the
    change has run (a capacity-optimized blue/green of a large domain takes hours)."""
    last_updated: float | None = None
    """``LastUpdatedTime`` in epoch seconds; None when not sent. For the view only: how long a
    finished change took."""

    @property
    def percent(self) -> int | None:
        """The share of stages done, rounded down (100 only once all are); None without stages.
        The service reports no finer progress, so this is all a percentage can say."""
        if self.total_stages <= 0:
            return None
        return min(100, max(0, self.completed_stages) * 100 // self.total_stages)


@dataclass(frozen=True)
class DomainStatus:
    """What DescribeDomain says about whether the domain takes a package change."""

    processing: bool
    """``Processing`` or ``UpgradeProcessing``."""
    processing_status: str = ""
    """``DomainProcessingStatus``; "" when not sent."""
    engine_version: str = ""
    """``EngineVersion`` ("OpenSearch_2.19"); "" when not sent. For the view only: a plugin's
    package is built for one engine version (an optional plugin's name has one ID per version)."""
    deployment_strategy: str = ""
    """``DeploymentStrategyOptions.DeploymentStrategy`` (Default, CapacityOptimized); "" when not
    sent. For the view only: a capacity-optimized blue/green goes in batches and takes longer."""

    @property
    def ready(self) -> bool:
        """Not processing, and Active (or an older service that does not send the status)."""
        return not self.processing and self.processing_status in DOMAIN_READY

    @property
    def unusable(self) -> bool:
        """In a state no wait ends (Isolated, Deleting)."""
        return self.processing_status in DOMAIN_UNUSABLE


def domain_from_api(status: Mapping[str, Any]) -> DomainStatus:
    """DescribeDomain's ``DomainStatus``."""
    options = status.get("DeploymentStrategyOptions")
    strategy = options.get("DeploymentStrategy") if isinstance(options, Mapping) else None
    return DomainStatus(
        processing=bool(status.get("Processing")) or bool(status.get("UpgradeProcessing")),
        processing_status=str(status.get("DomainProcessingStatus") or ""),
        engine_version=str(status.get("EngineVersion") or ""),
        deployment_strategy=str(strategy or ""),
    )


def epoch_seconds(value: Any) -> float | None:
    """A timestamp as epoch seconds, or None when there is none to read.

    boto3 parses the API's timestamps into datetimes; a raw answer (the tests' fake clients)
    may carry epoch numbers or ISO 8601 text. A datetime without a zone is taken as UTC, as
    botocore's parser makes them.
    """
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.timestamp()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value:
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return epoch_seconds(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _done(stage: Mapping[str, Any]) -> bool:
    return str(stage.get("Status") or "").upper() == "COMPLETED"


def _failure(raw: Any) -> str:
    """One ValidationFailures entry {Code, Message} as "Code: Message" (or whichever is set)."""
    entry = raw if isinstance(raw, Mapping) else {}
    code, message = str(entry.get("Code") or ""), str(entry.get("Message") or "")
    return f"{code}: {message}" if code and message else code or message


def change_from_api(progress: Mapping[str, Any]) -> ChangeState | None:
    """DescribeDomainChangeProgress's ``ChangeProgressStatus``; None when it names no change."""
    if not progress.get("Status") and not progress.get("ConfigChangeStatus"):
        return None
    stages = list(progress.get("ChangeProgressStages") or [])
    current = next((s for s in stages if not _done(s)), None)
    failures = (_failure(f) for f in progress.get("ValidationFailures") or [])
    return ChangeState(
        change_id=str(progress.get("ChangeId") or ""),
        status=str(progress.get("Status") or ""),
        completed_stages=sum(1 for s in stages if _done(s)),
        total_stages=int(progress.get("TotalNumberOfStages") or len(stages)),
        current_stage=str(current.get("Name") or "") if current else "",
        config_status=str(progress.get("ConfigChangeStatus") or ""),
        validation_failures=tuple(f for f in failures if f),
        start_time=epoch_seconds(progress.get("StartTime")),
        last_updated=epoch_seconds(progress.get("LastUpdatedTime")),
    )


def stopped_change(
    change: ChangeState | None, *, plugin_in_flight: bool, domain_ready: bool
) -> bool:
    """Whether the change has stopped where waiting cannot help.

    As the handler: while a plugin is being installed or removed (its blue/green is the change)
    every stopped status counts; otherwise only a busy domain's PendingUserInput does (a
    stopped change on a domain that is not busy is an old one). The handler looks only at its
    own plugins; the watch cannot tell whose a plugin is, and takes any plugin in flight.
    """
    if change is None or change.config_status not in CHANGE_STOPPED:
        return False
    return plugin_in_flight or (not domain_ready and change.config_status == AWAITING_USER)
