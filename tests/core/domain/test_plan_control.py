"""Property tests of the rules by which people steer the plan (domain.md §6b): promises to pay hold
an invoice, a skipped step is never planned again, a person's date is kept, approval mode makes a
due message wait, and data older than the limit (wall clock) hold an integration's accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billabex_core.domain.business_days import is_business_day, on_or_after, shift
from billabex_core.domain.enums import CommunicationStatus
from billabex_core.domain.plan import (
    AccountState,
    OpenInvoice,
    Recipient,
    SentStep,
    plan_account,
    planned_status,
    promise_resume_day,
    stale_reason,
)

START = date(2025, 1, 1)
days = st.integers(0, 2 * 365).map(lambda d: START + timedelta(days=d))
countries = st.sampled_from(["FR", "DE", "GB", "ES", "BE"])
MAIN = Recipient(1, "Alice", "alice@acme.example", "fr", True, False)


def _state(country: str, invoices, history=(), pinned=None) -> AccountState:  # type: ignore[no-untyped-def]
    return AccountState(
        1,
        "ACME",
        country,
        "EUR",
        Decimal("10.00"),
        False,
        tuple(invoices),
        (MAIN,),
        tuple(history),
        pinned or {},
    )


@st.composite
def promised(draw: st.DrawFn) -> tuple[AccountState, date]:
    today = draw(days)
    country = draw(countries)
    invoices = []
    for i in range(1, draw(st.integers(1, 4)) + 1):
        due = today + timedelta(days=draw(st.integers(-120, 40)))
        held = None
        if draw(st.booleans()):
            held = promise_resume_day(today + timedelta(days=draw(st.integers(-10, 40))), country)
        invoices.append(
            OpenInvoice(i, f"F-{i}", due, min(today, due - timedelta(days=40)), Decimal("5"), "EUR", held)
        )
    return _state(country, invoices), today


@settings(max_examples=300, deadline=None)
@given(case=promised(), pre_due=st.integers(0, 5))
def test_a_promise_holds_its_invoice_until_two_business_days_after_the_date(
    case: tuple[AccountState, date], pre_due: int
) -> None:
    state, today = case
    plan = plan_account(state, today=today, pre_due_days=pre_due)
    assert plan  # reminders resume after the promise: the next message always exists
    invoices = {i.id: i for i in state.invoices}
    for message in plan:
        assert message.invoice_ids
        for invoice_id in message.invoice_ids:
            assert not invoices[invoice_id].held_on(message.scheduled_for)


def test_the_resume_day_is_the_promised_date_plus_two_business_days() -> None:
    assert promise_resume_day(date(2026, 3, 13), "FR") == date(2026, 3, 17)  # Friday → Tuesday
    invoice = OpenInvoice(
        1, "F-1", date(2026, 2, 1), date(2026, 1, 1), Decimal("5"), "EUR", date(2026, 3, 17)
    )
    [message] = plan_account(_state("FR", [invoice]), today=date(2026, 3, 2), pre_due_days=3)
    assert message.scheduled_for == date(2026, 3, 17) and message.invoice_ids == (1,)


@settings(max_examples=200, deadline=None)
@given(today=days, country=countries, late=st.integers(1, 200), skips=st.integers(1, 3))
def test_a_skipped_step_is_never_planned_again(today: date, country: str, late: int, skips: int) -> None:
    invoice = OpenInvoice(1, "F-1", today - timedelta(days=late), START, Decimal("5"), "EUR")
    history = []
    for n in range(1, skips + 1):
        [message] = plan_account(_state(country, [invoice], history), today=today, pre_due_days=3)
        assert message.step_key == f"overdue:1:{n}"
        history.append(SentStep(message.step_key, message.scheduled_for, True, False, skipped=True))
    [after] = plan_account(_state(country, [invoice], history), today=today, pre_due_days=3)
    assert after.step_key not in {s.step_key for s in history}
    assert not after.follow_up  # a skipped message never reached the customer


@settings(max_examples=200, deadline=None)
@given(today=days, country=countries, late=st.integers(1, 200), ahead=st.integers(0, 60))
def test_a_day_a_person_chose_is_kept(today: date, country: str, late: int, ahead: int) -> None:
    invoice = OpenInvoice(1, "F-1", today - timedelta(days=late), START, Decimal("5"), "EUR")
    [planned] = plan_account(_state(country, [invoice]), today=today, pre_due_days=3)
    chosen = today + timedelta(days=ahead)
    state = _state(country, [invoice], pinned={planned.step_key: chosen})
    [moved] = plan_account(state, today=today, pre_due_days=3)
    assert moved.step_key == planned.step_key
    assert moved.scheduled_for == on_or_after(max(chosen, invoice.due_date + timedelta(days=1)), country)
    assert is_business_day(moved.scheduled_for, country)


@given(due=days, today=days, approval=st.booleans(), approved=st.booleans())
def test_approval_mode_makes_an_unapproved_due_message_wait(
    due: date, today: date, approval: bool, approved: bool
) -> None:
    status = planned_status(scheduled_for=due, today=today, approval=approval, approved=approved)
    waits = approval and not approved and due <= today
    assert status == (CommunicationStatus.AWAITING_APPROVAL if waits else CommunicationStatus.SCHEDULED)


NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


@given(minutes=st.integers(0, 5 * 24 * 60), limit=st.integers(1, 72), failed=st.booleans())
def test_data_older_than_the_limit_or_a_failed_sync_hold_reminders(
    minutes: int, limit: int, failed: bool
) -> None:
    last = NOW - timedelta(minutes=minutes)
    reason = stale_reason(
        name="Pennylane", last_success_at=last, last_failed=failed, now=NOW, limit_hours=limit
    )
    assert (reason is None) == (not failed and minutes <= limit * 60)
    if reason:
        assert "Pennylane" in reason


def test_never_synced_is_not_fresh() -> None:
    assert stale_reason(name="Zoho", last_success_at=None, last_failed=False, now=NOW, limit_hours=24)


def test_the_promise_grace_counts_business_days_of_the_customer() -> None:
    assert (
        promise_resume_day(date(2026, 4, 30), "FR") == shift(date(2026, 4, 30), 2, "FR") == date(2026, 5, 5)
    )
