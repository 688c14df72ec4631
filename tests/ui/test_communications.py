"""Communications screen through AppTest: empty state, list, filters, reading one."""

from __future__ import annotations

from datetime import date

import pytest
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


# Reminders under the team's control (issue #13) ------------------------------------------------------

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from billabex_core.jobs.agent_run import run_agent  # noqa: E402
from billabex_core.models import AuditEvent, DocumentKind  # noqa: E402
from billabex_core.services.contacts import add_contact  # noqa: E402
from billabex_core.services.documents import DocumentInput, create_manual_document  # noqa: E402
from billabex_core.services.files import store_pdf  # noqa: E402
from billabex_core.services.org import set_setting  # noqa: E402
from billabex_core.services.users import add_user  # noqa: E402
from tests.ui.conftest import PASSWORD, ROOT, login  # noqa: E402

DAY = date(2026, 3, 2)  # BILLABEX_TODAY of the UI tests


def plan(
    *, approval: bool = False, accounts: tuple[str, ...] = ("Globex",), file: bytes | None = None
) -> list[int]:
    """Accounts each with an invoice 20 days late (stored as ``file`` when given) and two
    contacts; the agent planned them."""
    with session_scope() as s:
        set_setting(session=s, key="org.name", value="Dupont SAS", actor="t")
        set_setting(session=s, key="sender.email", value="ar@dupont.example", actor="t")
        if approval:
            set_setting(session=s, key="reminders.mode", value="approval", actor="t")
        for name in accounts:
            account = create_account(session=s, name=name, actor="t", country="FR")
            create_manual_document(
                session=s,
                account=account,
                data=DocumentInput(
                    kind=DocumentKind.INVOICE,
                    number=f"{name[:2].upper()}-1",
                    issue_date=DAY - timedelta(days=50),
                    due_date=DAY - timedelta(days=20),
                    currency="EUR",
                    total_excl_tax=Decimal("100.00"),
                    tax_amount=Decimal("20.00"),
                    total_incl_tax=Decimal("120.00"),
                ),
                actor="t",
                today=DAY - timedelta(days=60),
                file_sha256=store_pdf(file) if file else None,
                file_name="upload" if file else None,
            )
            for email in (f"ap@{name.lower()}.example", f"cfo@{name.lower()}.example"):
                add_contact(
                    session=s, account_id=account.id, email=email, language="fr", actor="t", today=DAY
                )
    run_agent(today=DAY)
    with session_scope() as s:
        return [c.id for c in s.exec(select(Communication).order_by(Communication.id))]


def row(comm_id: int) -> Communication:
    with session_scope() as s:
        found = s.get(Communication, comm_id)
        s.expunge(found)
        return found


def audited(action: str) -> list[str]:
    with session_scope() as s:
        return [e.actor for e in s.exec(select(AuditEvent).where(AuditEvent.action == action))]


def read(at: AppTest, comm_id: int) -> AppTest:
    return at.selectbox(key="com_read").set_value(comm_id).run()


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def successes(at: AppTest) -> str:
    return " ".join(str(e.value) for e in at.success)


def test_preview_shows_the_message_exactly_as_it_will_be_sent(app) -> None:  # type: ignore[no-untyped-def]
    [comm_id] = plan()
    at = read(app("pages/communications.py"), comm_id)
    message = row(comm_id)
    assert not at.exception, at.exception
    assert message.body in [t.value for t in at.text]
    captions = infos(at)
    assert (
        "From Dupont SAS (ar@dupont.example) · To ap@globex.example, cfo@globex.example · Courteous"
        in captions
    )
    assert "Invoices: GL-1 (due 10 Feb 2026, €120.00)" in captions
    assert f"**{message.subject}**" in [m.value for m in at.markdown]


@pytest.mark.parametrize(
    ("file", "name"),
    [(b"%PDF-1.4 GL-1", "GL-1.pdf"), (b'<?xml version="1.0"?><Invoice xmlns="urn:x"/>', "GL-1.xml")],
)
def test_the_attachment_is_listed_with_its_real_name(app, file: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    """An invoice imported as an XML e-invoice goes as ``<number>.xml`` (issue #15)."""
    [comm_id] = plan(file=file)
    at = read(app("pages/communications.py"), comm_id)
    assert not at.exception, at.exception
    assert f":material/attach_file: {name}" in [c.value for c in at.caption]


def test_approve_then_the_next_run_sends_it(app) -> None:  # type: ignore[no-untyped-def]
    [comm_id] = plan(approval=True)
    assert row(comm_id).status == CommunicationStatus.AWAITING_APPROVAL
    at = app("pages/communications.py")
    assert "1 message waits for a person's approval." in infos(at)
    at = read(at, comm_id)
    at.button(key="com_approve").click().run()
    assert "Approved: it goes out on 2 Mar 2026." in successes(at)
    assert (row(comm_id).status, row(comm_id).approved_by) == (CommunicationStatus.SCHEDULED, "alice")
    assert audited("communication.approved") == ["alice"]
    assert run_agent(today=DAY, send=True).sent == 1


def test_bulk_approve_approves_the_whole_filtered_list(app) -> None:  # type: ignore[no-untyped-def]
    ids = plan(approval=True, accounts=("Globex", "Initech", "Umbrella"))
    at = app("pages/communications.py")
    at.text_input(key="com_account_search").input("initech").run()
    at.button(key="com_bulk_approve").click().run()
    assert "1 message approved." in successes(at)
    assert [row(i).approved_by for i in ids] == [None, "alice", None]
    at.text_input(key="com_account_search").input("").run()
    at.button(key="com_bulk_approve").click().run()
    assert "2 messages approved." in successes(at)
    assert all(row(i).approved_by == "alice" for i in ids)


def test_skip_with_a_reason(app) -> None:  # type: ignore[no-untyped-def]
    [comm_id] = plan()
    at = read(app("pages/communications.py"), comm_id)
    at = click(at, "⏭ Skip this message")
    assert "say why this message is skipped" in " ".join(str(w.value) for w in at.warning)
    at.text_input(key=f"com_skip_reason_{comm_id}").input("promised by phone")
    at = click(at, "⏭ Skip this message")
    assert "Skipped: this step will not be planned again." in successes(at)
    skipped = row(comm_id)
    assert (skipped.status, skipped.skipped_by, skipped.skip_reason) == (
        CommunicationStatus.CANCELLED,
        "alice",
        "promised by phone",
    )
    assert audited("communication.skipped") == ["alice"]


def test_send_now_sends_once(app) -> None:  # type: ignore[no-untyped-def]
    [comm_id] = plan(approval=True)
    at = read(app("pages/communications.py"), comm_id)
    at.button(key="com_send_now").click().run()
    assert "Sent (outbox)." in successes(at)
    assert (row(comm_id).status, row(comm_id).channel) == (CommunicationStatus.SENT, "outbox")
    assert audited("communication.send_now") == ["alice"]
    at = read(at, comm_id)
    assert not [b for b in at.button if b.key == "com_send_now"]  # a sent message has no actions


def test_edit_date_recipients_subject_body(app) -> None:  # type: ignore[no-untyped-def]
    [comm_id] = plan()
    at = read(app("pages/communications.py"), comm_id)
    at.date_input(key=f"com_edit_date_{comm_id}").set_value(date(2026, 3, 6))
    at.multiselect(key=f"com_edit_to_{comm_id}").set_value(["cfo@globex.example"])
    at.multiselect(key=f"com_edit_cc_{comm_id}").set_value(["ap@globex.example"])
    at.text_input(key=f"com_edit_subject_{comm_id}").input("GL-1 : où en sommes-nous ?")
    at.text_area(key=f"com_edit_body_{comm_id}").input("Bonjour,\n\nUn mot sur GL-1.\n\nDupont SAS")
    at = click(at, "Save changes")
    assert "Message saved: the plan keeps your changes." in successes(at)
    edited = row(comm_id)
    assert (edited.scheduled_for, edited.recipients, edited.cc, edited.subject) == (
        date(2026, 3, 6),
        ["cfo@globex.example"],
        ["ap@globex.example"],
        "GL-1 : où en sommes-nous ?",
    )
    run_agent(today=DAY)
    assert row(comm_id).body == "Bonjour,\n\nUn mot sur GL-1.\n\nDupont SAS"  # the next plan keeps it
    at = read(at, comm_id)
    assert ":material/edit: Edited by alice: the plan keeps the changes" in infos(at)
    assert audited("communication.edited") == ["alice"]


def test_the_calendar_of_the_next_30_days(app) -> None:  # type: ignore[no-untyped-def]
    plan(approval=True, accounts=("Globex", "Initech"))
    with session_scope() as s:
        later = s.exec(select(Communication).order_by(Communication.id)).first()
        later.scheduled_for, later.status = date(2026, 3, 20), CommunicationStatus.SCHEDULED
        far = Communication(
            account_id=later.account_id,
            step_key="far",
            scheduled_for=date(2026, 4, 20),
            language="fr",
            subject="s",
            body="b",
        )
        s.add(far)
    at = app("pages/communications.py")
    frame = at.dataframe[1].value  # the list first, then the calendar
    assert list(frame["Day"]) == [date(2026, 3, 2), date(2026, 3, 20)]
    assert list(frame["Messages"]) == [1, 1] and list(frame["Awaiting approval"]) == [1, 0]
    assert list(frame["Accounts"]) == ["Initech", "Globex"]


def test_agent_status_and_run_now_for_administrators(app, ui_db) -> None:  # type: ignore[no-untyped-def]
    plan(approval=True)
    at = app("pages/communications.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Due today"] == "1" and metrics["Reminders mode"] == "Approval"
    assert metrics["Last agent run"] != "never"
    at.button(key="com_run_now").click().run()
    assert "Agent run as of 2 Mar 2026: 1 planned, 0 sent, 0 failed, 1 awaiting approval" in successes(at)
    assert audited("agent.run_now") == ["alice"]
    with session_scope() as s:
        add_user(
            session=s, username="bob", email="bob@example.com", name="Bob", password=PASSWORD, language="en"
        )
    member = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    login(member, "bob")
    member.switch_page("pages/communications.py")
    member.run()
    assert not member.exception and not [b for b in member.button if b.key == "com_run_now"]


def test_the_calendar_counts_in_sql_and_names_the_first_accounts(db) -> None:  # type: ignore[no-untyped-def]
    """Seven accounts due the same day, two of them already late: one row, five names."""
    from billabex_core.queries.communications import calendar, due_today

    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"]
    for i, name in enumerate(names):
        account = create_account(session=db, name=name, actor="t")
        db.add(
            Communication(
                account_id=account.id,
                step_key=f"k{i}",
                scheduled_for=DAY - timedelta(days=i % 3),  # some dated before today: counted today
                status=CommunicationStatus.AWAITING_APPROVAL if i < 2 else CommunicationStatus.SCHEDULED,
                held="held: the data of books are 30 h old (limit 24 h)" if i == 6 else None,
                language="fr",
                subject="s",
                body="b",
            )
        )
    db.commit()
    [today_row] = calendar(session=db, start=DAY)
    assert (today_row.day, today_row.messages, today_row.awaiting, today_row.held) == (DAY, 7, 2, 1)
    assert today_row.accounts == names[:5]
    due = due_today(session=db, today=DAY)
    assert (due.due, due.awaiting, due.held) == (7, 2, 1)


def test_a_click_on_a_row_reads_it_and_the_filters_are_in_the_url(app) -> None:  # type: ignore[no-untyped-def]
    """Issue #16: a click on a communication's row shows that message below; the filters make
    the URL (``?status=failed``), so a link reproduces the list."""
    from tests.ui.rows import click_row

    seed()
    at = app("pages/communications.py")
    accounts = list(at.dataframe[0].value["Account"])
    click_row(at, accounts.index("Initech"))  # the failed message
    assert "Delivery failed: 550 mailbox unavailable" in infos(at)
    at.multiselect(key="com_status").set_value([CommunicationStatus.FAILED]).run()
    link = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert link == {"status": "failed"}
    fresh = app("pages/communications.py")
    fresh.query_params["status"] = "failed"
    fresh.run()
    assert list(fresh.dataframe[0].value["Account"]) == ["Initech"]
