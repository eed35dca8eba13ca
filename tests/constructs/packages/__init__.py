"""The Package kind: the construct, its options, references, source checks."""
