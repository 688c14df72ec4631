"""A database where every text that comes from outside — documents, providers, people — is a
markdown image pointing at ``127.0.0.1:9``: if any screen rendered one as markdown, the browser
would fetch that address. Used by the AppTest and the Chromium escaping tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billabex_core.db.engine import session_scope
from billabex_core.models import Communication, CommunicationStatus, Contact, Integration, TaskKind, Tone
from billabex_core.services.accounts import create_account, set_paused
from billabex_core.services.contacts import add_contact, save_referent
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.integrations import add_integration
from billabex_core.services.payments import record_payment
from billabex_core.services.tasks import open_task
from billabex_core.services.users import add_user

TARGET = "http://127.0.0.1:9"
RAW = f"]({TARGET}"  # what an unescaped markdown image or link carries


def evil(what: str) -> str:
    return f"![{what}]({TARGET}/{what}) <img src={TARGET}/{what}-html>"


def seed_hostile(url: str | None = None, *, password: str) -> dict[str, int]:
    """An account, its contact, referent, invoice, payment, task, communication and an
    integration, all named hostile; and the admin login ``eve`` whose own name is hostile."""
    with session_scope(url) as s:
        add_user(
            session=s,
            username="eve",
            email="eve@example.com",
            name=evil("eve"),
            password=password,
            admin=True,
            language="en",
        )
        account = create_account(session=s, name=evil("account"), actor="t")
        set_paused(session=s, account_id=account.id or 0, paused=True, reason=evil("reason"), actor="t")
        contact = add_contact(
            session=s,
            account_id=account.id or 0,
            email="x@example.com",
            name=evil("contact"),
            language="fr",
            actor="t",
        )
        save_referent(
            session=s,
            account_id=account.id or 0,
            name=evil("referent"),
            email="r@example.com",
            language="fr",
            actor="t",
        )
        doc = create_manual_document(  # .document below
            session=s,
            account=account,
            actor="t",
            today=date(2026, 3, 2),
            data=DocumentInput(
                kind="invoice",
                number="F-1",
                issue_date=date(2026, 1, 1),
                due_date=date(2026, 1, 31),
                currency="EUR",
                total_excl_tax=Decimal("100"),
                tax_amount=Decimal("20"),
                total_incl_tax=Decimal("120"),
            ),
        )
        record_payment(
            session=s,
            document_id=doc.document.id or 0,
            amount="20",
            paid_on=date(2026, 2, 1),
            note=evil("note"),
            actor="t",
        )
        task = open_task(
            session=s,
            kind=TaskKind.DISPUTE,
            subject=evil("subject"),
            message=evil("message"),
            account_id=account.id,
            actor="t",
        )
        s.add(
            Communication(
                account_id=account.id or 0,
                step_key="hostile-1",
                scheduled_for=date(2026, 3, 2),
                status=CommunicationStatus.FAILED,
                tone=Tone.COURTEOUS,
                language="fr",
                recipients=["x@example.com"],
                subject=evil("mail-subject"),
                body=evil("body"),
                error=evil("smtp-error"),
            )
        )
        view = add_integration(
            session=s,
            provider="pennylane",
            name=evil("integration")[:100],
            config={"api_token": "t", "base_url": "http://127.0.0.1:9/api"},
            actor="cli",
        )
        integration = s.get(Integration, view.id)
        assert integration is not None
        integration.last_error = evil("provider-error")
        bad = s.get(Contact, contact.id)
        assert bad is not None
        bad.is_valid, bad.invalid_reason = False, evil("bounce")
        s.flush()
        return {"account": account.id or 0, "document": doc.document.id or 0, "task": task.id or 0}


def seed_hostile_draft(url: str | None = None) -> int:
    """A draft waiting for review whose file name, extracted values, warnings, "paid" stamp and
    credited invoice all come from a hostile document; its buyer is the hostile account (the
    Review's account choice names it). Returns the draft id."""
    from pathlib import Path

    from billabex_core.models import ImportDraft
    from billabex_core.services.imports import upload_pdf

    pdf = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "fr_invoice.pdf"
    with session_scope(url) as s:
        draft = upload_pdf(session=s, data=pdf.read_bytes(), file_name=evil("file") + ".pdf", actor="t").draft
        assert draft is not None
        row = s.get(ImportDraft, draft.id)
        assert row is not None
        fields = dict(row.extraction.get("fields", {}))
        for name in ("number", "buyer_name", "seller_name", "buyer_address", "credited_invoice_number"):
            fields[name] = {**(fields.get(name) or {}), "value": evil(f"read-{name}"), "confidence": 0.4}
        row.extraction = {
            **row.extraction,
            "fields": fields,
            "paid": {"text": evil("stamp"), "paid_on": None},
        }
        row.values = {
            **row.values,
            "number": evil("number"),
            "buyer_name": evil("account"),
            "seller_name": evil("seller"),
            "credited_invoice_number": evil("credited"),
        }
        row.warnings = [evil("warning")]
        s.flush()
        return draft.id or 0
