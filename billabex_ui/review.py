"""Pieces of the manual import screens (Upload, Review): a core call whose refusal the page words
itself, the review form's labels from ``domain.fields``, and the page previews with their boxes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from billabex_core.db.engine import session_scope
from billabex_core.domain.fields import FIELDS, FieldSpec
from billabex_core.errors import BillabexError
from billabex_core.services.files import read_pdf
from billabex_core.services.preview import Box, page_count, render_page
from billabex_ui.feedback import show_error, show_failure
from billabex_ui.i18n import t, tn

T = TypeVar("T")
log = logging.getLogger("billabex")

# The form's sections, in the order shown, with the fields of each in the order of FIELDS.
GROUP_TITLES = ("document", "customer", "seller")  # → review.group.*
# The format a person types, after the label: "Issue date (YYYY-MM-DD)" (→ review.hint.*).
FORMAT_HINTS = ("date", "currency", "country")


def attempt(fn: Callable[..., T], /, **kwargs: Any) -> T | BillabexError | None:
    """Like ``call`` (one core function, one transaction), but a ``BillabexError`` is handed back
    instead of shown: for a page that keeps a refusal across reruns and words it itself.

    Anything else is a bug: the generic message, and the traceback in the server log.
    """
    try:
        with session_scope() as session:
            return fn(session=session, **kwargs)
    except BillabexError as exc:
        return exc
    except Exception:
        log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
        show_failure()
        return None


def field_label(spec: FieldSpec) -> str:
    text = t(f"field.{spec.name}")
    return (
        t("review.hinted", label=text, hint=t(f"review.hint.{spec.kind}"))
        if spec.kind in FORMAT_HINTS
        else text
    )


def field_groups() -> dict[str, list[FieldSpec]]:
    """Section title → the fields shown under it."""
    return {t(f"review.group.{group}"): [f for f in FIELDS if f.group == group] for group in GROUP_TITLES}


ZOOM_SCALE = 3.0  # points to pixels in the enlarged view (1.5 on the page)


@st.cache_data(max_entries=64, show_spinner=False)
def pages_of(sha256: str) -> int:
    """The page count of a stored PDF (content-addressed: it never changes), read once: each
    reading is a child process (``services.preview``)."""
    return page_count(sha256)


@st.cache_data(max_entries=32, show_spinner=False)
def page_image(sha256: str, page: int, boxes: tuple[Box, ...], scale: float = 1.5) -> bytes:
    return render_page(sha256, page, list(boxes), scale=scale)


@st.dialog("Page", width="large")
def zoomed(sha256: str, page: int, boxes: tuple[Box, ...]) -> None:
    """The page enlarged, its boxes with it (scroll to move around)."""
    try:  # the dialog reruns alone: a page that cannot be drawn is said here, not raised
        image = page_image(sha256, page, boxes, ZOOM_SCALE)
    except BillabexError as exc:
        show_error(exc)
        return
    st.image(image, caption=t("review.page", page=page), width="content")


def _pick_page(sha256: str, pages: int, boxes: tuple[Box, ...]) -> int:
    """Page navigation for a multi-page PDF; each choice says how many fields were read on it."""
    if pages <= 1:
        return 1
    counts = {n: sum(b.page == n for b in boxes) for n in range(1, pages + 1)}
    return int(
        st.selectbox(
            t("review.page_label"),
            list(counts),
            format_func=lambda n: (
                t("review.page_of_fields", page=n, pages=pages, fields=tn("review.fields", counts[n]))
                if counts[n]
                else t("review.page_of", page=n, pages=pages)
            ),
            key=f"page_{sha256[:16]}",
        )
    )


def show_document(sha256: str, boxes: tuple[Box, ...]) -> None:
    """One page of the PDF at the column's width with the boxes of the fields read on it, a page
    picker for multi-page PDFs and a zoom."""
    try:
        pages = pages_of(sha256)
        page = _pick_page(sha256, pages, boxes)
        st.image(
            page_image(sha256, page, boxes),
            caption=t("review.page_of", page=page, pages=pages),
            width="stretch",
        )
        if st.button(t("review.zoom"), key=f"zoom_{sha256[:16]}", help=t("review.zoom_help")):
            zoomed(sha256, page, boxes)
    except BillabexError as exc:
        show_error(exc)
    st.caption(t("review.boxes"))


XML_SHOWN = 20_000  # characters of a stored XML e-invoice shown on Review


def show_xml(sha256: str) -> None:
    """A standalone XML e-invoice has no page: say so, and show the XML itself."""
    st.info(t("review.xml"), icon="🧾")
    try:
        text = read_pdf(sha256).decode("utf-8", errors="replace")
    except BillabexError as exc:
        show_error(exc)
        return
    with st.expander(t("review.the_xml"), expanded=False):
        st.code(text[:XML_SHOWN] + ("\n…" if len(text) > XML_SHOWN else ""), language="xml")
