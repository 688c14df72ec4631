"""Sentences the core writes in English and stores (a sync's errors, a promise's outcome), which a
screen shows in the user's language.

A stored sentence is the CLI's and the log's, so it stays English; a ``Template`` writes it from a
code and named parameters, and reads it back: ``read(text)`` gives the code and the parameters of a
sentence some template wrote (``None`` for any other text, e.g. written before the template
existed, or a provider's own words). The screens show ``error.<code>`` of ``billabex_ui/locales``
with those parameters. Every template registers itself when its module is imported; ``read`` tries
them all: first those that quote another sentence (a parameter in ``SENTENCE``, which a screen
reads in turn: "3 record(s) could not be stored, e.g. {error}"), then the longest English first
(the most specific wins).

A parameter is read back as the text it was written as: a template puts no placeholder where a
parameter could end with the words that follow it.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

_REGISTRY: dict[str, Template] = {}
SENTENCE = frozenset({"error", "reason"})  # parameters that quote another sentence


@dataclass(frozen=True)
class Template:
    code: str
    english: str  # str.format placeholders, e.g. "{provider} is unreachable ({detail})"
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = []
        for literal, name, _spec, _conv in string.Formatter().parse(self.english):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>.+?)" if f"(?P<{name}>" not in "".join(parts) else f"(?P={name})")
        object.__setattr__(self, "pattern", re.compile("".join(parts), re.DOTALL))
        _REGISTRY[self.code] = self

    @property
    def names(self) -> frozenset[str]:
        """The names of the parameters."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.english) if name)

    def format(self, **params: object) -> str:
        return self.english.format(**params)

    def parse(self, text: str) -> dict[str, str] | None:
        match = self.pattern.fullmatch(text)
        return match.groupdict() if match else None


def read(text: str) -> tuple[str, dict[str, str]] | None:
    """(code, parameters) of a sentence a template wrote, else None."""
    for template in sorted(_REGISTRY.values(), key=lambda t: (not t.names & SENTENCE, -len(t.english))):
        params = template.parse(text)
        if params is not None:
            return template.code, params
    return None


def template(code: str) -> Template:
    return _REGISTRY[code]
