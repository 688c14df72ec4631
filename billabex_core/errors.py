"""The one exception tree of Billabex.

    BillabexError                 every error a user may see; ``str()`` is one clear line
    ├── ValidationError           bad input (a field, a value) — ``field`` names it
    │   └── DuplicateDocumentError   (account, kind, number) or the same PDF exists already
    ├── NotFoundError             an id that does not exist
    ├── ImmutableError            a validated document's extracted fields may not change
    ├── ConflictError             a concurrent edit or a lock held by someone else
    ├── PermissionDeniedError     the action is for administrators only (or the login is disabled)
    ├── ExtractionError           a PDF that cannot be read (see extraction.errors)
    ├── ConnectorError            a provider API failed (see connectors.base)
    └── ConfigurationError        missing or invalid settings

Screens catch ``BillabexError`` and show it with one helper; the CLI prints it on stderr and
exits 1 (2 for ``ValidationError`` / ``ExtractionError``, which are bad input).

The message is English (the CLI's and the logs'). An error a screen translates also carries a
stable ``code`` and its ``params``: the screens show the text of ``error.<code>`` in the user's
language (``billabex_ui/locales``), with the label the user sees for ``field``.
"""

from __future__ import annotations

from billabex_core.messages import Template
from billabex_core.redaction import redact


class BillabexError(Exception):
    """Root of every error a user may see. The message is one line, no traceback."""

    exit_code = 1

    def __init__(
        self, message: str, *, code: str | None = None, params: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __str__(self) -> str:
        return self.message


class ValidationError(BillabexError):
    """Bad input: ``field`` names the offending field when there is one."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message, code=code, params=params)
        self.field = field


class DuplicateDocumentError(ValidationError):
    """A document with the same identity (or the same PDF bytes) exists already."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        existing_id: int | None = None,
        existing_kind: str = "document",
        number: str | None = None,
    ) -> None:
        code = "duplicate.pdf" if number is None else f"duplicate.{existing_kind}"
        super().__init__(message, code=code, params={"document": existing_id, "number": number or ""})
        self.existing_id = existing_id
        self.existing_kind = existing_kind


class NotFoundError(BillabexError):
    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(
            f"{entity} {ident} does not exist", code="not_found", params={"entity": entity, "ident": ident}
        )
        self.entity = entity
        self.ident = ident


class ImmutableError(BillabexError):
    """Raised when a validated document's extracted fields would change."""

    def __init__(self, document_id: int | None, fields: list[str]) -> None:
        names = ", ".join(sorted(fields))
        super().__init__(
            f"document {document_id} is validated: its fields cannot change ({names})",
            code="immutable",
            params={"document": document_id, "fields": sorted(fields)},
        )
        self.document_id = document_id
        self.fields = fields


class ConflictError(BillabexError):
    """Someone else changed the same data, or holds the lock."""


class PermissionDeniedError(BillabexError):
    """The acting login may not do this: administrators only, or the login is disabled."""


class ExtractionError(BillabexError):
    """A PDF that cannot be read. Subclasses live in ``billabex_core.extraction.errors``."""

    exit_code = 2


class ConnectorError(BillabexError):
    """A provider API failed. Subclasses live in ``billabex_core.connectors.base``. The message
    never holds a secret: it is redacted (``billabex_core.redaction``) whatever a provider sent,
    and so are the parameters. A subclass passes a ``messages.Template`` and its parameters: the
    template's code is the error's (a plain message has none)."""

    def __init__(self, message: str | Template, **params: object) -> None:
        if isinstance(message, Template):
            text, code = message.format(**params), message.code
        else:
            text, code = message, None
        clean = {name: redact(value) if isinstance(value, str) else value for name, value in params.items()}
        super().__init__(redact(text), code=code, params=clean)


class ConfigurationError(BillabexError):
    """Missing or invalid settings."""
