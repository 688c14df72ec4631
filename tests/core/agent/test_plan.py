"""Business days and the follow-up plan rules (domain.md §6), as pure functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billabex_core.domain.business_days import is_business_day, shift
from billabex_core.domain.plan import (
    AccountState,
    OpenInvoice,
    Recipient,
    SentStep,
    has_main_recipient,
    interval_for_age,
    plan_account,
    tone_for_age,
)
from billabex_core.models import Tone

ALICE = Recipient(1, "Alice", "alice@acme.example", "fr", True, False)
COPY = Recipient(2, "Compta", "compta@acme.example", "fr", False, True)


def _state(
    *invoices: OpenInvoice, history=(), recipients=(ALICE,), paused=False, balance="100"
) -> AccountState:
    return AccountState(
        1, "ACME", "FR", "EUR", Decimal(balance), paused, tuple(invoices), tuple(recipients), tuple(history)
    )


def _inv(i: int, due: date, arrived: date = date(2026, 1, 1), currency: str = "EUR") -> OpenInvoice:
    return OpenInvoice(i, f"F-{i}", due, arrived, Decimal("100"), currency)


def test_the_spec_example() -> None:
    """Due Monday 2026-03-16 in France → courteous reminder on Wednesday 2026-03-11."""
    assert shift(date(2026, 3, 16), -3, "FR") == date(2026, 3, 11)


def test_holidays_of_the_country() -> None:
    assert not is_business_day(date(2026, 5, 1), "FR")  # Labour Day, a Friday
    assert shift(date(2026, 4, 30), 1, "FR") == date(2026, 5, 4)
    assert shift(date(2026, 4, 30), 1, "GB") == date(2026, 5, 1)  # not a holiday there


@pytest.mark.parametrize(
    ("age", "n", "tone"),
    [
        (0, 10, Tone.COURTEOUS),
        (30, 10, Tone.COURTEOUS),
        (31, 5, Tone.PROFESSIONAL),
        (60, 5, Tone.PROFESSIONAL),
        (61, 3, Tone.FIRM),
    ],
)
def test_intervals_and_tones(age: int, n: int, tone: Tone) -> None:
    assert interval_for_age(age) == n and tone_for_age(age) == tone


def test_pre_due_reminder() -> None:
    plan = plan_account(_state(_inv(7, date(2026, 3, 16))), today=date(2026, 3, 2), pre_due_days=3)
    assert [(m.step_key, m.scheduled_for, m.tone, m.overdue) for m in plan] == [
        ("pre:7:2026-03-16", date(2026, 3, 11), Tone.COURTEOUS, False)
    ]


def test_no_pre_due_when_the_day_had_passed_on_arrival() -> None:
    plan = plan_account(
        _state(_inv(7, date(2026, 3, 16), arrived=date(2026, 3, 12))), today=date(2026, 3, 12), pre_due_days=3
    )
    assert [m for m in plan if not m.overdue] == []  # (its first overdue message is planned: see below)


def test_overdue_first_then_next_by_age() -> None:
    inv = _inv(3, date(2026, 1, 30))  # a Friday
    first = plan_account(_state(inv), today=date(2026, 2, 1), pre_due_days=3)
    assert [(m.step_key, m.scheduled_for) for m in first] == [("overdue:1:1", date(2026, 2, 2))]
    sent = SentStep("overdue:1:1", date(2026, 2, 2), True)
    second = plan_account(_state(inv, history=(sent,)), today=date(2026, 2, 3), pre_due_days=3)
    assert [(m.step_key, m.scheduled_for) for m in second] == [("overdue:1:2", date(2026, 2, 16))]  # +10
    later = SentStep("overdue:1:2", date(2026, 3, 10), True)  # age 39 → +5 business days
    third = plan_account(_state(inv, history=(sent, later)), today=date(2026, 3, 11), pre_due_days=3)
    assert [(m.step_key, m.scheduled_for, m.tone) for m in third] == [
        ("overdue:1:3", date(2026, 3, 17), Tone.PROFESSIONAL)
    ]


def test_one_message_groups_all_overdue_invoices() -> None:
    plan = plan_account(
        _state(_inv(1, date(2026, 1, 10)), _inv(2, date(2026, 2, 10)), _inv(3, date(2026, 4, 1))),
        today=date(2026, 3, 2),
        pre_due_days=3,
    )
    overdue = [m for m in plan if m.overdue]
    assert len(overdue) == 1 and overdue[0].invoice_ids == (1, 2)
    assert (
        overdue[0].tone == Tone.PROFESSIONAL
    )  # a catch-up is written as of today: the oldest is 51 days late
    assert [m.step_key for m in plan if not m.overdue] == ["pre:3:2026-04-01"]


@pytest.mark.parametrize("change", [{"paused": True}, {"balance": "0"}, {"recipients": ()}])
def test_inactive_accounts_get_nothing(change) -> None:
    assert (
        plan_account(_state(_inv(1, date(2026, 1, 10)), **change), today=date(2026, 3, 2), pre_due_days=3)
        == []
    )


def test_recipients_primary_first_copy_only_in_cc() -> None:
    other = Recipient(3, "Bob", "bob@acme.example", "en", False, False)
    plan = plan_account(
        _state(_inv(1, date(2026, 1, 10)), recipients=(other, COPY, ALICE)),
        today=date(2026, 3, 2),
        pre_due_days=3,
    )
    assert [r.email for r in plan[0].to] == ["alice@acme.example", "bob@acme.example"]
    assert [r.email for r in plan[0].cc] == ["compta@acme.example"]


def test_only_invoices_in_the_account_currency() -> None:
    """One currency per message (domain.md §6b): another currency is never listed nor pre-due-reminded."""
    plan = plan_account(
        _state(
            _inv(1, date(2026, 1, 10), currency="USD"),
            _inv(2, date(2026, 2, 10)),
            _inv(3, date(2026, 4, 1), currency="USD"),
        ),
        today=date(2026, 3, 2),
        pre_due_days=3,
    )
    assert [(m.step_key, m.invoice_ids) for m in plan] == [("overdue:1:1", (2,))]
    # A catch-up, dated the run day (issue #12); its tone is by the oldest EUR invoice (20 days
    # late: courteous), not by the USD one (51 days: it would be professional).
    assert (plan[0].scheduled_for, plan[0].tone) == (date(2026, 3, 2), Tone.COURTEOUS)


# -- issue #12: dates never in the past, the customer's calendar, the next message always exists --


def test_a_first_run_on_a_long_overdue_account_plans_one_first_message_dated_today() -> None:
    """The reported bug: an account 200 days overdue and never reminded got a message dated months
    ago in "final notice" wording. Now: one message, dated the run day, a first message."""
    today = date(2026, 3, 2)
    plan = plan_account(_state(_inv(1, date(2025, 8, 14))), today=today, pre_due_days=3)
    assert [(m.step_key, m.scheduled_for, m.follow_up, m.tone) for m in plan] == [
        ("overdue:1:1", today, False, Tone.FIRM)
    ]


def test_a_message_waits_for_a_business_day_of_the_customer() -> None:
    """FR organisation, DE customer: Good Friday (2026-04-03) and Easter Monday are holidays there."""
    de = AccountState(
        1, "Muster GmbH", "DE", "EUR", Decimal("100"), False, (_inv(1, date(2026, 3, 31)),), (ALICE,)
    )
    due_day = plan_account(de, today=date(2026, 4, 1), pre_due_days=3)
    assert [m.scheduled_for for m in due_day] == [date(2026, 4, 1)]
    good_friday = plan_account(de, today=date(2026, 4, 3), pre_due_days=3)
    assert [m.scheduled_for for m in good_friday] == [date(2026, 4, 7)]  # not on the 3rd nor the 6th


def test_the_first_overdue_message_is_planned_when_the_pre_due_day_had_passed() -> None:
    plan = plan_account(
        _state(_inv(7, date(2026, 3, 16), arrived=date(2026, 3, 12))), today=date(2026, 3, 12), pre_due_days=3
    )
    assert [(m.step_key, m.scheduled_for, m.overdue, m.invoice_ids) for m in plan] == [
        ("overdue:1:1", date(2026, 3, 17), True, (7,))
    ]


def test_after_the_pre_due_reminder_the_first_overdue_message_is_planned() -> None:
    sent = SentStep("pre:7:2026-03-16", date(2026, 3, 11), False)
    plan = plan_account(
        _state(_inv(7, date(2026, 3, 16)), history=(sent,)), today=date(2026, 3, 11), pre_due_days=3
    )
    assert [(m.step_key, m.scheduled_for) for m in plan] == [("overdue:1:1", date(2026, 3, 17))]


def test_one_message_a_day_per_account() -> None:
    """Two reminders falling on the same day: the second goes out the next business day."""
    sent = SentStep("overdue:1:1", date(2026, 3, 2), True)
    plan = plan_account(
        _state(
            _inv(1, date(2026, 1, 10)), _inv(2, date(2026, 3, 5)), _inv(3, date(2026, 3, 5)), history=(sent,)
        ),
        today=date(2026, 3, 2),
        pre_due_days=3,
    )
    assert [(m.step_key, m.scheduled_for) for m in plan] == [
        ("pre:2:2026-03-05", date(2026, 3, 3)),
        ("pre:3:2026-03-05", date(2026, 3, 4)),
        ("overdue:1:2", date(2026, 3, 9)),  # 5 business days after the last one (51 days late)
    ]


def test_a_follow_up_only_after_a_message_that_reached_the_customer() -> None:
    inv = _inv(3, date(2026, 1, 30))
    lost = SentStep("overdue:1:1", date(2026, 2, 2), True, delivered=False)
    [after_lost] = plan_account(_state(inv, history=(lost,)), today=date(2026, 2, 17), pre_due_days=3)
    assert (after_lost.step_key, after_lost.follow_up) == ("overdue:1:2", False)
    got = SentStep("overdue:1:1", date(2026, 2, 2), True)
    [after_got] = plan_account(_state(inv, history=(got,)), today=date(2026, 2, 17), pre_due_days=3)
    assert after_got.follow_up


def test_only_copy_only_contacts_means_nothing_is_planned() -> None:
    assert (
        plan_account(
            _state(_inv(1, date(2026, 1, 10)), recipients=(COPY,)), today=date(2026, 3, 2), pre_due_days=3
        )
        == []
    )
    assert not has_main_recipient(_state(_inv(1, date(2026, 1, 10)), recipients=(COPY,)))


def test_without_a_primary_the_first_main_contact_is_to() -> None:
    bob = Recipient(3, "Bob", "bob@acme.example", "en", False, False)
    carol = Recipient(4, "Carol", "carol@acme.example", "en", False, False)
    [message] = plan_account(
        _state(_inv(1, date(2026, 1, 10)), recipients=(COPY, carol, bob)),
        today=date(2026, 3, 2),
        pre_due_days=3,
    )
    assert message.to[0] == bob and [r.email for r in message.cc] == ["compta@acme.example"]
