"""Communications screen through AppTest: empty state, list, filters, reading one."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import Communication, CommunicationStatus, Tone
from billabex_core.services.accounts import create_account


def seed() -> None:
    with session_scope() as s:
        globex = create_account(session=s, name="Globex", actor="t")
        initech = create_account(session=s, name="Initech", actor="t")
        s.add_all(
            [
                Communication(
                    account_id=globex.id,  # type: ignore[arg-type]
                    step_key="globex-1",
                    scheduled_for=date(2026, 3, 3),
                    tone=Tone.COURTEOUS,
                    language="fr",
                    recipients=["ap@globex.com"],
                    cc=["cfo@globex.com"],
                    subject="Rappel facture F-1",
                    body="Bonjour, sauf erreur de notre part...",
                ),
                Communication(
                    account_id=initech.id,  # type: ignore[arg-type]
                    step_key="initech-1",
                    scheduled_for=date(2026, 2, 20),
                    status=CommunicationStatus.FAILED,
                    tone=Tone.FIRM,
                    language="en",
                    recipients=["ap@initech.com"],
                    subject="Overdue invoices",
                    body="Dear customer...",
                    error="550 mailbox unavailable",
                ),
            ]
        )


def infos(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.info, *at.error, *at.caption])


def test_empty_state_explains_where_communications_come_from(app) -> None:  # type: ignore[no-untyped-def]
    at = app("pages/communications.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "Communications"
    assert "No communication yet" in infos(at)
    assert not at.dataframe


def test_list_filters_and_reading(app) -> None:  # type: ignore[no-untyped-def]
    seed()
    at = app("pages/communications.py")
    frame = at.dataframe[0].value
    assert list(frame["Account"]) == ["Globex", "Initech"]  # latest scheduled first
    assert list(frame["To"]) == ["ap@globex.com", "ap@initech.com"]
    assert list(frame["Cc"]) == ["cfo@globex.com", ""]
    assert "Bonjour, sauf erreur de notre part..." in [t.value for t in at.text]
    with session_scope() as s:
        failed_id = s.exec(select(Communication.id).where(Communication.step_key == "initech-1")).one()
    at.selectbox(key="com_read").set_value(failed_id).run()
    assert "Delivery failed: 550 mailbox unavailable" in infos(at)
    at.multiselect(key="com_status").set_value([CommunicationStatus.FAILED]).run()
    assert list(at.dataframe[0].value["Account"]) == ["Initech"]
    at.multiselect(key="com_status").set_value([])
    at.multiselect(key="com_tone").set_value([Tone.COURTEOUS]).run()
    assert list(at.dataframe[0].value["Subject"]) == ["Rappel facture F-1"]
    at.multiselect(key="com_tone").set_value([])
    at.multiselect(key="com_lang").set_value(["en"]).run()
    assert list(at.dataframe[0].value["Language"]) == ["en"]
    at.multiselect(key="com_lang").set_value([])
    at.text_input(key="com_account_search").input("globex").run()
    assert list(at.dataframe[0].value["Account"]) == ["Globex"]
    at.text_input(key="com_account_search").input("nobody").run()
    assert "No communication matches these filters." in infos(at)
