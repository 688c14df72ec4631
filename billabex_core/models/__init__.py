"""The domain model: enums and tables (importing this registers every table)."""

from billabex_core.domain.enums import *  # noqa: F403
from billabex_core.models import guards  # noqa: F401  (registers the immutability guard)
from billabex_core.models.auth import LoginSession, LoginThrottle  # noqa: F401
from billabex_core.models.batches import ImportBatch, ImportBatchItem  # noqa: F401
from billabex_core.models.collection import Dispute, Promise  # noqa: F401
from billabex_core.models.digest import Digest  # noqa: F401
from billabex_core.models.jobs import JobState, WorkerHeartbeat  # noqa: F401
from billabex_core.models.list_indexes import LIST_INDEXES  # noqa: F401
from billabex_core.models.tables import *  # noqa: F403
from billabex_core.models.tables import ZERO  # noqa: F401
