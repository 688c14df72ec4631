"""Settings → Reminders through AppTest (issue #13): the mode, IBAN/BIC, the payment reference and
the freshness limit, checked by the core and audited."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.services.org import get_organisation


def _save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save reminder settings").click()
    return at.run()


def test_reminder_settings(app) -> None:  # type: ignore[no-untyped-def]
    at = app("pages/settings.py")
    assert not at.exception, at.exception
    at.radio(key="set_reminders_mode").set_value("approval")
    at.text_input(key="set_iban").input("FR76 3000 6000 0112 3456 7890 188")  # bad checksum
    at = _save(at)
    assert "invalid IBAN" in " ".join(str(w.value) for w in at.warning)
    at.text_input(key="set_iban").input("FR76 3000 6000 0112 3456 7890 189")
    at.text_input(key="set_bic").input("AGRIFRPP")
    at.text_input(key="set_payment_reference").input("Client {invoice}")
    at.number_input(key="set_freshness_hours").set_value(12)
    at = _save(at)
    assert "Reminder settings saved." in " ".join(str(s.value) for s in at.success)
    with session_scope() as s:
        org = get_organisation(session=s)
        assert (org.reminders_mode, org.iban, org.bic, org.payment_reference, org.freshness_hours) == (
            "approval",
            "FR7630006000011234567890189",
            "AGRIFRPP",
            "Client {invoice}",
            12,
        )
