"""The documented call-log CSV."""
