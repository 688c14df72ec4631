"""The Zoho Books connector against the Zoho Books sandbox over real HTTP on 127.0.0.1, with
every exchange checked against Zoho's OpenAPI (the sandbox's contract mode)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from billabex_core.connectors.base import (
    AuthenticationError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RequestRejectedError,
)
from billabex_core.connectors.records import (
    AccountRecord,
    ChildrenRecord,
    ContactRecord,
    CreditApplicationRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
    Record,
)
from billabex_core.connectors.zoho_books import ZohoBooksConnector
from billabex_core.connectors.zoho_books_auth import ZohoOAuth
from billabex_core.connectors.zoho_books_config import validate_zoho_config
from billabex_core.connectors.zoho_books_http import QuotaExhaustedError
from billabex_core.connectors.zoho_books_mapping import timestamp
from billabex_core.errors import ValidationError
from billabex_sandbox import zoho_contract
from billabex_sandbox.zoho import ZohoSandbox
from tests.core.connectors.helpers import FakeSleep, connectors
from tests.core.connectors.helpers import walk as drain


@pytest.fixture
def zoho() -> Iterator[ZohoSandbox]:
    with ZohoSandbox(seed=5, customers=20, invoices=300, rate_limit=False, contract=True) as sandbox:
        yield sandbox
    assert sandbox.contract_violations == []


@pytest.fixture
def connect(zoho: ZohoSandbox, sleep: FakeSleep) -> Iterator[Any]:
    with connectors(
        lambda **config: ZohoBooksConnector(zoho.connector_config(**config), sleep=sleep)
    ) as make:
        yield make


def everything(connector: ZohoBooksConnector) -> tuple[dict[Entity, list[Record]], dict[Entity, str | None]]:
    records, cursors = {}, {}
    for entity in connector.ENTITIES:
        records[entity], cursors[entity] = drain(connector, entity)
    return records, cursors


def test_config_needs_the_oauth_keys_and_knows_the_data_centres() -> None:
    with pytest.raises(ValidationError, match="refresh_token"):
        validate_zoho_config({"client_id": "a", "client_secret": "b", "organization_id": "1"})
    clean = validate_zoho_config(
        {"client_id": "a", "client_secret": "b", "refresh_token": "c", "organization_id": 123}
    )
    assert clean["accounts_url"] == "https://accounts.zoho.eu"
    assert clean["api_url"] == "https://www.zohoapis.eu/books/v3" and clean["organization_id"] == "123"
    assert set(ZohoBooksConnector.DATA_CENTRES) >= {"eu", "com", "in", "com.au", "jp", "ca"}
    assert {"client_secret", "refresh_token"} == ZohoBooksConnector.SECRET_KEYS


def test_full_scan_reads_the_organisation_once_within_the_call_budget(zoho, connect) -> None:
    connector = connect()
    records, _ = everything(connector)
    accounts = {r.external_id for r in records[Entity.ACCOUNT] if isinstance(r, AccountRecord)}
    assert accounts == {str(i) for i in zoho.customer_ids()}  # customers only, never vendors
    assert not accounts & {str(i) for i in zoho.vendor_ids()}
    contacts = [r for r in records[Entity.ACCOUNT] if isinstance(r, ContactRecord)]
    assert len(contacts) == sum(len(zoho.data.contacts[i].persons) for i in zoho.customer_ids())
    languages = {zoho.data.contacts[int(c.account_external_id)].language for c in contacts}
    assert {c.language for c in contacts} == languages  # the contact's language_code
    invoices = [r for r in records[Entity.INVOICE] if isinstance(r, DocumentRecord)]
    assert sorted(int(r.external_id) for r in invoices) == sorted(zoho.invoice_ids())
    dropped = {int(r.external_id) for r in records[Entity.INVOICE] if isinstance(r, DeletionRecord)}
    assert dropped == {i.id for i in zoho.data.invoices.values() if i.state in ("draft", "void")}
    for record in invoices:
        invoice = zoho.data.invoices[int(record.external_id)]
        assert record.total_incl_tax == invoice.total and record.remaining_amount == zoho.data.balance(
            invoice
        )
    notes = [r for r in records[Entity.CREDIT_NOTE] if isinstance(r, DocumentRecord)]
    assert {int(r.external_id) for r in notes} == set(zoho.credit_note_ids())
    applications = [r for r in records[Entity.CREDIT_APPLICATION] if isinstance(r, CreditApplicationRecord)]
    assert len(applications) == sum(len(a) for a in zoho.data.applications.values())
    paid: dict[str, Decimal] = {}
    for record in records[Entity.PAYMENT]:
        if isinstance(record, PaymentRecord) and record.invoice_external_id:
            paid[record.invoice_external_id] = (
                paid.get(record.invoice_external_id, Decimal(0)) + record.amount
            )
    for invoice_id in zoho.invoice_ids():
        assert paid.get(str(invoice_id), 0) == zoho.data.paid(zoho.data.invoices[invoice_id])
    # List rows carry the documents; details only for customers, applied credit notes and the
    # payments whose row does not say what they paid: 300 invoices fit in one minute at 100/min.
    assert connector.requests <= 100, connector.requests
    assert zoho.token_requests == 1


def test_every_call_carries_the_organization_and_the_zoho_token(zoho, connect) -> None:
    drain(connect(), Entity.INVOICE)
    api_calls = [q for method, path, q in zoho.request_log if path.startswith("/books/v3")]
    assert api_calls and all(q.get("organization_id") == zoho.organization_id for q in api_calls)
    assert all(int(q.get("per_page", 1)) <= 200 for q in api_calls)


def test_incremental_reads_what_changed_and_a_third_run_nothing(zoho, connect) -> None:
    connector = connect()
    _, cursors = everything(connector)
    invoice_id = next(i for i in zoho.invoice_ids() if zoho.data.status(zoho.data.invoices[i]) == "overdue")
    payment_id = zoho.add_payment(invoice_id, "10.00")
    new_invoice = zoho.add_invoice(zoho.customer_ids()[0])
    customer = zoho.customer_ids()[1]
    zoho.update_customer(customer, name="Renamed SAS")
    later = connect()
    changed = {e: drain(later, e, cursors[e])[0] for e in later.ENTITIES}
    assert [r.name for r in changed[Entity.ACCOUNT] if isinstance(r, AccountRecord)] == ["Renamed SAS"]
    docs = {r.external_id: r for r in changed[Entity.INVOICE] if isinstance(r, DocumentRecord)}
    assert set(docs) == {str(invoice_id), str(new_invoice)}
    assert docs[str(invoice_id)].provider_status == "partially_paid"
    payments = [r for r in changed[Entity.PAYMENT] if isinstance(r, PaymentRecord)]
    assert [(p.external_id, p.amount) for p in payments] == [(f"{payment_id}:{invoice_id}", Decimal("10.00"))]
    assert later.requests <= 12, later.requests  # lists only, one customer detail


def test_a_customer_deleted_between_two_pages_hides_no_other(zoho, connect) -> None:
    connector = connect(page_size=5)
    walk = connector.pages(Entity.ACCOUNT, cursor=None)
    first = next(walk)
    seen = {r.external_id for r in first.records if isinstance(r, AccountRecord)}
    zoho.delete_customer(int(sorted(seen)[0]))
    rest = [r for page in walk for r in page.records if isinstance(r, AccountRecord)]
    assert {r.external_id for r in rest} | seen >= {str(i) for i in zoho.customer_ids()}


def test_a_walk_resumes_after_its_last_committed_page(zoho, connect) -> None:
    pages = list(connect(page_size=50).pages(Entity.INVOICE, cursor=None))
    assert len(pages) >= 3
    resumed = list(connect(page_size=50).pages(Entity.INVOICE, cursor=pages[1].cursor))
    ids = [
        r.external_id for p in (*pages[:2], *resumed) for r in p.records if not isinstance(r, ChildrenRecord)
    ]
    assert set(ids) == {r.external_id for p in pages for r in p.records if not isinstance(r, ChildrenRecord)}
    assert len(ids) == len(set(ids))  # nothing read twice: the shift probe found no shift


def test_token_expiry_mid_sync_is_refreshed_and_the_call_replayed(zoho, connect) -> None:
    connector = connect(page_size=100)
    walk = connector.pages(Entity.INVOICE, cursor=None)
    next(walk)
    zoho.expire_tokens()  # the server kills the token long before its announced expiry
    rest = list(walk)
    assert rest and zoho.token_requests == 2


def test_one_refresh_at_a_time_across_threads(zoho) -> None:
    config = zoho.connector_config()
    auth = ZohoOAuth(
        accounts_url=config["accounts_url"],
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        refresh_token=config["refresh_token"],
    )
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(auth.token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1 and zoho.token_requests == 1
    auth.close()


def test_the_token_is_renewed_before_it_expires(zoho) -> None:
    config, now = zoho.connector_config(), [1000.0]
    auth = ZohoOAuth(
        accounts_url=config["accounts_url"],
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        refresh_token=config["refresh_token"],
        clock=lambda: now[0],
    )
    first = auth.token()
    now[0] += 3000  # 10 minutes left of the hour: still good
    assert auth.token() == first and zoho.token_requests == 1
    now[0] += 400  # under 5 minutes left: renewed before Zoho refuses it
    assert auth.token() != first and zoho.token_requests == 2
    auth.close()


def test_a_revoked_refresh_token_says_what_to_do(zoho, connect) -> None:
    connector = connect()
    zoho.revoke_refresh_token()
    with pytest.raises(AuthenticationError, match="refresh token is invalid or was revoked") as caught:
        drain(connector, Entity.INVOICE)
    assert zoho.client_secret not in str(caught.value)


def test_code_57_after_a_fresh_token_names_the_missing_scope(zoho, connect) -> None:
    zoho.fail_next(2, status=401, code=57, path="/invoices")
    with pytest.raises(PermissionDeniedError, match=r"ZohoBooks\.invoices\.READ"):
        drain(connect(), Entity.INVOICE)
    assert zoho.token_requests == 2  # refreshed once, then it is the scope


def test_429_storm_waits_the_minute_and_goes_on(zoho, connect, sleep) -> None:
    zoho.fail_next(3, status=429)
    records, _ = drain(connect(), Entity.INVOICE)
    assert records and sleep.calls.count(60.0) == 3


def test_the_pacing_keeps_under_100_calls_a_minute(zoho, sleep) -> None:
    connector = ZohoBooksConnector(zoho.connector_config(rate_limit_per_minute=100), sleep=sleep)
    started = time.monotonic()
    for _ in range(40):
        connector._http.get("invoices", {"page": 1, "per_page": 1})
    connector.close()
    # The span of the 40 calls — the time they really took plus the waits the limiter asked for
    # (recorded, not slept) — is that of a burst of 10, then 1.5 calls a second, however slow the
    # machine is (a loaded machine leaves less to wait).
    span = time.monotonic() - started + sum(sleep.calls)
    assert span >= (40 - 10) / 1.5 - 0.5
    assert sleep.calls  # the calls outran the limit: it did make them wait


def test_a_spent_daily_quota_stops_at_once_with_a_clear_message(zoho, connect) -> None:
    zoho.spend_quota(zoho.daily_quota - 3)
    connector = connect(page_size=20)
    with pytest.raises(QuotaExhaustedError, match=r"daily API quota \(10000 calls\) is spent: it resets in"):
        drain(connector, Entity.INVOICE)
    assert zoho.quota_used == zoho.daily_quota
    before = zoho.request_count
    with pytest.raises(QuotaExhaustedError):
        drain(connector, Entity.INVOICE)
    assert zoho.request_count == before  # not one more call once Zoho said none is left


def test_5xx_bursts_back_off_then_give_up(zoho, connect, sleep) -> None:
    zoho.fail_next(3, status=503)
    assert drain(connect(), Entity.CREDIT_NOTE)[0]
    assert sleep.calls[:3] == [1.0, 2.0, 4.0]
    zoho.fail_next(10, status=500)
    with pytest.raises(ProviderUnavailableError, match="HTTP 500"):
        drain(connect(), Entity.CREDIT_NOTE)


def test_zoho_error_codes_are_shown(zoho, connect) -> None:
    zoho.fail_next(1, status=400, code=1002, path="/creditnotes")
    with pytest.raises(RequestRejectedError, match="HTTP 400, code 1002") as caught:
        drain(connect(), Entity.CREDIT_NOTE)
    assert "Injected failure" not in str(caught.value)  # the code, never the answer's text (issue #17)
    zoho.fail_next(1, status=200, code=9, path="/creditnotes")
    with pytest.raises(RequestRejectedError, match="code 9"):
        drain(connect(), Entity.CREDIT_NOTE)


@pytest.mark.parametrize("key", ["customer_payments", "customerpayments", "payments"])
def test_the_payments_list_is_read_under_any_of_its_names(key) -> None:
    with ZohoSandbox(seed=2, customers=5, invoices=40, rate_limit=False, payments_key=key) as sandbox:
        connector = ZohoBooksConnector(sandbox.connector_config(), sleep=FakeSleep())
        drain(connector, Entity.INVOICE)
        records, _ = drain(connector, Entity.PAYMENT)
        connector.close()
    assert len({r.external_id for r in records}) >= len(sandbox.data.payments)


def test_excluded_customers_never_appear(zoho, connect) -> None:
    excluded = str(zoho.customer_ids()[0])
    records, _ = everything(connect(excluded_customer_ids=[excluded]))
    for record in (r for rs in records.values() for r in rs):
        assert getattr(record, "account_external_id", None) != excluded
        assert not (isinstance(record, AccountRecord) and record.external_id == excluded)


def test_connection_test_names_the_organisation_and_missing_scopes(zoho, connect) -> None:
    info = connect().test_connection()
    assert info.ok and info.company_name == "Démo Zoho SARL"
    zoho.fail_next(2, status=401, code=57, path="/customerpayments")
    info = connect().test_connection()
    assert info.missing_scopes == ("ZohoBooks.customerpayments.READ",)


def test_zoho_timestamps_keep_their_offset() -> None:
    moment = timestamp("2026-01-18T02:17:40-0800")
    assert moment is not None and moment.isoformat() == "2026-01-18T10:17:40+00:00"


def test_the_contract_check_catches_an_off_spec_reply() -> None:
    if zoho_contract.spec_missing_reason():
        pytest.fail(zoho_contract.spec_missing_reason())
    body = b'{"code":0,"message":"success","invoices":[{"invoice_id":5}],"page_context":{"page":1}}'
    problem = zoho_contract.check("/invoices", {"organization_id": "1"}, 200, body)
    assert problem is not None and "is not of type 'string'" in problem
    assert zoho_contract.check("/invoices", {}, 200, b'{"code":0,"invoices":[]}') is not None
