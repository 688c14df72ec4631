"""Contact inputs shared by the account page and the task answers: the e-mail that fills in the
name (the tip of domain.md §5), the optional fields, how a contact reads in a list, and the version
of a contact a person is editing (two people editing one contact: the second save is refused)."""

from __future__ import annotations

import streamlit as st

from billabex_core.domain.names import default_name
from billabex_core.models import LANGUAGES, Contact, ContactUsage
from billabex_ui.format import md
from billabex_ui.i18n import t

# usage → its text key in billabex_ui/locales
USAGE_LABELS = {
    ContactUsage.NORMAL: "contact.usage.normal",
    ContactUsage.COPY_ONLY: "contact.usage.copy_only",
    ContactUsage.DO_NOT_CONTACT: "contact.usage.do_not_contact",
}
NAME_TIP = "contact.name_tip"


def usage_label(usage: ContactUsage) -> str:
    return t(USAGE_LABELS[usage])


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
    email = c[0].text_input(
        t("contact.email"), key=email_key, on_change=prefill_name, args=(email_key, name_key)
    )
    name = c[1].text_input(t("contact.name"), key=name_key)
    language = c[2].selectbox(
        t("contact.language"),
        LANGUAGES,
        index=None,
        placeholder=t("common.choose_one"),
        help=t("contact.language_help"),
        key=f"{prefix}_lang{suffix}",
    )
    st.caption(t(NAME_TIP))
    return email, name, language or ""


def contact_fields(prefix: str, contact: Contact | None = None) -> dict[str, object]:
    """The optional fields of a contact form (role, phone, usage, notes, primary), as keyword
    arguments of ``add_contact`` / ``update_contact``; keys ``<prefix>_role`` and so on."""
    c = st.columns(3)
    usages = list(USAGE_LABELS)
    values: dict[str, object] = {
        "role": c[0].text_input(
            t("contact.role"), contact.role or "" if contact else "", key=f"{prefix}_role"
        ),
        "phone": c[1].text_input(
            t("contact.phone"), contact.phone or "" if contact else "", key=f"{prefix}_phone"
        ),
        "usage": c[2].selectbox(
            t("contact.usage"),
            usages,
            index=usages.index(contact.usage) if contact else 0,
            format_func=usage_label,
            key=f"{prefix}_usage",
        ),
    }
    values["notes"] = st.text_input(
        t("contact.notes"), contact.notes or "" if contact else "", key=f"{prefix}_notes"
    )
    values["is_primary"] = st.checkbox(
        t("contact.primary"), contact.is_primary if contact else False, key=f"{prefix}_primary"
    )
    return values


def contact_title(contact: Contact) -> str:
    """ "Name <e-mail> · language · usage, primary", flagged INVALID (a warning icon) when its mail bounced
    (markdown: an expander's label)."""
    flags = [usage_label(contact.usage)] + ([t("contact.primary_flag")] if contact.is_primary else [])
    title = f"{md(contact.name)} {md(f'<{contact.email}>')} · {md(contact.language)} · {', '.join(flags)}"
    return title if contact.is_valid else t("contact.invalid_title", title=title)


def lang_index(code: str | None) -> int | None:
    """Position of a language in a selectbox; None (empty) for one a billing tool sent us."""
    return LANGUAGES.index(code) if code in LANGUAGES else None


def seen_version(contact: Contact) -> int:
    """The version of ``contact`` when this person's form first showed it: saves and deletes send
    it, and the core refuses them when someone else saved the contact since. Until then the form
    keeps what this person typed; "Reload" shows the other person's version."""
    key = f"c{contact.id}_seen"
    seen = int(st.session_state.setdefault(key, contact.version))
    if seen != contact.version:
        st.warning(t("contact.stale"))
        if st.button(t("contact.reload"), key=f"c{contact.id}_reload"):
            prefix = f"c{contact.id}_"
            for name in [k for k in st.session_state if str(k).startswith(prefix)]:
                del st.session_state[name]
            st.rerun()
    return seen


def saved_version(contact: Contact) -> None:
    """After this person's own save: the form now edits that version."""
    st.session_state[f"c{contact.id}_seen"] = contact.version
