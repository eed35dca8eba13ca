"""The integration tests' search function (a Lambda asset: this folder)."""
