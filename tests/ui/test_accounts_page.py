"""Accounts screen through AppTest: list (search, sort, pagination), detail, contacts, referents, pause."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import AuditEvent, Contact, Referent, Task, TaskKind, TaskStatus
from billabex_core.services.accounts import create_account, get_account
from billabex_core.services.contacts import add_contact, mark_invalid
from billabex_core.services.documents import DocumentInput, create_manual_document
from tests.ui.rows import click_row

TODAY = date(2026, 3, 2)


def seed_account(name: str = "Globex", *, contact: bool = False, **fields: object) -> int:
    with session_scope() as s:
        acc = create_account(session=s, name=name, actor="t", **fields)
        create_manual_document(
            session=s,
            account=acc,
            actor="t",
            today=TODAY,
            data=DocumentInput(
                kind="invoice",
                number=f"F-{name}",
                issue_date=date(2026, 1, 1),
                due_date=date(2026, 1, 31),
                currency="EUR",
                total_excl_tax=Decimal("100"),
                tax_amount=Decimal("20"),
                total_incl_tax=Decimal("120"),
            ),
        )
        if contact:
            add_contact(
                session=s, account_id=acc.id, email="ap@globex.com", language="en", actor="t", today=TODAY
            )
        return acc.id  # type: ignore[return-value]


def open_account(app, account_id: int) -> AppTest:  # type: ignore[no-untyped-def]
    at = app("pages/accounts.py")
    at.query_params["account"] = str(account_id)
    at.run()
    assert not at.exception, at.exception
    return at


def messages(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.success, *at.error, *at.warning, *at.info])


def test_list_shows_accounts_with_figures(app) -> None:  # type: ignore[no-untyped-def]
    seed_account("Globex")
    at = app("pages/accounts.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "Accounts"
    frame = at.dataframe[0].value
    assert list(frame["Name"]) == ["Globex"]
    assert list(frame["Outstanding"]) == [120.0]  # a number: sorted as one, shown as €120.00
    assert list(frame["Overdue invoices"]) == [1]
    assert list(frame["Contacts"]) == [0]


def by_label(widgets, label: str):  # type: ignore[no-untyped-def]
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget labelled {label!r}: {[w.label for w in widgets]}"
    return found[0]


def test_search_sort_and_pagination(app) -> None:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        for i in range(55):
            create_account(session=s, name=f"Client {i:02d}", actor="t")
        create_account(session=s, name="Zeta Industries", actor="t", vat="FR40303265045", siren="732829320")
    at = app("pages/accounts.py")
    assert len(at.dataframe[0].value) == 50
    assert "Accounts 1–50 of 56" in [c.value for c in at.caption]
    at.number_input(key="acc_page").set_value(2).run()
    assert list(at.dataframe[0].value["Name"])[-1] == "Zeta Industries"
    assert len(at.dataframe[0].value) == 6
    at.selectbox(key="acc_sort").set_value("created").run()
    at.toggle(key="acc_desc_created").set_value(True).run()
    assert at.number_input(key="acc_page").value == 1  # a new sort starts at page 1
    assert list(at.dataframe[0].value["Name"])[:2] == ["Zeta Industries", "Client 54"]
    for term in ("zeta", "FR40303265045", "732 829"):
        at.text_input(key="acc_search").input(term).run()
        assert list(at.dataframe[0].value["Name"]) == ["Zeta Industries"], term
    at.text_input(key="acc_search").input("nothing like this").run()
    assert "No account matches." in messages(at)


def test_open_an_account_from_the_list_and_go_back(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex")
    at = app("pages/accounts.py")
    click_row(at, 0)  # a click on the account's row
    assert at.query_params["account"] == str(account_id)
    assert at.title[0].value == "Globex"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Outstanding balance"] == "€120.00" and metrics["Overdue invoices"] == "1"
    assert "No valid contact" in messages(at)
    at.button(key="back").click().run()
    assert at.title[0].value == "Accounts"


def test_unknown_account_shows_a_clear_error(app) -> None:  # type: ignore[no-untyped-def]
    at = open_account(app, 999)
    assert "account 999 does not exist" in messages(at)


def test_edit_manual_account_information(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex")
    at = open_account(app, account_id)
    by_label(at.text_input, "Name").input("Globex Corp")
    by_label(at.text_input, "Country (ISO, e.g. FR)").input("de")
    by_label(at.text_input, "SIREN").input("732829320")
    by_label(at.button, "Save information").click().run()
    assert "Account information saved." in messages(at)
    assert at.title[0].value == "Globex Corp"
    with session_scope() as s:
        acc = get_account(session=s, account_id=account_id)
        assert (acc.name, acc.country, acc.siren) == ("Globex Corp", "DE", "732829320")
    by_label(at.text_input, "SIREN").input("123")
    by_label(at.button, "Save information").click().run()
    assert "invalid SIREN" in messages(at)


def test_synced_account_is_read_only(app) -> None:  # type: ignore[no-untyped-def]
    from billabex_core.models import Source

    account_id = seed_account("Initech", source=Source.PENNYLANE)
    at = open_account(app, account_id)
    assert "edit it in the billing tool" in " ".join(c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Save information"]
    assert at.table  # information shown as a read-only table


def test_pause_and_resume_with_banner(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex")
    at = open_account(app, account_id)
    by_label(at.button, "⏸ Pause follow-ups").click().run()
    assert "say why the follow-ups are paused" in messages(at)
    by_label(at.text_input, "Reason").input("payment plan agreed")
    by_label(at.button, "⏸ Pause follow-ups").click().run()
    assert "Follow-ups are paused: payment plan agreed" in [w.value for w in at.warning]
    at.button(key="resume").click().run()
    assert "Follow-ups resumed." in messages(at)
    assert not [w for w in at.warning if "paused" in w.value]
    with session_scope() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.account_id == account_id)).all()
    assert "account.paused" in actions and "account.resumed" in actions


def test_add_contact_prefills_name_and_closes_missing_contact_task(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex")
    at = open_account(app, account_id)
    at.text_input(key="nc_email_0").input("comptabilite@globex.com").run()
    assert at.text_input(key="nc_name_0").value == "comptabilite"
    at.button(key="nc_add_0").click().run()
    assert "language is required" in messages(at)
    at.selectbox(key="nc_lang_0").set_value("fr")
    # a contact that receives reminders (a copy-only contact alone leaves the task open: domain.md §6b)
    at.selectbox(key="nc_0_usage").set_value("normal")
    at.button(key="nc_add_0").click().run()
    assert "Contact comptabilite added." in messages(at)
    assert at.text_input(key="nc_email_1").value == ""  # a fresh, empty form
    with session_scope() as s:
        contact = s.exec(select(Contact)).one()
        assert (contact.name, contact.language, contact.usage.value) == ("comptabilite", "fr", "normal")
        task = s.exec(select(Task).where(Task.kind == TaskKind.MISSING_CONTACT)).one()
        assert task.status == TaskStatus.CLOSED


def test_a_do_not_contact_contact_cannot_be_reminded(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex", contact=True)
    at = open_account(app, account_id)
    assert "No valid contact" not in messages(at)
    with session_scope() as s:
        contact_id = s.exec(select(Contact.id)).one()
    at.selectbox(key=f"c{contact_id}_usage").set_value("do_not_contact")
    by_label(at.button, "Save contact").click().run()
    assert "No valid contact" in messages(at)  # the domain's reachability rule, not a copy


def test_edit_and_delete_last_contact_reopens_a_task(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex", contact=True)
    with session_scope() as s:
        contact_id = s.exec(select(Contact.id)).one()
    at = open_account(app, account_id)
    at.text_input(key=f"c{contact_id}_name").input("Accounts payable")
    at.text_input(key=f"c{contact_id}_role").input("AP clerk")
    by_label(at.button, "Save contact").click().run()
    assert "Contact Accounts payable saved." in messages(at)
    by_label(at.button, "Delete contact").click().run()
    assert "Contact Accounts payable deleted." in messages(at)
    assert "No valid contact" in messages(at)
    with session_scope() as s:
        assert s.exec(select(Contact)).all() == []
        open_tasks = s.exec(select(Task).where(Task.status == TaskStatus.ACTION_REQUIRED)).all()
        assert [t.kind for t in open_tasks] == [TaskKind.MISSING_CONTACT]


def test_invalid_contact_is_marked_and_correcting_it_makes_it_valid(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex", contact=True)
    with session_scope() as s:
        contact_id = s.exec(select(Contact.id)).one()
        mark_invalid(session=s, contact_id=contact_id, reason="550 no such user", actor="agent", today=TODAY)
    at = open_account(app, account_id)
    assert any("INVALID" in e.label for e in at.expander)
    assert "550 no such user" in messages(at)
    at.text_input(key=f"c{contact_id}_email").input("billing@globex.com")
    by_label(at.button, "Save contact").click().run()
    assert "It is valid again." in messages(at)
    assert not any("INVALID" in e.label for e in at.expander)
    with session_scope() as s:
        contact = s.get(Contact, contact_id)
        assert contact is not None and contact.is_valid and contact.email == "billing@globex.com"
        task = s.exec(select(Task).where(Task.kind == TaskKind.INVALID_CONTACT)).one()
        assert task.status == TaskStatus.CLOSED


def test_referents_add_edit_delete(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex")
    at = open_account(app, account_id)
    at.text_input(key="r_new_name").input("Bob Credit")
    at.text_input(key="r_new_email").input("not-an-email")
    by_label(at.button, "Add referent").click().run()
    assert "invalid e-mail" in messages(at)
    at.text_input(key="r_new_email").input("bob@us.example")
    at.checkbox(key="r_new_primary").check()
    by_label(at.button, "Add referent").click().run()
    assert "Referent Bob Credit saved." in messages(at)
    with session_scope() as s:
        ref = s.exec(select(Referent)).one()
    assert ref.is_primary
    at.selectbox(key=f"r{ref.id}_lang").set_value("fr")
    by_label(at.button, "Save referent").click().run()
    with session_scope() as s:
        assert s.get(Referent, ref.id).language == "fr"  # type: ignore[union-attr]
    by_label(at.button, "Delete referent").click().run()
    assert "Referent Bob Credit deleted." in messages(at)
    with session_scope() as s:
        assert s.exec(select(Referent)).all() == []


def test_detail_tabs_and_opening_a_document(app) -> None:  # type: ignore[no-untyped-def]
    account_id = seed_account("Globex")
    at = open_account(app, account_id)
    labels = [t.label for t in at.tabs]
    assert labels[:4] == ["Information", "Contacts (0)", "Referents (0)", "Invoices (1)"]
    assert "History" in labels and "Payments (0)" in labels
    assert "account.created" in list(at.dataframe[-1].value["What"])  # the audit history
    click_row(at, 0, table=next(i for i, f in enumerate(at.dataframe) if f.key and "invoices" in f.key))
    assert not at.exception, at.exception
    assert at.title[0].value == "Invoice F-Globex"


def test_two_people_editing_one_contact_the_second_save_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    """Issue #18: alice opened the contact, bob saved it meanwhile; alice's save is refused with a
    clear message instead of overwriting bob's change; "Reload the contact" shows bob's version."""
    from billabex_core.services.contacts import update_contact

    account_id = seed_account("Globex", contact=True)
    with session_scope() as s:
        contact_id = s.exec(select(Contact.id)).one()
    at = open_account(app, account_id)
    with session_scope() as s:
        update_contact(session=s, contact_id=contact_id, actor="bob", role="CFO", today=TODAY)
    at.text_input(key=f"c{contact_id}_role").input("AP clerk")
    by_label(at.button, "Save contact").click().run()
    assert "was changed by someone else since you opened it" in messages(at)
    assert "Someone else saved this contact since you opened it" in messages(at)
    with session_scope() as s:
        assert s.get(Contact, contact_id).role == "CFO"  # type: ignore[union-attr]
    by_label(at.button, "Reload the contact").click().run()
    assert at.text_input(key=f"c{contact_id}_role").value == "CFO"
    assert "Someone else saved" not in messages(at)
    at.text_input(key=f"c{contact_id}_role").input("AP clerk")
    by_label(at.button, "Save contact").click().run()
    assert "Contact ap saved." in messages(at)
    with session_scope() as s:
        assert s.get(Contact, contact_id).role == "AP clerk"  # type: ignore[union-attr]
