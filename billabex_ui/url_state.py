"""Filters kept in the URL, so that a link reproduces the view: ``/invoices?status=overdue&age=31-60``.

A list binds each filter widget to a query parameter through one ``UrlFilters``: before the widget
is drawn, the URL's value (or the default when the URL has none) becomes the widget's state; when
the person changes the widget, its ``on_change`` writes the new value into the URL (a default value
leaves the URL). A value the URL names but the widget does not offer reads as the default.

Bound widgets take no ``value``/``index``/``default`` argument: the state set here is their value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import streamlit as st


def _text_of(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


@dataclass(frozen=True)
class Codec:
    """How one filter's value reads in the URL and back."""

    decode: Callable[[str], Any]
    encode: Callable[[Any], str]
    default: Any


def _choice(options: Sequence[Any], default: Any) -> Codec:
    by_text = {_text_of(o): o for o in options}
    return Codec(lambda text: by_text.get(text, default), _text_of, default)


def _choices(options: Sequence[Any], default: Sequence[Any]) -> Codec:
    by_text = {_text_of(o): o for o in options}

    def decode(text: str) -> list[Any]:
        return [by_text[part] for part in text.split(",") if part in by_text]

    return Codec(decode, lambda values: ",".join(_text_of(v) for v in values), list(default))


@dataclass
class UrlFilters:
    """The filter widgets of one list, each bound to a query parameter; ``on_change`` runs too
    when one changes (the pager's reset: a new selection starts at page 1)."""

    on_change: Callable[[], None] | None = None
    bound: dict[str, tuple[str, Codec]] = field(default_factory=dict)

    def text(self, key: str, param: str, default: str = "") -> dict[str, Any]:
        return self._bind(key, param, Codec(str, str, default))

    def choice(self, key: str, param: str, options: Sequence[Any], default: Any = None) -> dict[str, Any]:
        return self._bind(key, param, _choice(options, default))

    def choices(
        self, key: str, param: str, options: Sequence[Any], default: Sequence[Any] = ()
    ) -> dict[str, Any]:
        return self._bind(key, param, _choices(options, default))

    def flag(self, key: str, param: str, default: bool) -> dict[str, Any]:
        return self._bind(key, param, Codec(lambda text: text == "1", lambda v: "1" if v else "0", default))

    def _bind(self, key: str, param: str, codec: Codec) -> dict[str, Any]:
        """Set the widget's state from the URL (or the default); the widget's keyword arguments."""
        self.bound[key] = (param, codec)
        text = st.query_params.get(param)
        value = codec.decode(text) if text is not None else codec.default
        if st.session_state.get(key) != value:
            st.session_state[key] = value
        return {"key": key, "on_change": self._changed, "args": (key,)}

    def _changed(self, key: str) -> None:
        param, codec = self.bound[key]
        value = st.session_state.get(key)
        if value == codec.default or value is None:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = codec.encode(value)
        if self.on_change is not None:
            self.on_change()
