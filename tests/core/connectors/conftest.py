"""Fixtures for the connector tests: a live Pennylane sandbox over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from billabex_core.connectors.pennylane import PennylaneConnector
from billabex_core.connectors.records import ChildrenRecord, Entity, Record, RecordPage
from billabex_sandbox.pennylane import PennylaneSandbox
from tests.core.connectors.helpers import FakeSleep


@pytest.fixture
def pennylane_sandbox() -> Iterator[PennylaneSandbox]:
    with PennylaneSandbox(seed=7, customers=30, invoices=300, rate_limit=False, contract=True) as sandbox:
        yield sandbox
    assert sandbox.contract_violations == []  # every reply served was one Pennylane's OpenAPI allows


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def sleep(fake_sleep: FakeSleep) -> FakeSleep:
    return fake_sleep


@pytest.fixture
def make_connector(pennylane_sandbox: PennylaneSandbox, fake_sleep: FakeSleep) -> Iterator[Any]:
    made: list[PennylaneConnector] = []

    def make(**config: Any) -> PennylaneConnector:
        connector = PennylaneConnector(pennylane_sandbox.connector_config(**config), sleep=fake_sleep)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def drain(
    connector: PennylaneConnector, entity: Entity, cursor: str | None = None, *, full: bool = False
) -> tuple[list[Record], str | None, list[RecordPage]]:
    """Every record of one run (complete lists left out, as in ``helpers.walk``), the last cursor
    and the pages."""
    pages = list(connector.pages(entity, cursor=cursor, full=full))
    records = [r for page in pages for r in page.records if not isinstance(r, ChildrenRecord)]
    return records, pages[-1].cursor if pages else cursor, pages


@pytest.fixture(name="drain")
def drain_fixture() -> Any:
    return drain
