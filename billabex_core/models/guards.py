"""Immutability of validated documents, enforced below every screen (domain.md §2).

A manual document, once validated, keeps its extracted fields forever: a flush that would
change one of them, or delete the document, raises ``ImmutableError``. Only the computed
columns (payments, credits, statuses) change afterwards. Synced documents are owned by their
billing tool and updated by the sync engine only.

Database triggers (migration 0004) enforce the same rule for every other path: bulk SQL, a
stale object whose old values the ORM no longer knows, another program on the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from billabex_core.domain.enums import Source
from billabex_core.domain.fields import FROZEN_FIELDS
from billabex_core.errors import ImmutableError
from billabex_core.models.tables import Document


def _was_validated(state: Any) -> bool:
    history = state.attrs.validated_at.history
    if history.deleted:
        return history.deleted[0] is not None
    return state.attrs.validated_at.value is not None and not history.added


def _guard(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if not isinstance(obj, Document):
            continue
        state = inspect(obj)
        source = state.attrs.source.history
        if (source.deleted[0] if source.deleted else obj.source) != Source.MANUAL:
            continue
        if not _was_validated(state):
            continue
        frozen = (*FROZEN_FIELDS, "source", "validated_at", "validated_by")
        changed = [name for name in frozen if state.attrs[name].history.deleted]
        changed = [n for n in changed if state.attrs[n].history.added != state.attrs[n].history.deleted]
        if changed:
            raise ImmutableError(obj.id, changed)
    for obj in session.deleted:
        if isinstance(obj, Document) and obj.source == Source.MANUAL and obj.validated_at is not None:
            raise ImmutableError(obj.id, ["deleted"])


event.listen(Session, "before_flush", _guard)
