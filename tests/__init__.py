"""The test suite; its folders mirror the code: handler/ and constructs/ (each core, associations,
packages), wire/ (the real handler over HTTP against the fakes), fakes/ (the fakes' own tests),
integration tooling (integ_runner/, integ_apps/), watch/, contract/ and bench/."""
