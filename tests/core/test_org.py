"""Organisation settings: every value checked and normalised before anything is written."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from billabex_core.errors import ValidationError
from billabex_core.models import AuditEvent
from billabex_core.services.org import get_organisation, update_organisation


def test_settings_are_normalised_and_audited(session: Session) -> None:
    org = update_organisation(
        session=session,
        actor="alice",
        name="  Billabex   SAS ",
        country="fr",
        default_currency="usd",
        default_language="en",
        payment_terms_days="45",
        pre_due_business_days=2,
        siren="732 829 320",
        sender_email="",
    )
    session.commit()
    assert (org.name, org.country, org.default_currency, org.default_language) == (
        "Billabex SAS",
        "FR",
        "USD",
        "en",
    )
    assert (org.payment_terms_days, org.pre_due_business_days, org.siren, org.sender_email) == (
        45,
        2,
        "732829320",
        None,
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "organisation.updated")).one()
    assert event.details["after"]["payment_terms_days"] == 45 and event.details["before"]["country"] == "FR"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "France"}, "country"),
        ({"default_currency": "EURO"}, "default_currency"),
        ({"default_language": "xx"}, "default_language"),
        ({"payment_terms_days": 366}, "payment_terms_days"),
        ({"pre_due_business_days": "three"}, "pre_due_business_days"),
        ({"sender_email": "not-an-email"}, "sender_email"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_value_changes_nothing(session: Session, changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        update_organisation(session=session, actor="alice", name="Renamed", **changes)
    assert info.value.field == field
    assert get_organisation(session=session).name == ""
