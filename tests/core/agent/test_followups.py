"""The agent's reads (``queries.followups``) and writes (``services.communications``) on a database."""

from __future__ import annotations

from datetime import date

from billabex_core.domain.plan import plan_account
from billabex_core.models import CommunicationStatus
from billabex_core.queries import followups
from billabex_core.services import communications
from billabex_core.services.contacts import add_contact
from billabex_core.services.org import get_organisation


def _contact(session, account, email: str, usage: str = "normal") -> None:
    add_contact(
        session=session,
        account_id=account.id,
        email=email,
        language="en",
        actor="t",
        usage=usage,
        today=date(2026, 1, 2),
    )


def test_account_state_reads_reachable_recipients_and_currency(session, account, add_document) -> None:
    add_document(account, "F-1", "120.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    _contact(session, account, "ap@acme.example")
    _contact(session, account, "cfo@acme.example", usage="copy_only")
    _contact(session, account, "ceo@acme.example", usage="do_not_contact")
    session.commit()
    [state] = followups.account_states(session=session, today=date(2026, 2, 2), org_country="FR")
    assert (state.country, state.currency, [i.number for i in state.invoices]) == ("FR", "EUR", ["F-1"])
    assert sorted((r.email, r.copy_only) for r in state.recipients) == [
        ("ap@acme.example", False),
        ("cfo@acme.example", True),
    ]


def test_a_row_is_claimed_once(session, account, add_document) -> None:
    add_document(account, "F-1", "120.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    _contact(session, account, "ap@acme.example")
    session.commit()
    [state] = followups.account_states(session=session, today=date(2026, 2, 2), org_country="FR")
    plan = [(state, m) for m in plan_account(state, today=date(2026, 2, 2), pre_due_days=3)]
    org = get_organisation(session=session)
    assert communications.store_plan(session=session, plan=plan, org=org) == communications.PlanCounts(1, 0)
    session.commit()
    [comm_id] = followups.due_communications(session=session, today=date(2026, 2, 2), org_country="FR")
    assert communications.claim(session=session, communication_id=comm_id)
    assert not communications.claim(session=session, communication_id=comm_id)
    assert followups.due_communications(session=session, today=date(2026, 2, 2), org_country="FR") == []
    assert communications.fail_interrupted(session=session) == 1
    session.commit()
    assert followups.outgoing(session=session, communication_id=comm_id).recipients == ["ap@acme.example"]
    row = communications.reschedule(session=session, communication_id=comm_id, error="x" * 2000)
    assert row.status == CommunicationStatus.SCHEDULED and len(row.error) == communications.ERROR_LENGTH
