"""Drives the real handler module as CloudFormation and Lambda do, against the fakes."""
