"""The subjects (and opening messages) of the tasks the core opens, as ``messages.Template``: the stored subject is
the English sentence (the CLI, the exports and the tasks' dedupe read it), which a screen shows in
the user's language (``task.subject.<name>`` of ``billabex_ui/locales``). A subject a person typed
matches none of them and is shown as typed."""

from __future__ import annotations

from billabex_core.messages import Template

ESCALATION = Template("task.subject.escalation", "Consider a formal notice for {name}")
ORG_NAME = Template("task.subject.org_name", "Set the organisation's name in Settings")
CURRENCY_MISMATCH = Template("task.subject.currency_mismatch", "Currency mismatch on {name}")
SYNC_ANOMALY = Template("task.subject.sync_anomaly", "Sync anomaly on {name}")
INVALID_CONTACT = Template("task.subject.invalid_contact", "Fix the e-mail of {contact} ({account})")
DISPUTE = Template("task.subject.dispute", "Dispute on invoice {number} ({name})")
MISSING_CONTACT = Template("task.subject.missing_contact", "Provide a contact for {name}")
MAIN_CONTACT = Template("task.subject.main_contact", "Provide a main contact for {name}")
STALE = Template("task.subject.stale", "Reminders held: the data of {name} are not fresh")

# The opening messages of those tasks (the task's first line on its page), read back the same way.
ESCALATION_TEXT = Template(
    "task.text.escalation",
    "{name} has an invoice unpaid since {date} (more than {days} days). "
    "The agent never escalates by itself: decide whether to send a formal notice.",
)
ORG_NAME_TEXT = Template(
    "task.text.org_name",
    "Reminders are signed with the organisation's name, and it is not set: no reminder is "
    "sent until it is (Settings → Company name, or `settings set org.name`).",
)
MISSING_CONTACT_TEXT = Template(
    "task.text.missing_contact",
    "{name} has no valid contact, so no reminder can be sent. Give the name, e-mail and "
    "language of the person who receives invoices (tip: if the name is unknown, use the part of "
    "the e-mail before the @).",
)
MAIN_CONTACT_TEXT = Template(
    "task.text.main_contact",
    '{name} only has contacts marked "copy only": reminders go to them in copy, never '
    "alone, so none is sent. Add the person who receives invoices, or change a contact's usage.",
)
INVALID_CONTACT_TEXT = Template(
    "task.text.invalid_contact",
    "Mail to {email} bounced: {reason}. Correct the e-mail or replace the contact.",
)
STALE_TEXT = Template(
    "task.text.stale",
    "Reminders to the customers of {name} are held: {reason}. Their data may be "
    "out of date (a payment the billing tool knows and we do not), so nothing is sent to them. "
    "Run a sync (Integrations → Sync now) or fix the connection: the reminders go out after "
    "the next successful sync.",
)
