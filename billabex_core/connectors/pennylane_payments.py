"""Payment rows of many invoices, a few requests in flight (connectors.md §1.5, §1.6).

Pennylane has no bulk payment endpoint: ``GET /customer_invoices/{id}/payments`` costs one
request per invoice, and a full scan reads them for every (partly) paid invoice. Sent one after
the other, each request waits for the previous answer; ``PaymentFetcher`` keeps up to
``WORKERS`` in flight instead (each worker thread with its own ``ApiClient``, all sharing the
connector's rate limiter, so the 25 requests / 5 s are never exceeded). Results keep the
invoices' order; an error in any request is raised as if the requests had been sequential.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from billabex_core.connectors.http import ApiClient

WORKERS = 4  # requests in flight at most; the shared rate limiter still paces them


class PaymentFetcher:
    """Fetches ``fetch(client, invoice)`` for many invoices with one ``ApiClient`` per worker."""

    def __init__(self, make_client: Callable[[], ApiClient], *, workers: int = WORKERS) -> None:
        self._make_client = make_client
        self._workers = workers
        self._local = threading.local()
        self._lock = threading.Lock()
        self._clients: list[ApiClient] = []
        self._pool: ThreadPoolExecutor | None = None

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(client.requests for client in self._clients)

    def map(
        self, fetch: Callable[[ApiClient, Any], list[Any]], invoices: Sequence[Any]
    ) -> Iterator[list[Any]]:
        """``fetch`` of each invoice, in order."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="pennylane-payments")
        return self._pool.map(lambda invoice: fetch(self._client(), invoice), invoices)

    def _client(self) -> ApiClient:
        client: ApiClient | None = getattr(self._local, "client", None)
        if client is None:
            client = self._make_client()
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()
