"""Complete lists (docs/sync.md): a contact person deleted at the provider goes, unless a person
edited it here, then it stays as a hand-made contact (notes and all); the derived rows and
undeclared lists are left alone."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from billabex_core.connectors.records import ChildrenRecord, Entity
from billabex_core.db.engine import get_engine
from billabex_core.errors import ConflictError
from billabex_core.models import Contact, Document, Integration, Payment
from billabex_core.services.contacts import update_contact
from billabex_core.sync.apply import apply_page
from billabex_core.sync.mapping import SyncContext


def _contact(session: Session, external_id: str) -> Contact | None:
    session.expire_all()
    return session.exec(select(Contact).where(Contact.external_id == external_id)).first()


def test_a_deleted_contact_goes_unless_a_person_edited_it(session, sync, pennylane_sandbox) -> None:
    assert sync().ok
    people = [
        c for cid in pennylane_sandbox.customer_ids() for c in pennylane_sandbox.contacts(cid) if c["email"]
    ]
    edited, untouched = str(people[0]["id"]), str(people[1]["id"])
    row = _contact(session, edited)
    assert row is not None and _contact(session, untouched) is not None
    update_contact(session=session, contact_id=row.id, actor="alice", notes="Prefers calls on Monday")
    session.commit()
    pennylane_sandbox.delete_contact(int(edited))
    pennylane_sandbox.delete_contact(int(untouched))
    result = sync()
    assert result.ok and result.counts["contact"].deleted == 2
    assert _contact(session, untouched) is None
    kept = session.get(Contact, row.id)
    assert kept is not None and kept.notes == "Prefers calls on Monday"
    assert (kept.integration_id, kept.external_id) == (None, None)  # a hand-made contact now
    assert sync().counts["contact"].deleted == 0


def test_derived_rows_and_undeclared_lists_stay(session, sync, db_url, integration_id, today) -> None:
    assert sync().ok
    settled = session.exec(select(Payment).where(col(Payment.external_id).startswith("settled:"))).first()
    assert settled is not None, "the sandbox has invoices settled without payment rows"
    invoice = session.exec(select(Payment.document_id).where(Payment.id == settled.id)).one()
    doc = session.get(Document, invoice)
    integration = session.get(Integration, integration_id)
    assert doc is not None and integration is not None
    ctx = SyncContext(
        integration_id=integration_id,
        integration_name=integration.name,
        provider=integration.provider,
        default_currency="EUR",
        default_language="fr",
        payment_terms_days=30,
        today=today,
        complete_sets=frozenset({(Entity.PAYMENT, Entity.INVOICE)}),
    )
    everything_gone = [
        ChildrenRecord(Entity.PAYMENT, Entity.INVOICE, doc.external_id),
        ChildrenRecord(Entity.INVOICE, None, None),  # not declared: ignored
    ]
    with get_engine(db_url).begin() as conn:
        apply_page(conn, ctx, list(everything_gone), implied_applications=True)
    session.expire_all()
    assert session.get(Payment, settled.id) is not None  # the settlement line is the engine's
    assert session.get(Document, doc.id) is not None


def test_a_contact_changed_by_a_sync_refuses_a_form_opened_before(session, sync, pennylane_sandbox) -> None:
    """Issue #18: a person opened a synced contact, the sync then brought the billing tool's change:
    the person's save is refused (reload first), never overwriting what the sync wrote."""
    assert sync().ok
    person = next(
        c for cid in pennylane_sandbox.customer_ids() for c in pennylane_sandbox.contacts(cid) if c["email"]
    )
    row = _contact(session, str(person["id"]))
    assert row is not None
    opened = row.version
    pennylane_sandbox.update_contact(int(person["id"]), email="new.ap@example.com")
    assert sync().ok
    stored = _contact(session, str(person["id"]))
    assert stored is not None and stored.email == "new.ap@example.com" and stored.version == opened + 1
    with pytest.raises(ConflictError, match="changed by someone else"):
        update_contact(session=session, contact_id=row.id, actor="alice", version=opened, notes="n")
