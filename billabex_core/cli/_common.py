"""Helpers shared by the CLI commands: the database from ``--db``, the organisation identity."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import Session

from billabex_core.db.engine import resolve_url, session_scope


def db_url(args: argparse.Namespace) -> str:
    return resolve_url(getattr(args, "db", None))


@contextmanager
def session(args: argparse.Namespace) -> Iterator[Session]:
    """One transaction on the database named by ``--db`` (migrated on first use)."""
    with session_scope(db_url(args)) as s:
        yield s


def org_identity(args: argparse.Namespace) -> Any:
    """The organisation's own identity (name, VAT, SIREN) so extraction knows who the seller is.

    Extraction stores nothing: a database that does not exist yet is not created, and one that
    cannot be reached only means extracting without the identity.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from billabex_core.extraction import OrgIdentity
    from billabex_core.services.org import get_organisation

    url = make_url(db_url(args))
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return OrgIdentity()
    try:
        with session(args) as s:
            org = get_organisation(session=s)
            return OrgIdentity(name=org.name or None, vat=org.vat, siren=org.siren)
    except SQLAlchemyError:
        return OrgIdentity()


def err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
