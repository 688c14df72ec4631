"""Imported once by the isolation forkserver (``isolation._PRELOAD``): the extraction's caches
are built there, and every reader child forked from it starts warm (``extraction.warm``)."""

from __future__ import annotations

from billabex_core.extraction.warm import warm_up

warm_up()
