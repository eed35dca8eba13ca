"""The fakes' own tests (the fakes themselves are testsupport.fakes)."""
