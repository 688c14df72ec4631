"""Provider connectors: each yields normalised records (``records``) through one interface
(``base.Connector``). ``CONNECTORS`` maps a provider name (as in ``integration add PROVIDER``)
to its class; ``CONNECTORS[name].validate_config(config)`` checks an integration's config.
"""

from __future__ import annotations

from billabex_core.connectors.base import ConnectionInfo, Connector
from billabex_core.connectors.netsuite import NetSuiteConnector
from billabex_core.connectors.pennylane import PennylaneConnector
from billabex_core.connectors.zoho_books import ZohoBooksConnector

CONNECTORS: dict[str, type[Connector]] = {
    PennylaneConnector.provider: PennylaneConnector,
    ZohoBooksConnector.provider: ZohoBooksConnector,
    NetSuiteConnector.provider: NetSuiteConnector,
}

__all__ = ["CONNECTORS", "ConnectionInfo", "Connector"]
