#!/usr/bin/env python3
"""Integration test on real AWS: the synonym loop, from a file to a search, deployed twice.

`make integ` runs it (`integ.runner`: deploy, assert, destroy); `make snapshots` compares its
synthesised templates with `integ_synonyms.py.snapshot/` (no AWS). Two test cases, run in this
order on the same stack:

1. ``Deploy``: a one-node domain, a `Package` made from ``integ/synonyms/v1.txt`` (``sofa,
   couch``) and a `DomainPackages` associating it. The assertions create an index whose search
   analyzer uses the package (``synonym_graph``, ``updateable``, ``synonyms_path`` =
   ``reference_path``), put two documents (``couch``: "a comfortable couch", ``tv``: "a big tv"),
   then: a search for "sofa" finds ``couch`` only; "television" finds nothing yet.
2. ``Redeploy``: the same app with the context value ``integ-synonyms:step=2`` deploys the same
   stack again, the `Package` now made from ``v2.txt`` (``tv, television`` added): a new asset,
   UpdatePackage, the domain re-associated with the new version. The assertions then find
   ``tv`` with "television" (waiting a little for the search analyzers to reload) and still
   ``couch`` with "sofa". Its destroy removes every stack of the app.

The first case's destroy is disabled so that the second updates what the first created. If a
case fails, the run stops there; either way, the runner ends with ``cdk destroy --all``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script (the cdk CLI): the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aws_cdk as cdk
from aws_cdk import Stack
from aws_cdk import cloud_assembly_schema as schema
from aws_cdk import integ_tests_alpha as integ
from constructs import Construct

from integ.support import HERE, SearchDomain, integ_app, invoke_payload, write_integ_manifest
from opensearch_packages import DomainPackages, Package

STACK_NAME = "OpenSearchPackagesIntegSynonyms"
DOMAIN_NAME = "osp-integ-synonyms"
#: Context key that selects the dictionary the stack deploys: "1" (default) or "2".
STEP_CONTEXT = "integ-synonyms:step"
DICTIONARIES = {"1": HERE / "synonyms" / "v1.txt", "2": HERE / "synonyms" / "v2.txt"}
INDEX = "synonyms-test"
DOCUMENTS = {"couch": {"text": "a comfortable couch"}, "tv": {"text": "a big tv"}}
#: How long the second step's search waits for the new synonym. The assertion provider's function
#: (timeout 120 s) invokes the search function synchronously, so the whole wait must end well
#: before: 60 s, plus at most one more round (two 10 s requests and a 5 s pause), a last search
#: and a cold start.
WAIT_SECONDS = 60


def index_settings(synonyms_path: str) -> dict[str, object]:
    """The test index: a search-time analyzer that applies the synonym dictionary to ``text``.
    (The same body as the hardened example's, its own copy: the examples may change without
    touching this app's templates.)"""
    return {
        "settings": {
            "index": {
                "analysis": {
                    "filter": {
                        "example_synonyms": {
                            "type": "synonym_graph",
                            "synonyms_path": synonyms_path,
                            "updateable": True,
                        }
                    },
                    "analyzer": {
                        "synonyms_search": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": ["lowercase", "example_synonyms"],
                        }
                    },
                }
            }
        },
        "mappings": {
            "properties": {
                "text": {
                    "type": "text",
                    "analyzer": "standard",
                    "search_analyzer": "synonyms_search",
                }
            }
        },
    }


class SynonymsStack(Stack):
    def __init__(self, scope: Construct, id: str, *, dictionary: Path) -> None:
        super().__init__(scope, id)
        search = SearchDomain(self, "Search", domain_name=DOMAIN_NAME)
        synonyms = Package(
            self,
            "Synonyms",
            source=str(dictionary),
            description="opensearch-packages integration test (integ/synonyms)",
        )
        self.packages = DomainPackages(self, "Packages", domain=search.domain, packages=[synonyms])
        self.synonyms = synonyms
        self.function = search.function
        self.synonyms_path = self.packages.reference_path(synonyms)


def search_call(
    test: integ.IntegTestCase,
    stack: SynonymsStack,
    query: str,
    expected_ids: list[str],
    *,
    wait_for: str | None = None,
) -> integ.IApiCall:
    event: dict[str, object] = {"action": "search", "index": INDEX, "field": "text", "query": query}
    if wait_for is not None:
        event.update(waitFor=wait_for, waitSeconds=WAIT_SECONDS)
    call = test.assertions.invoke_function(
        function_name=stack.function.function_name, payload=invoke_payload(event)
    )
    return call.expect(
        integ.ExpectedResult.object_like(
            {"Payload": integ.Match.serialized_json({"ids": expected_ids})}
        )
    )


def build(app: cdk.App) -> list[integ.IntegTestCase]:
    """The stack and its two test cases, in the order they run."""
    step = str(app.node.try_get_context(STEP_CONTEXT) or "1")
    if step not in DICTIONARIES:
        raise ValueError(f"{STEP_CONTEXT} must be one of {sorted(DICTIONARIES)}, not {step!r}")
    stack = SynonymsStack(app, STACK_NAME, dictionary=DICTIONARIES[step])
    step_two = {STEP_CONTEXT: "2"}

    first = integ.IntegTestCase(
        app,
        "Deploy",
        stacks=[stack],
        stack_update_workflow=False,
        # Kept for the second case to update; that one destroys everything.
        cdk_command_options=schema.CdkCommands(destroy=schema.DestroyCommand(enabled=False)),
    )
    setup = first.assertions.invoke_function(
        function_name=stack.function.function_name,
        payload=invoke_payload(
            {
                "action": "setup",
                "index": INDEX,
                "body": index_settings(stack.synonyms_path),
                "documents": DOCUMENTS,
            }
        ),
    ).expect(
        integ.ExpectedResult.object_like(
            {"Payload": integ.Match.serialized_json({"index": INDEX, "documents": 2})}
        )
    )
    setup.next(search_call(first, stack, "sofa", ["couch"])).next(
        search_call(first, stack, "television", [])
    )

    second = integ.IntegTestCase(
        app,
        "Redeploy",
        stacks=[stack],
        stack_update_workflow=False,
        cdk_command_options=schema.CdkCommands(
            deploy=schema.DeployCommand(args=schema.DeployOptions(context=step_two)),
            destroy=schema.DestroyCommand(args=schema.DestroyOptions(context=step_two)),
        ),
    )
    search_call(second, stack, "television", ["tv"], wait_for="tv").next(
        search_call(second, stack, "sofa", ["couch"])
    )
    return [first, second]


if __name__ == "__main__":
    application = integ_app()
    cases = build(application)
    write_integ_manifest(application.synth(), cases)
