"""Pieces of the manual import screens (Upload, Review): a core call whose refusal the page words
itself, the review form's labels from ``domain.fields``, and the page previews with their boxes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import streamlit as st

from billabex_core.db.engine import session_scope
from billabex_core.domain.fields import FIELDS, FieldSpec
from billabex_core.errors import BillabexError
from billabex_core.services.draft_review import Check
from billabex_core.services.files import read_pdf
from billabex_core.services.preview import Box, page_count, render_page
from billabex_ui.feedback import error_text, show_error, show_failure, stored_text
from billabex_ui.feedback import field_label as core_field_label
from billabex_ui.format import day, md
from billabex_ui.i18n import has_text, t, tn

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
    st.info(t("review.xml"), icon=":material/receipt_long:")
    try:
        text = read_pdf(sha256).decode("utf-8", errors="replace")
    except BillabexError as exc:
        show_error(exc)
        return
    with st.expander(t("review.the_xml"), expanded=False):
        st.code(text[:XML_SHOWN] + ("\n…" if len(text) > XML_SHOWN else ""), language="xml")


# The e-invoice checks (issue #15), read in English by extraction (its JSON contract), worded here:
# the rule's title by its name, its result by the known phrasings of ``extraction.en16931`` and
# ``extraction.xsd``. A validator's own message (an XSD error) and amounts stay as read.
E_INVOICE_RULE = re.compile(r"XSD|EN 16931|BR-CO-\d+")
_WHY = {  # why a rule does not apply → review.rule.why.*
    "the document has no invoice lines": "no_lines",
    "a line amount is unreadable": "unreadable_line",
    "no sum of line net amounts (BT-106)": "no_line_total",
    "no VAT breakdown (BT-117)": "no_vat_breakdown",
    "no schema for this document": "no_schema",
    "ZUGFeRD 1.0 predates EN 16931": "zugferd1",
}
_SUM = re.compile(r"Σ (\d+) (line net amount|document allowance|document charge|VAT category amount)\(s\)")
_SUM_KEYS = {
    "line net amount": "lines",
    "document allowance": "allowances",
    "document charge": "charges",
    "VAT category amount": "vat",
}
_MISSING = re.compile(r"(BT-\d+) is missing; (.+) = (\S+)")
_MISSING_TOTAL = re.compile(r"(BT-109|BT-112) \(total with(?:out)? VAT\) is missing")
_XSD_LINE = re.compile(r"line (\d+): (.*)", re.S)


def check_text(check: Check) -> str:
    """A check of Review as shown: an e-invoice rule in the screen's language, the others as the
    core words them."""
    if check.error is not None:
        return error_text(check.error, markdown=False)
    if check.wording and has_text(f"review.check.{check.wording}"):
        return t(f"review.check.{check.wording}")
    if not check.title or not E_INVOICE_RULE.fullmatch(check.name):
        return stored_text(check.message, markdown=False)  # e.g. an identifier whose checksum fails
    return t("review.rule.line", rule=check.name, title=_rule_title(check), detail=_rule_detail(check.detail))


def _rule_title(check: Check) -> str:
    if check.name == "XSD":
        schema = check.title.removeprefix("XML schema").removeprefix(": ")
        return t("review.rule.title.XSD_of", schema=schema) if schema else t("review.rule.title.XSD")
    key = f"review.rule.title.{check.name.replace(' ', '_')}"
    return t(key) if has_text(key) else check.title


def _sums(text: str) -> str:
    return _SUM.sub(lambda m: tn(f"review.rule.sum.{_SUM_KEYS[m[2]]}", int(m[1])), text)


def _rule_detail(detail: str) -> str:
    """The result of a rule in the screen's language (an unknown phrasing is shown as read)."""
    if detail in ("valid", "not valid"):
        return t(f"review.rule.{detail.replace(' ', '_')}")
    if detail.startswith("does not apply: ") and detail[16:] in _WHY:
        return t("review.rule.na", why=t(f"review.rule.why.{_WHY[detail[16:]]}"))
    if found := _MISSING_TOTAL.fullmatch(detail):
        return t(f"review.rule.missing.{found[1]}")
    if found := _MISSING.fullmatch(detail):
        return t("review.rule.missing", bt=found[1], how=_sums(found[2]), amount=found[3])
    if found := _XSD_LINE.fullmatch(detail):
        return t("review.rule.xsd_line", line=found[1], message=found[2])
    return _sums(detail)


# The warnings extraction and Review word in English (stored with the draft), as catalogue keys:
# a fixed phrase, or a pattern whose groups are the text's parameters. Another warning is shown
# as written.
_WARNINGS = {
    "credit note: the total is negative": "review.warn.negative_credit",
    "credit note: the grand total is negative": "review.warn.negative_credit",
    "credited invoice number read from a free-text note": "review.warn.credited_from_note",
    "total incl. tax read from the amount due": "review.warn.total_from_due",
    "total incl. tax computed from the other totals": "review.warn.total_computed",
    "no tax: the total equals the net amount": "review.warn.no_tax",
    "no VAT: the document says it does not apply; the net amount is the total": "review.warn.untaxed",
    "Your organisation is the buyer on this document: it looks like a supplier's invoice, not one you issued.": (
        "review.warn.seller_buyer"
    ),
}
_WARNING_PATTERNS = (
    (re.compile(r"the document says it is paid \((?P<text>.*)\)"), "review.warn.paid"),
    (re.compile(r"e-invoice checks failed: (?P<rules>.*) \(see the checks\)"), "review.warn.einvoice_failed"),
    (
        re.compile(
            r"No due date found: it will be the issue date \+ (?P<days>\d+) days \((?P<due>[\d-]+)\)\."
        ),
        "review.warn.due_default",
    ),
    (re.compile(r"(?P<field>[a-z ]+) computed from the other totals"), "review.warn.computed"),
    (
        re.compile(
            r"no currency printed: (?P<code>[A-Z]{3}), the currency of the seller's country \((?P<country>[A-Z]{2})\)"
        ),
        "review.warn.currency_of_country",
    ),
    (
        re.compile(
            r"The seller's VAT number on the document \((?P<doc>.*)\) is not yours \((?P<own>.*)\): .*"
        ),
        "review.warn.seller_vat",
    ),
    (
        re.compile(r"The seller's SIREN on the document \((?P<doc>.*)\) is not yours \((?P<own>.*)\): .*"),
        "review.warn.seller_siren",
    ),
    (
        re.compile(r"The seller on the document is “(?P<doc>.*)”, not your organisation “(?P<own>.*)”: .*"),
        "review.warn.seller_name",
    ),
)


def warning_text(warning: str) -> str:
    """A warning of Review in the screen's language (markdown: what a file said is escaped)."""
    if key := _WARNINGS.get(warning):
        return t(key)
    for pattern, key in _WARNING_PATTERNS:
        if found := pattern.fullmatch(warning):
            params = {name: md(value) for name, value in found.groupdict().items()}
            if "field" in params:
                params["field"] = core_field_label(found["field"].replace(" ", "_"))
            if "due" in params:
                params["due"] = day(date.fromisoformat(found["due"]))
            return t(key, **params)
    return md(warning)
