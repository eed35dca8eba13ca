"""Shared fixtures: the wire-level fakes (testsupport/fakes) are available to every test."""

pytest_plugins = ["testsupport.fakes.fixtures"]
