"""What the constructs synthesise is what the handler reads."""
