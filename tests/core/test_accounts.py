"""Accounts: creation checks and matching order (domain.md §2)."""

from __future__ import annotations

import pytest

from billabex_core.errors import ValidationError
from billabex_core.models import Source
from billabex_core.services.accounts import (
    create_account,
    match_account,
    normalise_name,
    set_paused,
    update_account,
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [("ACME S.A.S.", "acme"), ("  Acmé   sas ", "acme"), ("Müller GmbH & Co. KG", "muller"), ("SA", "sa")],
)
def test_normalise_name(raw: str, key: str) -> None:
    assert normalise_name(raw) == key


def test_match_order(session) -> None:
    by_name = create_account(session=session, name="Globex", actor="t")
    by_vat = create_account(session=session, name="Other", actor="t", vat="FR40 303 265 045")
    by_siren = create_account(session=session, name="Third", actor="t", siren="732 829 320")
    session.commit()
    assert by_vat.vat == "FR40303265045"
    m = match_account(session=session, name="Globex", vat="FR40303265045", siren="732829320")
    assert (m.account.id, m.method) == (by_siren.id, "siren")
    m = match_account(session=session, name="Globex", vat="FR40303265045")
    assert (m.account.id, m.method) == (by_vat.id, "vat")
    m = match_account(session=session, name="GLOBEX S.A.S")
    assert (m.account.id, m.method, m.exact) == (by_name.id, "name", True)
    m = match_account(session=session, name="Globexx Corporation")
    assert m is not None and m.method == "fuzzy" and not m.exact and 85 <= m.score < 100
    assert match_account(session=session, name="Initech") is None


def test_match_external_id(session) -> None:
    from billabex_core.models import Integration

    integ = Integration(name="pl", provider=Source.PENNYLANE, config_encrypted="x")
    session.add(integ)
    session.flush()
    acc = create_account(
        session=session,
        name="Synced",
        actor="sync",
        source=Source.PENNYLANE,
        integration_id=integ.id,
        external_id="42",
    )
    m = match_account(
        session=session, name="nothing alike", integration_id=integ.id, external_id="42", fuzzy=False
    )
    assert m.account.id == acc.id and m.method == "external_id"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vat", "FR41303265045"),
        ("siren", "123456789"),
        ("currency", "XYZ"),
        ("country", "France"),
        ("name", " "),
    ],
)
def test_invalid_fields_are_refused(session, field: str, value: str) -> None:
    kwargs = {"name": "Valid"} | {field: value}
    with pytest.raises(ValidationError) as info:
        create_account(session=session, actor="t", **kwargs)
    assert info.value.field == field


def test_synced_accounts_are_read_only(session) -> None:
    acc = create_account(
        session=session, name="Synced", actor="sync", source=Source.PENNYLANE, external_id="1"
    )
    with pytest.raises(ValidationError, match="synced from pennylane"):
        update_account(session=session, account_id=acc.id, actor="alice", name="New")


def test_pause_needs_a_reason(session, account) -> None:
    with pytest.raises(ValidationError):
        set_paused(session=session, account_id=account.id, paused=True, actor="a", reason="")
    set_paused(session=session, account_id=account.id, paused=True, actor="a", reason="customer in dispute")
    assert account.paused and account.paused_reason == "customer in dispute"
