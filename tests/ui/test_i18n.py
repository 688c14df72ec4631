"""The catalogues of the interface (billabex_ui/locales): both languages have every key, with the
same placeholders; every key the source asks for exists; the locale formats of each language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import streamlit as st

from billabex_core.domain import enums
from billabex_ui import i18n
from billabex_ui.format import date_input_format, day, label, moment, money, number
from billabex_ui.i18n import LANGUAGES, MissingText, catalogue, placeholders, t, tn, use_language

ROOT = Path(__file__).resolve().parents[2]
# t("key" / tn("key" — the literal keys of the source; dynamic ones are listed by their prefix below
USE = re.compile(r"""\b(t|tn)\(\s*f?["']([^"'{}]+)["']""")


def _source_keys() -> set[tuple[str, str, str]]:
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "billabex_ui").glob("*.py")]
    found = set()
    for path in files:
        for fn, key in USE.findall(path.read_text(encoding="utf-8")):
            if not key.endswith("."):
                found.add((path.name, fn, key))
    return found


def test_both_languages_have_the_same_keys() -> None:
    fr, en = catalogue("fr"), catalogue("en")
    assert sorted(set(fr) - set(en)) == [] and sorted(set(en) - set(fr)) == []


@pytest.mark.parametrize("key", sorted(catalogue("en")))
def test_placeholders_match(key: str) -> None:
    assert placeholders(catalogue("fr")[key]) == placeholders(catalogue("en")[key])
    assert catalogue("fr")[key].strip() and catalogue("en")[key].strip()


def test_every_key_used_in_the_source_exists() -> None:
    used = _source_keys()
    assert len(used) > 500  # the scan finds the keys (a broken pattern would find none)
    missing = sorted(
        f"{name}: {fn}({key!r})"
        for name, fn, key in used
        if (key not in catalogue("en") if fn == "t" else f"{key}.one" not in catalogue("en"))
    )
    assert missing == []


def test_plural_keys_have_both_forms() -> None:
    for key in catalogue("en"):
        if key.endswith(".one"):
            assert key[: -len(".one")] + ".other" in catalogue("en"), key


def test_every_enum_value_reads_in_both_languages() -> None:
    values = {
        m.value
        for e in vars(enums).values()
        if isinstance(e, type) and issubclass(e, enums.enum.Enum)
        for m in e
    }
    for lang in LANGUAGES:
        assert sorted(v for v in values if f"value.{v}" not in catalogue(lang)) == [], lang


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``use_language`` outside a Streamlit run: the session state is a plain dict."""
    state: dict[str, object] = {}
    monkeypatch.setattr(st, "session_state", state)
    return use_language


def test_missing_key_raises_under_tests_and_falls_back_to_english(
    lang, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    lang("fr")
    monkeypatch.setitem(catalogue("en"), "only.english", "Only {what}")
    monkeypatch.setenv(i18n.STRICT_ENV, "1")
    with pytest.raises(MissingText):
        t("only.english", what="here")
    monkeypatch.setenv(i18n.STRICT_ENV, "0")
    assert t("only.english", what="here") == "Only here"
    assert t("never.defined") == "never.defined"


def test_texts_and_plurals_follow_the_language(lang) -> None:  # type: ignore[no-untyped-def]
    lang("fr")
    assert t("nav.invoices") == "Factures"
    assert tn("login.locked", 1, time="10:00:00").endswith("(dans 1 minute).")
    assert tn("login.locked", 0, time="10:00:00").endswith("(dans 0 minute).")  # French: 0 is singular
    lang("en")
    assert t("nav.invoices") == "Invoices"
    assert tn("login.locked", 0, time="10:00:00").endswith("(in 0 minutes).")
    lang("de")
    assert t("nav.invoices") == "Invoices"  # anything else reads as English


def test_french_formats(lang) -> None:  # type: ignore[no-untyped-def]
    lang("fr")
    assert money(Decimal("1234.56"), "EUR").replace("\u202f", " ").replace("\xa0", " ") == "1 234,56 €"
    assert day(date(2026, 3, 15)) == "15/03/2026"
    # 13:30 UTC is 14:30 in Paris in March (winter time), 15:30 in July (summer time)
    assert moment(datetime(2026, 3, 15, 13, 30, tzinfo=UTC)) == "15/03/2026 14:30"
    assert moment(datetime(2026, 7, 15, 13, 30, tzinfo=UTC)) == "15/07/2026 15:30"
    assert number(20000).replace("\u202f", " ") == "20 000"
    assert date_input_format() == "DD/MM/YYYY"
    assert label("partially_paid") == "Partiellement payée"
    assert label("credit_note", capitalize=False) == "avoir"


def test_english_formats(lang) -> None:  # type: ignore[no-untyped-def]
    lang("en")
    assert money(Decimal("1234.56"), "EUR") == "€1,234.56"
    assert day(date(2026, 3, 15)) == "15 Mar 2026"
    assert moment(datetime(2026, 3, 15, 13, 30, tzinfo=UTC)) == "15 Mar 2026, 14:30"
    assert number(20000) == "20,000"
    assert label("partially_paid") == "Partially paid"
    assert label("some_code") == "Some code"


def test_literal_braces_read_as_one(lang) -> None:  # type: ignore[no-untyped-def]
    lang("en")
    assert "{invoice} stands for the invoice numbers" in t("set.reference_help")


# code="..." at the core's raise sites (not postcode=...), either code of code="a" if ... else "b",
# and the codes of the core's sentence templates (messages.Template); codes built at run time below
CODE = re.compile(r"""(?<![\w.])code="([a-z_.]+)\"""")
OTHER_CODE = re.compile(r"""(?<![\w.])code="[a-z_.]+" if [^\n]+? else "([a-z_.]+)\"""")
TEMPLATE = re.compile(r"""\bTemplate\(\s*"([a-z_.]+)\"""")
BUILT_CODES = {f"duplicate.{kind.value}" for kind in enums.DocumentKind} | {"duplicate.pdf"}


def _core_codes(pattern: re.Pattern[str]) -> set[str]:
    return {
        code for path in (ROOT / "billabex_core").rglob("*.py") for code in pattern.findall(path.read_text())
    }


def test_every_error_code_of_the_core_reads_in_both_languages() -> None:
    """An error's text is ``error.<code>``; a template's sentence that is no error (a promise's
    outcome, a warning of Review) may be the key ``<code>`` itself (``feedback.stored_text``)."""
    codes = _core_codes(CODE) | _core_codes(OTHER_CODE) | BUILT_CODES
    templates = _core_codes(TEMPLATE)
    assert {"amount.invalid", "payment.overpayment", "contact.email_invalid"} <= codes
    assert "job.busy_plain" in codes and {"connector.auth", "connector.zoho.quota_calls.hours"} <= templates
    assert {"sync.partial", "stale.old", "promise.outcome.received", "review.warn.vat_checksum"} <= templates
    assert {"upload.not_pdf", "upload.duplicate.draft", "task.subject.missing_contact"} <= templates
    for lang in LANGUAGES:
        texts = catalogue(lang)
        missing = [c for c in codes if f"error.{c}" not in texts]
        missing += [c for c in templates if f"error.{c}" not in texts and c not in texts]
        assert sorted(missing) == [], lang
