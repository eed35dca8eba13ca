"""The real handler module, crhelper and boto3 over HTTP against the fakes (testsupport)."""
