"""How values read on screen, in the user's language: money through the one locale-aware
formatter (Babel), dates, times in the team's time zone, counts, enum values as words, and ``md``
for any text that comes from a document, a provider or a person inside markdown.

French: ``1 234,56 €``, ``15/03/2026``, ``15/03/2026 14:30`` (Paris time); English:
``€1,234.56``, ``15 Mar 2026``, ``15 Mar 2026, 14:30``. Amounts typed by a person are read by the
one parser, ``billabex_core.money.parse_amount`` (``1 234,56`` and ``1234.56`` alike).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from billabex_core.config import get_settings
from billabex_core.money import format_money
from billabex_ui.i18n import catalogue, language

# interface language → Babel locale, date pattern, time pattern, st.date_input format
LOCALE_FORMATS = {
    "fr": ("fr_FR", "dd/MM/yyyy", "dd/MM/yyyy HH:mm", "DD/MM/YYYY"),
    "en": ("en", "d MMM y", "d MMM y, HH:mm", "YYYY-MM-DD"),
}


def babel_locale() -> str:
    """The Babel locale of this run's language (``fr_FR`` or ``en``)."""
    return LOCALE_FORMATS[language()][0]


def money(amount: Decimal | None, currency: str) -> str:
    """``1 234,50 €`` (fr) or ``€1,234.50`` (en); an empty string for no amount."""
    return format_money(amount, currency, locale=babel_locale())


def number(value: int | Decimal | None) -> str:
    """A count or a quantity with the language's grouping: ``20 000`` / ``20,000``."""
    return "" if value is None else format_decimal(value, locale=babel_locale())


def day(value: date | datetime | None) -> str:
    """``15/03/2026`` (fr) or ``15 Mar 2026`` (en); a timestamp gives its team-local day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, LOCALE_FORMATS[language()][1], locale=babel_locale())


def weekday(value: date) -> str:
    """The day's name: ``lundi`` / ``Monday``."""
    return format_date(value, "EEEE", locale=babel_locale())


def local(value: datetime) -> datetime:
    """An aware UTC timestamp in the team's time zone (``BILLABEX_TIMEZONE``, Europe/Paris)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(get_settings().timezone))


def moment(value: datetime | None) -> str:
    """A timestamp in the team's time zone: ``15/03/2026 14:30`` / ``15 Mar 2026, 14:30``."""
    if value is None:
        return ""
    return format_datetime(local(value), LOCALE_FORMATS[language()][2], locale=babel_locale())


def clock(value: datetime | None) -> str:
    """The time of day of a timestamp in the team's time zone (``14:30:05``)."""
    return "" if value is None else f"{local(value):%H:%M:%S}"


def date_input_format() -> str:
    """The ``format`` of ``st.date_input`` in the user's language: ``DD/MM/YYYY`` in French."""
    return LOCALE_FORMATS[language()][3]


def label(value: object, *, capitalize: bool = True) -> str:
    """An enum value (or any code with underscores) as words in the user's language:
    ``partially_paid`` → ``Partiellement payée`` / ``Partially paid`` (catalogue key
    ``value.<code>``; a code without one reads as its words).

    None reads as an empty string, so ``label(x) or "All"`` names an unset filter.
    """
    code = str(value or "")
    if not code:
        return ""
    known = catalogue(language()).get(f"value.{code}") or catalogue("en").get(f"value.{code}")
    text = known if known is not None else code.replace("_", " ")
    return text[:1].upper() + text[1:] if capitalize else text


# What markdown (and Streamlit's additions: colour directives, LaTeX) reads as syntax, anywhere.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()<>!|~$&#])")
# What GitHub-flavoured markdown turns into a link by itself ("http://…", "www.…"): broken up, so
# the escapes that follow a web address are not swallowed into it.
_AUTOLINK = re.compile(r"(://|(?i:www)\.)")
# What starts a list or underlines a heading when it opens a line: "- ", "+ ", "=", "12. ".
_LIST_START = re.compile(r"^([-+=]|\d+(?=\.))")


def md(value: object) -> str:
    """Text from documents, providers or people, safe inside markdown (titles, captions, labels,
    messages): one line, every markdown character backslash-escaped, so no image, link, HTML,
    emphasis, list, colour directive or formula can come out of it — an account named
    ``![x](http://host/x)`` reads as that text and makes no browser fetch anything."""
    text = _MARKDOWN_SYNTAX.sub(r"\\\1", " ".join(str(value if value is not None else "").split()))
    text = _AUTOLINK.sub(lambda m: "\\://" if m[0] == "://" else m[0][:3] + "\\.", text)
    return _LIST_START.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text, count=1)


def md_block(value: object) -> str:
    """Several lines of such text (a message body), each escaped, its line breaks kept."""
    return "  \n".join(md(line) for line in str(value or "").splitlines())
