"""Charts of the page kit, in the user's language: bar labels given in display order, amounts on
the axis grouped as the language groups them (``50 000`` in French, ``50,000`` in English), the
exact amount of a bar in its tooltip through the one money formatter."""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol

from billabex_ui.format import babel_locale, money


def axis_numbers() -> str:
    """A Vega expression formatting an axis value with this language's separators (Vega itself
    only knows ``1,234.5``)."""
    group, decimal = get_group_symbol(babel_locale()), get_decimal_symbol(babel_locale())
    text = "format(datum.value, ',~f')"
    if (group, decimal) == (",", "."):
        return text
    swap = f"replace({text}, regexp('[.]', 'g'), '\\u0001')"
    swap = f"replace({swap}, regexp(',', 'g'), '{group}')"
    return f"replace({swap}, regexp('\\u0001', 'g'), '{decimal}')"


def money_bars(
    bars: list[tuple[str, Decimal]], currency: str, *, x_title: str, tooltip_title: str
) -> alt.Chart:
    """One bar per ``(label, amount)``, in that order; the amounts are plotted as floats, the
    tooltips show them exactly."""
    labels = [label for label, _ in bars]
    data = pd.DataFrame(
        {
            "label": labels,
            "amount": [float(amount) for _, amount in bars],  # the bar's height only
            "text": [money(amount, currency) for _, amount in bars],
        }
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=labels, title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title=currency, axis=alt.Axis(labelExpr=axis_numbers())),
            tooltip=[alt.Tooltip("label:N", title=x_title), alt.Tooltip("text:N", title=tooltip_title)],
        )
    )
