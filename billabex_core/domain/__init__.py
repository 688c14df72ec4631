"""The collection rules as pure functions and value objects: no session, no I/O (docs/architecture.md)."""
