"""What tests, benchmarks and the soak share, outside tests/: the fakes of OpenSearch Service,
Lambda and CloudFormation (fakes/) and the wire harness that drives the handler as CloudFormation
does (wire/). Never shipped in the wheel."""
