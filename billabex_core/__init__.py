"""Billabex core: extraction, persistence, connectors, sync engine, agent and CLI.

Plain Python: this package never imports streamlit (a test checks it). The screens in
``app.py`` and ``pages/`` call the service functions exposed here.
"""

__version__ = "0.1.0"
