"""The NetSuite connector against the NetSuite sandbox over real HTTP on 127.0.0.1: TBA signatures
(proved against the published vectors, verified by the sandbox's own signer), SuiteQL keyset
walks that really run on the sandbox's tables, the row cap, concurrency, errors, deletions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from billabex_core.connectors.base import (
    AuthenticationError,
    ProviderUnavailableError,
    RateLimitedError,
    RequestRejectedError,
)
from billabex_core.connectors.netsuite import NetSuiteConnector
from billabex_core.connectors.netsuite_config import validate_netsuite_config
from billabex_core.connectors.netsuite_http import NetSuiteClient
from billabex_core.connectors.netsuite_tba import TokenAuth, host_of, realm_of, sign, signature_base_string
from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    CreditApplicationRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
)
from billabex_core.errors import ValidationError
from billabex_sandbox import netsuite_contract
from billabex_sandbox.netsuite import NetSuiteSandbox
from tests.core.connectors.helpers import FakeSleep, connectors
from tests.core.connectors.helpers import walk as drain

ROOT = Path(__file__).resolve().parents[3]
VECTORS = [
    ROOT.parent / "shared" / "connector_specs" / "netsuite" / "tba_signature_test_vectors.json",
    ROOT / "tests" / "fixtures" / "netsuite_tba_vectors.json",
]


@pytest.fixture
def netsuite() -> Iterator[NetSuiteSandbox]:
    with NetSuiteSandbox(seed=4, customers=20, invoices=300, contract=True) as sandbox:
        yield sandbox
    assert sandbox.contract_violations == []


@pytest.fixture
def connect(netsuite: NetSuiteSandbox, sleep: FakeSleep) -> Iterator[Any]:
    with connectors(
        lambda **config: NetSuiteConnector(netsuite.connector_config(**config), sleep=sleep)
    ) as make:
        yield make


def _vectors() -> list[dict[str, Any]]:
    path = next(p for p in VECTORS if p.is_file())
    return json.loads(path.read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: v["method"])
def test_signer_reproduces_the_published_vectors(vector) -> None:
    oauth = {
        "oauth_consumer_key": vector["consumer_key"],
        "oauth_token": vector["token_id"],
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": vector["timestamp"],
        "oauth_nonce": vector["nonce"],
        "oauth_version": "1.0",
    }
    base = signature_base_string(vector["method"], vector["url"], oauth)
    assert base == vector["base_string"]
    assert sign(base, vector["consumer_secret"], vector["token_secret"]) == vector["signature_base64"]
    auth = TokenAuth(
        account_id="123456-sb1",
        consumer_key=vector["consumer_key"],
        consumer_secret=vector["consumer_secret"],
        token_id=vector["token_id"],
        token_secret=vector["token_secret"],
        clock=lambda: int(vector["timestamp"]),
        nonce=lambda: vector["nonce"],
    )
    header = auth.header_for(vector["method"], vector["url"])
    assert header.startswith(f'OAuth realm="{vector["realm"]}"')
    fields = netsuite_contract.parse_header(header)
    assert fields["oauth_signature"] == vector["signature_base64"]
    query = vector["url"].split("?", 1)[1]
    secrets = (vector["consumer_secret"], vector["token_secret"])
    assert (
        netsuite_contract.expected_signature(vector["method"], vector["url"], query, fields, secrets)
        == vector["signature_base64"]
    )


def test_realm_and_host_come_from_the_account_id() -> None:
    assert realm_of("123456-sb1") == "123456_SB1" and host_of("123456_SB1") == "123456-sb1"
    clean = validate_netsuite_config(
        {
            "account_id": "123456_SB1",
            "consumer_key": "a",
            "consumer_secret": "b",
            "token_id": "c",
            "token_secret": "d",
        }
    )
    assert clean["base_url"] == "https://123456-sb1.suitetalk.api.netsuite.com/services/rest"
    with pytest.raises(ValidationError, match="token_secret"):
        validate_netsuite_config(
            {"account_id": "1", "consumer_key": "a", "consumer_secret": "b", "token_id": "c"}
        )


def test_full_walk_reads_the_account_as_it_is(netsuite, connect) -> None:
    connector = connect()
    records = {e: drain(connector, e)[0] for e in connector.ENTITIES}
    assert {r.external_id for r in records[Entity.ACCOUNT]} == {str(i) for i in netsuite.customer_ids()}
    contacts = netsuite.query("SELECT COUNT(*) FROM contact")[0][0]
    assert len([r for r in records[Entity.CONTACT] if isinstance(r, ContactRecord)]) == contacts
    invoices = {r.external_id: r for r in records[Entity.INVOICE] if isinstance(r, DocumentRecord)}
    assert set(invoices) == {str(i) for i in netsuite.ids("CustInvc")}
    voided = {int(r.external_id) for r in records[Entity.INVOICE] if isinstance(r, DeletionRecord)}
    assert voided == {row[0] for row in netsuite.query("SELECT id FROM \"transaction\" WHERE voided = 'T'")}
    for row in netsuite.query(
        "SELECT id, foreigntotal, foreignamountunpaid FROM \"transaction\" WHERE type = 'CustInvc' AND voided = 'F'"
    ):
        record = invoices[str(row[0])]
        assert record.total_incl_tax == Decimal(str(row[1])).quantize(Decimal("0.01"))
        assert record.remaining_amount == Decimal(str(row[2])).quantize(Decimal("0.01"))
    applied = [r for r in records[Entity.INVOICE] if isinstance(r, PaymentRecord | CreditApplicationRecord)]
    assert len(applied) == netsuite.query("SELECT COUNT(*) FROM nexttransactionlinelink")[0][0]
    notes = [r for r in records[Entity.CREDIT_NOTE] if isinstance(r, DocumentRecord)]
    assert notes and all(n.total_incl_tax > 0 for n in notes)  # NetSuite's negative totals, made positive
    assert connector.requests <= 12  # 1,000 rows a page: a handful of queries for 300 invoices


def test_queries_really_run_on_the_sandbox_tables(netsuite, connect) -> None:
    drain(connect(), Entity.INVOICE)
    assert any("nexttransactionlinelink" in text and "IN (" in text for text in netsuite.queries)
    body = connect()._http.suiteql(
        "SELECT t.tranid, t.trandate FROM transaction t WHERE t.type = 'CustInvc' ORDER BY t.id", limit=2
    )
    assert body["count"] == 2 and body["hasMore"] and body["items"][0]["tranid"] == "INV000001"
    assert "/" in body["items"][0]["trandate"]  # a raw date comes in the user's format, not ISO
    with pytest.raises(RequestRejectedError, match="INVALID_PARAMETER"):
        connect()._http.suiteql("SELECT nope FROM customer", limit=1)
    with pytest.raises(RequestRejectedError, match="INVALID_PARAMETER"):
        connect()._http.suiteql("DELETE FROM customer", limit=1)


def test_walks_pass_the_row_cap_of_a_query() -> None:
    with NetSuiteSandbox(seed=9, customers=5, invoices=140, row_cap=50, contract=True) as sandbox:
        connector = NetSuiteConnector(sandbox.connector_config(page_size=20), sleep=FakeSleep())
        records, _ = drain(connector, Entity.INVOICE)
        connector.close()
    ids = {r.external_id for r in records if isinstance(r, DocumentRecord)}
    assert ids == {str(i) for i in sandbox.ids("CustInvc")}  # 140 > the 50-row cap of one query


def test_a_walk_resumes_after_its_last_page(netsuite, connect) -> None:
    pages = list(connect(page_size=100).pages(Entity.CREDIT_NOTE, cursor=None))
    invoices = list(connect(page_size=100).pages(Entity.INVOICE, cursor=None))
    resumed = list(connect(page_size=100).pages(Entity.INVOICE, cursor=invoices[0].cursor))
    first = {r.external_id for r in invoices[0].records if isinstance(r, DocumentRecord)}
    rest = {r.external_id for p in resumed for r in p.records if isinstance(r, DocumentRecord)}
    assert not first & rest and first | rest == {str(i) for i in netsuite.ids("CustInvc")}
    assert pages


def test_a_payment_that_leaves_the_invoice_untouched_is_still_seen(netsuite, connect) -> None:
    connector = connect()
    cursors = {e: drain(connector, e)[1] for e in connector.ENTITIES}
    paid = next(i for i in netsuite.ids("CustInvc", open_only=True))
    before = netsuite.query('SELECT lastmodifieddate FROM "transaction" WHERE id = ?', paid)
    payment = netsuite.add_payment(paid)
    assert netsuite.query('SELECT lastmodifieddate FROM "transaction" WHERE id = ?', paid) == before
    records, _ = drain(connect(), Entity.INVOICE, cursors[Entity.INVOICE])
    doc = next(r for r in records if isinstance(r, DocumentRecord) and r.external_id == str(paid))
    assert doc.remaining_amount == 0
    assert any(isinstance(r, PaymentRecord) and r.external_id == f"{payment}:{paid}" for r in records)


def test_changes_and_deletions_since_the_watermark(netsuite, connect) -> None:
    connector = connect()
    cursors = {e: drain(connector, e)[1] for e in connector.ENTITIES}
    customer = netsuite.customer_ids()[3]
    netsuite.update_customer(customer, companyname="Renommée SA")
    gone = netsuite.customer_ids()[4]
    netsuite.delete_record(gone, "customer")
    invoice = netsuite.ids("CustInvc", open_only=True)[-1]
    netsuite.void_invoice(invoice)
    later = connect()
    accounts, _ = drain(later, Entity.ACCOUNT, cursors[Entity.ACCOUNT])
    assert any(isinstance(r, AccountRecord) and r.name == "Renommée SA" for r in accounts)
    assert DeletionRecord(Entity.ACCOUNT, str(gone)) in accounts
    invoices, _ = drain(later, Entity.INVOICE, cursors[Entity.INVOICE])
    assert DeletionRecord(Entity.INVOICE, str(invoice)) in invoices


def test_concurrency_limit_storm_backs_off_with_jitter(netsuite, connect, sleep) -> None:
    netsuite.fail_next(4, status=429)
    assert drain(connect(), Entity.ACCOUNT)[0]
    assert len(sleep.calls) == 4
    assert all(0.5 * 2**i <= s <= 2**i for i, s in enumerate(sleep.calls))  # 1, 2, 4, 8 s, jittered
    netsuite.fail_next(6, status=429)
    with pytest.raises(RateLimitedError):
        drain(connect(), Entity.ACCOUNT)


def test_the_process_keeps_under_its_concurrency_cap(netsuite) -> None:
    netsuite.concurrency = 2
    netsuite.fail_next(12, kind="delay", delay=0.05)
    config = netsuite.connector_config(max_concurrency=2)
    errors: list[BaseException] = []

    def one() -> None:
        connector = NetSuiteConnector(config, sleep=FakeSleep())
        try:
            connector.test_connection()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connector.close()

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and netsuite.max_in_flight <= 2 and netsuite.rejected_for_concurrency == 0


def test_5xx_bursts_back_off_then_give_up(netsuite, connect) -> None:
    netsuite.fail_next(2, status=503)
    assert drain(connect(), Entity.CONTACT)[0]
    netsuite.fail_next(6, status=500)
    with pytest.raises(ProviderUnavailableError, match="UNEXPECTED_ERROR"):
        drain(connect(), Entity.CONTACT)


def test_bad_signatures_and_reused_nonces_are_refused(netsuite, connect) -> None:
    with pytest.raises(AuthenticationError):
        drain(connect(token_secret="wrong"), Entity.ACCOUNT)
    auth = TokenAuth(
        account_id=netsuite.account_id,
        consumer_key=netsuite.consumer_key,
        consumer_secret=netsuite.consumer_secret,
        token_id=netsuite.token_id,
        token_secret=netsuite.token_secret,
        nonce=lambda: "samenonce42",
    )
    client = NetSuiteClient(base_url=netsuite.base_url, auth=auth, sleep=FakeSleep())
    client.suiteql("SELECT id FROM customer", limit=1)
    with pytest.raises(AuthenticationError):
        client.suiteql("SELECT id FROM customer", limit=1)  # the same nonce twice
    client.close()
    response = httpx.post(f"{netsuite.base_url}/query/v1/suiteql", json={"q": "SELECT 1 FROM dual"})
    assert (
        response.status_code == 401 and response.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    )


def test_suiteql_needs_prefer_transient_and_a_sane_limit(netsuite, connect) -> None:
    connector = connect()
    with pytest.raises(RequestRejectedError, match="INVALID_PARAMETER"):
        connector._http.suiteql("SELECT id FROM customer", limit=1001)
    client = connector._http._client
    response = client.post(
        "query/v1/suiteql", params={"limit": 1}, json={"q": "SELECT id FROM customer"}, headers={"Prefer": ""}
    )
    assert response.status_code == 400 and "Prefer: transient" in response.text


def test_excluded_customers_never_appear(netsuite, connect) -> None:
    excluded = str(netsuite.customer_ids()[0])
    connector = connect(excluded_customer_ids=[excluded])
    for entity in connector.ENTITIES:
        for record in drain(connector, entity)[0]:
            assert getattr(record, "account_external_id", None) != excluded
            assert not (isinstance(record, AccountRecord) and record.external_id == excluded)


def test_the_contract_check_catches_an_off_spec_reply() -> None:
    assert netsuite_contract.check(200, b'{"items": [{"id": 1}], "hasMore": false}') is not None
    assert netsuite_contract.check(400, b'{"title": "Bad"}') is not None


def test_a_customer_deleted_between_two_pages_hides_no_other(netsuite, connect) -> None:
    walk = connect(page_size=5).pages(Entity.ACCOUNT, cursor=None)
    first = next(walk)
    seen = {r.external_id for r in first.records if isinstance(r, AccountRecord)}
    netsuite.delete_record(int(sorted(seen)[0]), "customer")
    rest = {r.external_id for page in walk for r in page.records if isinstance(r, AccountRecord)}
    assert rest | seen >= {str(i) for i in netsuite.customer_ids()} and not rest & seen
