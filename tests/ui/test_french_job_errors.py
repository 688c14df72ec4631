"""A job's last error in the user's language (issue #16): the agent joins up to three errors with
"; ", each read back on its own; an error the core did not word (a mail server's) is shown as
written."""

from __future__ import annotations

import pytest

from billabex_core.jobs.agent_run import UNSIGNED
from billabex_ui import i18n
from billabex_ui.feedback import stored_errors


def test_the_agents_errors_read_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "language", lambda: "fr")
    joined = "; ".join([UNSIGNED.format(), "a1: not sent yet: SMTPError: 451 try later", "3 failed"])
    assert stored_errors(joined, markdown=False) == (
        "rien n'est envoyé : le nom de l'organisation (org.name) signe chaque relance et n'est pas renseigné; "
        "a1: not sent yet: SMTPError: 451 try later; 3 failed"  # "{count} failed" would read any "X failed"
    )


def test_the_stored_error_is_unchanged() -> None:
    assert (
        UNSIGNED.format()
        == "nothing sent: the organisation's name (org.name) signs every reminder and is not set"
    )
