"""Outgoing e-mail: SMTP delivery and the dry-run outbox."""
