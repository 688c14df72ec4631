"""What a sync reports: counts per entity, live progress, and the final result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from billabex_core.models import SyncStatus

COUNT_KEYS = ("created", "updated", "unchanged", "failed", "deleted")


@dataclass(slots=True)
class Counts:
    """Per-entity tallies. ``failed`` records were skipped (see the run's errors), the rest went on."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    deleted: int = 0

    def add(self, other: Counts) -> None:
        for key in COUNT_KEYS:
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @property
    def total(self) -> int:
        return sum(getattr(self, key) for key in COUNT_KEYS)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, int] | None) -> Counts:
        return cls(**{k: int((data or {}).get(k, 0)) for k in COUNT_KEYS})

    def summary(self) -> str:
        return ", ".join(f"{key} {getattr(self, key)}" for key in COUNT_KEYS)


def counts_as_dict(counts: dict[str, Counts]) -> dict[str, dict[str, int]]:
    return {entity: c.as_dict() for entity, c in counts.items()}


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Sent to the progress callback after every committed page (and once at the end)."""

    integration: str
    entity: str
    entity_index: int  # 0-based position of ``entity`` in the connector's entity order
    entity_total: int
    pages: int
    requests: int
    counts: dict[str, Counts]
    done: bool = False

    @property
    def fraction(self) -> float:
        """A coarse 0..1 figure for a progress bar: entities done, half a step for the current one."""
        if self.done or not self.entity_total:
            return 1.0
        return min(0.99, (self.entity_index + 0.5) / self.entity_total)


@dataclass(slots=True)
class SyncResult:
    integration: str
    run_id: int
    status: SyncStatus
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status in (SyncStatus.SUCCEEDED, SyncStatus.PARTIAL)

    @property
    def error(self) -> str | None:
        """The one-line reason of a failed run."""
        return self.errors[0] if self.status == SyncStatus.FAILED and self.errors else None
