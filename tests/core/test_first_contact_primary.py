"""The first contact added to an account is its primary contact (docs/screens.md), even when the
form's "Primary contact" box was left unticked — the account page sends ``is_primary=False``."""

from __future__ import annotations

from billabex_core.services.contacts import add_contact, list_contacts


def test_first_contact_is_primary_even_unticked(session, account, today) -> None:
    first = add_contact(
        session=session,
        account_id=account.id,
        email="compta@acme.example",
        language="fr",
        actor="alice",
        today=today,
        is_primary=False,
    )
    second = add_contact(
        session=session,
        account_id=account.id,
        email="dg@acme.example",
        language="fr",
        actor="alice",
        today=today,
        is_primary=False,
    )
    session.commit()
    assert first.is_primary and not second.is_primary
    assert [c.is_primary for c in list_contacts(session=session, account_id=account.id)] == [True, False]
