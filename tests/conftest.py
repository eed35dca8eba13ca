"""Shared fixtures: the wire-level fakes (tests/fakes) are available to every test."""

pytest_plugins = ["tests.fakes.fixtures"]
