"""The integration test runner (integ/runner), against a fake cdk CLI: no AWS."""
