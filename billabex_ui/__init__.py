"""Streamlit glue shared by ``app.py`` and the pages — the page kit. No business logic here.

- ``auth``: the login form, the session cookie, logging out (``app.py`` only).
- ``session``: the login and administrator guards, the current user, ``call`` (one core function,
  one transaction).
- ``feedback``: the one error helper and flash messages.
- ``format``: money, enum labels, and ``md`` / ``md_block`` for any outside text inside markdown.
- ``widgets``: pagination, opening rows, the account picker, badges.
- ``tables``: read-only tables of documents, payments, tasks, communications, history, and the
  CSV download (the CLI's writer).
- ``contacts``: the new-contact inputs (name filled from the e-mail), optional fields, titles.

A page reads: ``require_login()`` (or ``require_admin()``), widgets, one ``call``, render. Pages
import from here.
"""

from billabex_ui.contacts import (
    NAME_TIP,
    USAGE_LABELS,
    contact_fields,
    contact_title,
    lang_index,
    new_contact_inputs,
    prefill_name,
)
from billabex_ui.feedback import flash, show_error, show_failure, show_flash
from billabex_ui.format import date_input_format, day, label, md, md_block, moment, money, number
from billabex_ui.i18n import t, tn
from billabex_ui.session import call, current_user, is_admin, require_admin, require_login, today
from billabex_ui.tables import (
    communications_table,
    csv_download,
    documents_table,
    history_table,
    payments_table,
    show_table,
    task_links,
)
from billabex_ui.widgets import (
    PAGE_SIZE,
    Pager,
    account_picker,
    back_button,
    chat_role,
    open_row,
    row_opener,
    selected_id,
    source_badge,
)

__all__ = [
    "NAME_TIP",
    "PAGE_SIZE",
    "USAGE_LABELS",
    "Pager",
    "account_picker",
    "back_button",
    "call",
    "chat_role",
    "communications_table",
    "contact_fields",
    "contact_title",
    "csv_download",
    "current_user",
    "date_input_format",
    "day",
    "documents_table",
    "flash",
    "history_table",
    "is_admin",
    "label",
    "lang_index",
    "md",
    "md_block",
    "moment",
    "money",
    "new_contact_inputs",
    "number",
    "open_row",
    "payments_table",
    "prefill_name",
    "require_admin",
    "require_login",
    "row_opener",
    "selected_id",
    "show_error",
    "show_failure",
    "show_flash",
    "show_table",
    "source_badge",
    "t",
    "task_links",
    "tn",
    "today",
]
