"""Contact inputs shared by the account page and the task answers: the e-mail that fills in the
name (the tip of domain.md §5), the optional fields, and how a contact reads in a list."""

from __future__ import annotations

import streamlit as st

from billabex_core.domain.names import default_name
from billabex_core.models import LANGUAGES, Contact, ContactUsage
from billabex_ui.format import md

USAGE_LABELS = {
    ContactUsage.NORMAL: "receives reminders",
    ContactUsage.COPY_ONLY: "copy only (CC)",
    ContactUsage.DO_NOT_CONTACT: "do not contact",
}
NAME_TIP = (
    "Tip: if the name is unknown, use the part of the e-mail before the @ "
    "(comptabilite@acme.com → “comptabilite”); it is filled in for you."
)


def prefill_name(email_key: str, name_key: str) -> None:
    """``on_change`` of a new contact's e-mail: with no name yet, use the part before the @."""
    email = st.session_state.get(email_key, "")
    if email and "@" in email and not st.session_state.get(name_key):
        st.session_state[name_key] = default_name(email.strip())


def new_contact_inputs(prefix: str, suffix: str = "") -> tuple[str, str, str]:
    """E-mail, name (filled from the e-mail) and language of a new contact: ``(email, name, language)``.

    Widget keys are ``<prefix>_email<suffix>``, ``<prefix>_name<suffix>`` and ``<prefix>_lang<suffix>``.
    """
    email_key, name_key = f"{prefix}_email{suffix}", f"{prefix}_name{suffix}"
    c = st.columns(3)
    email = c[0].text_input("E-mail", key=email_key, on_change=prefill_name, args=(email_key, name_key))
    name = c[1].text_input("Name", key=name_key)
    language = c[2].selectbox("Language", LANGUAGES, index=None, key=f"{prefix}_lang{suffix}")
    st.caption(NAME_TIP)
    return email, name, language or ""


def contact_fields(prefix: str, contact: Contact | None = None) -> dict[str, object]:
    """The optional fields of a contact form (role, phone, usage, notes, primary), as keyword
    arguments of ``add_contact`` / ``update_contact``; keys ``<prefix>_role`` and so on."""
    c = st.columns(3)
    usages = list(USAGE_LABELS)
    values: dict[str, object] = {
        "role": c[0].text_input("Role", contact.role or "" if contact else "", key=f"{prefix}_role"),
        "phone": c[1].text_input("Phone", contact.phone or "" if contact else "", key=f"{prefix}_phone"),
        "usage": c[2].selectbox(
            "Use for reminders",
            usages,
            index=usages.index(contact.usage) if contact else 0,
            format_func=USAGE_LABELS.__getitem__,
            key=f"{prefix}_usage",
        ),
    }
    values["notes"] = st.text_input("Notes", contact.notes or "" if contact else "", key=f"{prefix}_notes")
    values["is_primary"] = st.checkbox(
        "Primary contact", contact.is_primary if contact else False, key=f"{prefix}_primary"
    )
    return values


def contact_title(contact: Contact) -> str:
    """ "Name <e-mail> · language · usage, primary", flagged ⚠️ INVALID when its mail bounced
    (markdown: an expander's label)."""
    flags = [USAGE_LABELS[contact.usage]] + (["primary"] if contact.is_primary else [])
    title = f"{md(contact.name)} {md(f'<{contact.email}>')} · {md(contact.language)} · {', '.join(flags)}"
    return title if contact.is_valid else f"⚠️ INVALID — {title}"


def lang_index(code: str | None) -> int | None:
    """Position of a language in a selectbox; None (empty) for one a billing tool sent us."""
    return LANGUAGES.index(code) if code in LANGUAGES else None
