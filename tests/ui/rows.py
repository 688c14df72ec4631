"""Clicking a row of a table in AppTest: a table's row selection is its widget state."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def click_row(at: AppTest, row: int, table: int = 0) -> AppTest:
    """Select row ``row`` (its position) of the ``table``-th table of the page, as a click does."""
    frame = at.dataframe[table]
    assert frame.key, "this table has no row selection"
    at.session_state[frame.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()
