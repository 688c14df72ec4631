"""Settings: one pydantic-settings class, environment first.

Every setting is read from ``BILLABEX_<NAME>`` (e.g. ``BILLABEX_DATABASE_URL``). The Streamlit
entry point maps ``st.secrets`` into the environment before the first call, so the core never
needs to know about Streamlit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
# The one megabyte of upload limits and sizes shown to people: a mebibyte, as Streamlit counts
# ``server.maxUploadSize`` (.streamlit/config.toml) on its server.
MEGABYTE = 1024 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILLABEX_", extra="ignore")

    data_dir: Path = Field(default=REPO_ROOT / "data")
    database_url: str | None = None
    cookie_key: str | None = None
    secret_key: str | None = None
    timezone: str = "Europe/Paris"
    max_upload_mb: int = 20
    max_pages: int = 50
    extraction_time_budget_s: float = 60.0
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "billabex@localhost"
    # Integrations may point at a local sandbox (http://127.0.0.1:PORT, billabex_sandbox): the demo,
    # the tests and `sandbox PROVIDER`. A deployment for a team turns it off (connectors/urls.py).
    local_sandboxes: bool = True

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'billabex.db'}"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * MEGABYTE

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
