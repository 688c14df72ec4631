"""Local secrets: the login cookie key and the key that encrypts integration credentials.

Each comes from its environment variable when set (``BILLABEX_COOKIE_KEY``,
``BILLABEX_SECRET_KEY``); otherwise it is generated once into a file under ``data/`` readable
by its owner only (mode 0600), so a fresh install works with nothing to configure.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from billabex_core import redaction
from billabex_core.config import get_settings, private_dir
from billabex_core.errors import ConfigurationError

PLACEHOLDERS = {"changeme", "change-me", "secret", "some_key", ""}


def _file_secret(path: Path) -> str:
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text().strip()
        if not value:
            raise ConfigurationError(
                f"secret file {path} is empty: delete it to generate a new one",
                code="secret.empty_file",
                params={"path": str(path)},
            ) from None
        return value
    with os.fdopen(fd, "w") as handle:
        value = secrets.token_urlsafe(48)
        handle.write(value + "\n")
    return value


def _secret(env_value: str | None, file_name: str, env_name: str) -> str:
    if env_value is not None:
        if env_value.strip().lower() in PLACEHOLDERS or len(env_value) < 16:
            raise ConfigurationError(
                f"{env_name} is a placeholder or shorter than 16 characters",
                code="secret.weak",
                params={"name": env_name},
            )
        value = env_value
    else:
        value = _file_secret(get_settings().data_dir / file_name)
    redaction.remember([value])  # never in an error, a stored detail or a log line
    return value


def cookie_key() -> str:
    return _secret(get_settings().cookie_key, ".cookie_key", "BILLABEX_COOKIE_KEY")


def _fernet() -> Fernet:
    raw = _secret(get_settings().secret_key, ".secret_key", "BILLABEX_SECRET_KEY")
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest()))


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ConfigurationError(
            "stored credentials cannot be decrypted: the secret key changed (BILLABEX_SECRET_KEY or data/.secret_key)",
            code="secret.key_changed",
        ) from None
