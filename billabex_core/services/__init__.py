"""Service functions: keyword-only, they take the session explicitly; screens, CLI, sync and
agent all change the domain through them (and so through the same checks and audit log)."""
