"""The test cases of one integration test app, read from the integ manifest (``integ.json``)
that its synth writes: the format integ-runner reads (cloud assembly schema, ``IntegManifest``).

Only what this runner implements is accepted; anything else in a manifest fails loudly here,
before anything is deployed, rather than being silently skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class UnsupportedManifest(ValueError):
    """The integ manifest asks for something this runner does not do."""


@dataclass(frozen=True)
class IntegCase:
    """One test case: stacks to deploy, then its assertion stack, then (optionally) destroy."""

    name: str
    #: Stack IDs as the CLI selects them.
    stacks: tuple[str, ...]
    #: The assertion stack's ID for the CLI (its construct path), if the case has assertions.
    assertion_stack: str | None = None
    #: The assertion stack's CloudFormation name: the key of its outputs in ``--outputs-file``.
    assertion_stack_name: str | None = None
    deploy_context: Mapping[str, str] = field(default_factory=dict)
    destroy_context: Mapping[str, str] = field(default_factory=dict)
    #: False when a later case updates this case's stacks (``destroy.enabled: false``).
    destroy_after: bool = True


#: Keys of a test case that only concern snapshots or reporting, so a deploy may ignore them.
_IGNORED_CASE_KEYS = frozenset({"allowDestroy", "diffAssets"})
_CASE_KEYS = frozenset(
    {"stacks", "assertionStack", "assertionStackName", "stackUpdateWorkflow", "cdkCommandOptions"}
)


def read_cases(manifest: Mapping[str, Any]) -> list[IntegCase]:
    """The manifest's test cases in file order (the order integ-runner runs them)."""
    if manifest.get("enableLookups"):
        raise UnsupportedManifest(
            "enableLookups: the integration apps must be environment-agnostic (no lookups)"
        )
    raw_cases = manifest.get("testCases") or {}
    if not raw_cases:
        raise UnsupportedManifest("the integ manifest has no test cases")
    return [_read_case(name, raw) for name, raw in raw_cases.items()]


def _read_case(name: str, raw: Mapping[str, Any]) -> IntegCase:
    unknown = set(raw) - _CASE_KEYS - _IGNORED_CASE_KEYS
    if unknown:
        raise UnsupportedManifest(f"test case {name}: unsupported keys {sorted(unknown)}")
    # integ-runner's default is the update workflow: deploy the committed snapshot, then the
    # app. The snapshots here are templates, not a deployable assembly.
    if raw.get("stackUpdateWorkflow", True) is not False:
        raise UnsupportedManifest(
            f"test case {name}: set stack_update_workflow=False (the snapshots are templates, "
            "so there is no committed assembly to deploy first)"
        )
    stacks = tuple(raw.get("stacks") or ())
    if not stacks:
        raise UnsupportedManifest(f"test case {name}: no stacks")
    commands = raw.get("cdkCommandOptions") or {}
    deploy = _command(name, "deploy", commands)
    destroy = _command(name, "destroy", commands)
    if deploy.get("enabled") is False:
        raise UnsupportedManifest(f"test case {name}: a case that does not deploy")
    return IntegCase(
        name=name,
        stacks=stacks,
        assertion_stack=raw.get("assertionStack"),
        assertion_stack_name=raw.get("assertionStackName"),
        deploy_context=_context(name, "deploy", deploy),
        destroy_context=_context(name, "destroy", destroy),
        destroy_after=destroy.get("enabled", True) is not False,
    )


def _command(case: str, verb: str, commands: Mapping[str, Any]) -> Mapping[str, Any]:
    command: Mapping[str, Any] = commands.get(verb) or {}
    unknown = set(command) - {"enabled", "args"}
    if unknown:
        raise UnsupportedManifest(f"test case {case}: {verb}: unsupported {sorted(unknown)}")
    return command


def _context(case: str, verb: str, command: Mapping[str, Any]) -> dict[str, str]:
    args: Mapping[str, Any] = command.get("args") or {}
    unknown = set(args) - {"context"}
    if unknown:
        raise UnsupportedManifest(f"test case {case}: {verb} args: unsupported {sorted(unknown)}")
    return {str(key): str(value) for key, value in (args.get("context") or {}).items()}
