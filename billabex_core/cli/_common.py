"""Helpers shared by the CLI commands: database from ``--db``, the organisation identity."""

from __future__ import annotations

import argparse
from typing import Any


def org_identity(args: argparse.Namespace) -> Any:
    """The organisation's own identity (name, VAT, SIREN) for extraction, or None.

    Filled in by the foundation work from the organisation settings in the database.
    """
    return None
