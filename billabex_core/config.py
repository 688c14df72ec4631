"""Settings: one pydantic-settings class, environment first.

Every setting is read from ``BILLABEX_<NAME>`` (e.g. ``BILLABEX_DATABASE_URL``). The Streamlit
entry point maps ``st.secrets`` into the environment before the first call, so the core never
needs to know about Streamlit.
"""

from __future__ import annotations

import os
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
    smtp_ssl: bool = False  # SMTPS (implicit TLS); a login needs this or STARTTLS (mail/delivery.py)
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


PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def _tighten(path: Path, mode: int) -> None:
    """``chmod`` to ``mode`` when it differs and the path is ours (not someone else's folder)."""
    stat = path.stat()
    if stat.st_mode & 0o777 != mode and stat.st_uid == os.getuid():
        os.chmod(path, mode)


def _in_data_dir(path: Path) -> bool:
    data = get_settings().data_dir.resolve()
    return path.resolve() == data or data in path.resolve().parents


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents readable by their owner only (0700); a folder of
    ``data/`` (or ``data/`` itself) that exists with a wider mode is tightened (issue #17)."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
            _tighten(folder, PRIVATE_DIR)  # mkdir's mode goes through the umask
        elif folder.is_dir() and _in_data_dir(folder):
            _tighten(folder, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing, 0600; an existing file of ``data/`` is tightened."""
    private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
        _tighten(path, PRIVATE_FILE)
    elif _in_data_dir(path):
        _tighten(path, PRIVATE_FILE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by its owner only (0600)."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)
        handle.write(data)
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
