"""The integration test runner behind `make integ` and `make snapshots`.

It does what `@aws-cdk/integ-runner` does for this repository's `integ/integ_*.py` apps, with
the same files: each app's synth writes the integ manifest (``integ.json``, test cases in
order), and its snapshot lives in ``integ/<app>.py.snapshot/``. integ-runner itself cannot be
used yet: its newest release (2.197.10) reads cloud assembly schema 53 at most, and the pinned
aws-cdk-lib writes 55 (README, "Integration tests on real AWS").

- `cases`: the test cases of an app, read from its integ manifest (pure).
- `snapshots`: templates in a comparable form (asset hashes numbered), compared with the
  committed ones (pure, plus reading and writing the snapshot directory).
- `results`: the assertion stack's outputs read as passed and failed assertions (pure).
- `deploy`: the cdk CLI commands for a test case, and the run of an app's cases with its
  stacks destroyed at the end whatever happened (commands are executed through a callable).
- `__main__`: the command line (``python -m integ.runner snapshots|deploy|destroy|list``).
"""
