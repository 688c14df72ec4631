"""Who can receive a reminder (domain.md §5–6).

A contact can be reminded when its e-mail is valid (never hard-bounced) and it is not marked
"do not contact". "Copy only" contacts are reachable: they go in CC, and never receive a reminder alone (a
reminder needs a main contact, ``can_be_addressed``). This is the one definition;
the SQL filter of storage (``models.reachable_contact``) and every screen use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from billabex_core.domain.enums import ContactUsage

# Usages that take a contact out of every reminder.
UNREACHABLE_USAGES: tuple[ContactUsage, ...] = (ContactUsage.DO_NOT_CONTACT,)


class ContactLike(Protocol):
    @property
    def is_valid(self) -> bool: ...

    @property
    def usage(self) -> ContactUsage: ...


def can_be_reminded(contact: ContactLike) -> bool:
    return bool(contact.is_valid) and contact.usage not in UNREACHABLE_USAGES


def has_reachable_contact(contacts: Iterable[ContactLike]) -> bool:
    return any(can_be_reminded(c) for c in contacts)


def can_be_addressed(contact: ContactLike) -> bool:
    """A reminder can be addressed to this contact (To): reachable and not "copy only"."""
    return can_be_reminded(contact) and contact.usage != ContactUsage.COPY_ONLY


def has_main_contact(contacts: Iterable[ContactLike]) -> bool:
    return any(can_be_addressed(c) for c in contacts)
