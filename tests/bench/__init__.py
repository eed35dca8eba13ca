"""The benchmark and mutation-testing tooling (bench/)."""
