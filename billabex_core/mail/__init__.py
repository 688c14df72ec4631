"""Outgoing e-mail: SMTP delivery and the dry-run outbox.

A leaf: it knows e-mail and the settings, nothing of the database or the services. The agent run
(``billabex_core.jobs.agent_run``) builds each message from a stored communication, hands it to a
``Mailer`` and records the ``Delivery`` through the services.
"""

from billabex_core.mail.delivery import (
    NOT_SENT,
    Delivery,
    Mailer,
    OutboxMailer,
    SmtpMailer,
    build_message,
    default_mailer,
)

__all__ = ["NOT_SENT", "Delivery", "Mailer", "OutboxMailer", "SmtpMailer", "build_message", "default_mailer"]
