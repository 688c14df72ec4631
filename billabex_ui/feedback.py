"""Messages to the user: the one place a domain error becomes a message on screen, and the flash
message that confirms an action after the rerun which shows its result."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import streamlit as st

# The modules whose templates write the English sentences the core stores (imported, they register
# them for ``messages.read``): connector errors, sync summaries, stale data, promises, disputes,
# Review, Validate all, the subjects of the tasks the core opens, why a file of a batch was refused.
import billabex_core.connectors
import billabex_core.domain.plan
import billabex_core.extraction.errors
import billabex_core.jobs.agent_run
import billabex_core.queries.collection
import billabex_core.services.archives
import billabex_core.services.batch_validation
import billabex_core.services.batches
import billabex_core.services.draft_values
import billabex_core.services.promises
import billabex_core.sync.engine
import billabex_core.task_subjects  # noqa: F401
from billabex_core import messages
from billabex_core.errors import BillabexError, ValidationError
from billabex_core.services import integration_forms
from billabex_core.services.plan_store import REVIEW
from billabex_ui.format import day, label, md, md_block, moment, money, number
from billabex_ui.i18n import has_text, t

# One key for every page: a flash is always shown by the rerun it triggers, on the same page.
FLASH_KEY = "billabex_flash"
# How ``queries.freshness`` words the hold of an account whose synced data is stale.
STALE_PREFIX = "held: "


def field_label(name: str) -> str:
    """The label a screen shows for a field of the core (``due_date`` → "Due date" / "Échéance");
    a connector setting reads as on the Integrations form (``api_token`` → "API token")."""
    key = f"field.{name}"
    return t(key) if has_text(key) else FORM_LABELS.get(name) or label(name)


# The Integrations form's labels of the connectors' settings, without "(optional)".
FORM_LABELS = {
    f.key: f.label.removesuffix(" (optional)") for fields in integration_forms.FIELDS.values() for f in fields
}


# Parameters naming a code of the core (a status, a source, a kind): shown as the screens word it.
VALUE_PARAMS = frozenset({"status", "source", "kind"})
# Parameters quoting another sentence of the core (why a message is held, the first error of a
# sync), and those of a stored sentence that are amounts in the English format.
SENTENCE_PARAMS = messages.SENTENCE
MONEY_PARAMS = frozenset({"received", "amount"})
# Those that are numbers in the English format (a file's size, a limit).
NUMBER_PARAMS = frozenset({"size", "limit", "seconds", "pages", "ratio"})
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _param(name: str, value: object, currency: object = None, markdown: bool = True) -> str:
    if isinstance(value, BillabexError):  # an error quoting another: both in the user's language
        return error_text(value, markdown=markdown)
    if isinstance(value, Decimal) and isinstance(currency, str):
        return money(value, currency)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if name == "job" and has_text(f"job.name.{value}"):
        return t(f"job.name.{value}")
    if name in SENTENCE_PARAMS and isinstance(value, str):
        return stored_text(value, markdown=markdown)
    if name in VALUE_PARAMS and isinstance(value, str):
        return label(value, capitalize=False)
    if name == "fields" and isinstance(value, list | tuple):
        return ", ".join(field_label(str(v)) for v in value)
    if name == "field":
        return field_label(str(value))
    if name == "entity" and has_text(f"entity.{value}"):
        return t(f"entity.{value}")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return number(value)
    return md(value) if markdown else str(value)


def error_text(exc: BillabexError, *, markdown: bool = True) -> str:
    """An error in the user's language (``error.<code>``) naming fields as the screens do; an
    error without a translated code keeps its English message, its field named by its label.
    Markdown (what people typed escaped), or plain text for a caller that escapes it itself."""
    field = getattr(exc, "field", None)
    if exc.code and has_text(f"error.{exc.code}"):
        currency = exc.params.get("currency")
        params = {name: _param(name, value, currency, markdown) for name, value in exc.params.items()}
        if field:
            params.setdefault("field", field_label(field))
        return t(f"error.{exc.code}", **params)
    message = str(exc)
    if field and "_" in field:  # an internal name (due_date) reads as the label on screen
        message = message.replace(f" ({field})", "")  # "the API token (api_token)": said already
        message = message.replace(field, field_label(field))
    return md(message) if markdown else message


def stored_text(text: str, *, currency: str | None = None, markdown: bool = True) -> str:
    """A sentence the core wrote in English and stored (a sync's error, a promise's outcome, why a
    message is held) in the user's language: the text of its code (``messages.read``), ``error.<code>``
    for an error, else ``<code>``; dates and, given the ``currency``, amounts in the user's
    formats. Another text (a provider's words, an older sentence) is shown as written."""
    found = messages.read(text)
    key = found and next((k for k in (f"error.{found[0]}", found[0]) if has_text(k)), None)
    if not found or not key:
        return md(text) if markdown else text
    params = {name: _stored_param(name, value, currency, markdown) for name, value in found[1].items()}
    return t(key, **params)


def stored_errors(text: str, *, markdown: bool = True) -> str:
    """A job's last error: up to three errors joined by "; ", each read back (``stored_text``)."""
    return "; ".join(stored_text(part, markdown=markdown) for part in text.split("; "))


def stored_block(text: str) -> str:
    """A stored message of several lines (a task's): read back as ``stored_text`` when the core
    wrote it, else escaped with its line breaks kept (someone typed it)."""
    return stored_text(text) if messages.read(text) else md_block(text)


def _stored_param(name: str, value: str, currency: str | None, markdown: bool) -> str:
    if ISO_DAY.fullmatch(value):
        return day(date.fromisoformat(value))
    if name in MONEY_PARAMS and currency:
        try:
            return money(Decimal(re.sub(r"[^\d.-]", "", value)), currency)
        except InvalidOperation:
            pass
    if name in SENTENCE_PARAMS:
        return stored_text(value, markdown=markdown)
    if name in NUMBER_PARAMS and re.fullmatch(r"\d+(\.\d+)?", value):
        return number(Decimal(value))
    return md(value) if markdown else value


def show_error(exc: BillabexError) -> None:
    """Bad input is a warning (the user can fix it); any other refusal is an error. The message
    may quote what someone typed or what a provider answered: it is shown as text."""
    if isinstance(exc, ValidationError):
        st.warning(error_text(exc), icon=":material/warning:")
    else:
        st.error(error_text(exc), icon=":material/block:")


def show_failure() -> None:
    """What the user sees of a bug: nothing was saved, the details are in the server log."""
    st.error(t("error.failure"), icon=":material/block:")


def flash(message: str) -> None:
    """Rerun the page, which then shows ``message`` once (``show_flash``), above the new state.
    ``message`` is markdown: the page escapes (``md``) any name or text it puts in it."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    """Show the message of the action that triggered this run, if any; it is gone on the next run."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message)


def held_text(held: str, *, markdown: bool = True) -> str:
    """Why a message is held, in the user's language: the core's reasons it words itself (an
    edit to review, stale synced data) are translated; another reason is shown as written."""
    if held == REVIEW:
        return t("com.held_reason.review")
    if held.startswith(STALE_PREFIX):
        return t(
            "com.held_reason.stale", reason=stored_text(held.removeprefix(STALE_PREFIX), markdown=markdown)
        )
    return md(held) if markdown else held
