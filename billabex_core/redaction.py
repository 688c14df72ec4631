"""Secrets never reach storage, a log line or an error message (issue #17, point 10).

``redact(text)`` replaces, in any text:

- every **secret value this process has seen**: the secret keys of an integration's config
  (``remember`` is called when the integrations service decrypts or receives one), the SMTP
  password, the keys of ``billabex_core.secrets``; also their URL- and JSON-escaped forms;
- what **looks like a credential** whatever its value: an ``Authorization`` header, ``Bearer …``,
  ``Basic …``, ``Zoho-oauthtoken …``, the ``oauth_token`` / ``oauth_signature`` … of a NetSuite
  header, and ``api_token=…``, ``"client_secret": "…"``, ``password: …`` and the like.

Where it runs: the message of every ``ConnectorError`` (``errors.py``); the columns that keep
errors and details (``db/redacted.py``: ``Integration.last_error``, ``SyncRun.errors``,
``AuditEvent.details``, ``Communication.error``), whatever writes them (ORM or SQL); and every log
record of the process once a secret is known (``install_log_redaction``).

This module imports nothing of Billabex, so the error tree can use it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
MIN_LENGTH = 6  # shorter values are too common to be replaced in every text
MAX_REMEMBERED = 1024
_SECRET_WORDS = (
    r"api[_-]?token|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|consumer[_-]?secret"
    r"|token[_-]?secret|api[_-]?key|password|passwd|secret|token"
)
_COMPOUND_WORDS = _SECRET_WORDS.removesuffix("|secret|token")  # "token: …" may be our own prose
_VALUE = rf"(?!{re.escape(MASK)})[^\"'&\s,;}}]+"
_PATTERNS = (
    # Authorization: Bearer abc / "authorization": "Zoho-oauthtoken abc"
    (re.compile(r"(?i)\b((?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)[^\"'\r\n,}]+"), r"\1" + MASK),
    # a credential has a capital, a digit or a sign: "Basic information" stays prose
    (
        re.compile(r"\b(?i:(bearer|basic|zoho-oauthtoken))(\s+)(?=[a-z]*[^a-z\s])[A-Za-z0-9._~+/=\-]{4,}"),
        r"\1\2" + MASK,
    ),
    (re.compile(r"(?i)\b(oauth_(?:consumer_key|token|signature|nonce)\s*=\s*\"?)[^\",\s]+"), r"\1" + MASK),
    # "client_secret": "abc" (JSON), token=abc (a form or a query), password: abc (a header line)
    (re.compile(rf"(?i)([\"'](?:{_SECRET_WORDS})[\"']\s*:\s*[\"']?){_VALUE}"), r"\1" + MASK),
    (re.compile(rf"(?i)(\b(?:{_SECRET_WORDS})=){_VALUE}"), r"\1" + MASK),
    (re.compile(rf"(?i)(\b(?:{_COMPOUND_WORDS})\s*:\s*){_VALUE}"), r"\1" + MASK),
)
# Every pattern above needs one of these words: most texts are spared the patterns.
_HINT = re.compile(r"(?i)authoriz|bearer|basic|oauth|token|secret|passw|api[_-]?key")
_SECRET_KEY = re.compile(rf"(?i)^(?:{_SECRET_WORDS})$|(?:secret|password|token)$")

_lock = threading.Lock()
_values: dict[str, None] = {}  # insertion-ordered set of the forms to replace
_pattern: re.Pattern[str] | None = None
_log_redaction = False


def _forms(value: str) -> set[str]:
    return {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}


def remember(values: Iterable[Any]) -> None:
    """Secret values to redact from now on in this process (short or empty ones are skipped)."""
    global _pattern
    new = [v.strip() for v in values if isinstance(v, str) and len(v.strip()) >= MIN_LENGTH]
    if not new:
        return
    with _lock:
        before = len(_values)
        for value in new:
            for form in _forms(value):
                _values.pop(form, None)
                _values[form] = None
        while len(_values) > MAX_REMEMBERED:
            _values.pop(next(iter(_values)))
        if len(_values) != before or _pattern is None:
            ordered = sorted(_values, key=len, reverse=True)  # the longest form first
            _pattern = re.compile("|".join(map(re.escape, ordered)))
    install_log_redaction()


def forget_all() -> None:
    """Forget every remembered value (tests)."""
    global _pattern
    with _lock:
        _values.clear()
        _pattern = None


def redact(text: str) -> str:
    """``text`` with every known secret and every credential-looking part replaced by ``[redacted]``."""
    if not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    if _HINT.search(text):
        for regex, replacement in _PATTERNS:
            text = regex.sub(replacement, text)
    return text


def redact_value(value: Any) -> Any:
    """``redact`` through JSON-like data; a string under a secret-looking key is masked whole."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            k: MASK if isinstance(v, str) and v and _SECRET_KEY.search(str(k)) else redact_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


def install_log_redaction() -> None:
    """Every log record created from now on has its message and traceback redacted (idempotent)."""
    global _log_redaction
    with _lock:
        if _log_redaction:
            return
        _log_redaction = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string stays the logging module's business
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            trace = logging.Formatter().formatException(record.exc_info)
            if redact(trace) != trace:
                record.exc_text = redact(trace)
        return record

    logging.setLogRecordFactory(factory)
