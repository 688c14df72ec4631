"""The subjects the core gives the tasks it opens, as ``messages.Template``: the stored subject is
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
