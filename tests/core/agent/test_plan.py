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
    assert plan == []


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
    assert plan[0].scheduled_for == date(2026, 2, 11)  # after the oldest invoice in EUR
