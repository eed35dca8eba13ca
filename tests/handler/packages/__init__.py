"""The Package kind of the handler: plan and operations."""
