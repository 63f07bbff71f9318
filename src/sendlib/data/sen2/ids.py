"""Identifiers derived from a return, through a keyed hash (HMAC-SHA-256).

The same child gets the same id from every return imported with the same key, and nobody
without the key can work back from an id to a UPN or a name. The key comes from the
environment variable ``SENDLIB_ID_KEY`` or a file given with ``--id-key-file``, kept
outside the project (it must never be committed beside the data it protects).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

KEY_ENV = "SENDLIB_ID_KEY"
MIN_KEY = 16  # characters
DIGITS = 16  # hex digits of the hash kept in an id (64 bits)


class IdKeyError(Exception):
    """No usable key; the message says how to give one."""


class IdKey:
    """The secret that turns UPNs, names and dates into ids."""

    def __init__(self, secret: bytes):
        if len(secret) < MIN_KEY:
            raise IdKeyError(
                f"the id key is {len(secret)} characters long; use at least {MIN_KEY} "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)  # copied for each id

    def id(self, prefix: str, *parts: str) -> str:
        """``prefix`` and the first hex digits of the keyed hash of ``prefix`` and ``parts``
        (a plan and a request of the same child and day get different ids)."""
        keyed = self._keyed.copy()
        keyed.update("\x1f".join((prefix, *parts)).encode("utf-8"))
        return prefix + keyed.hexdigest()[:DIGITS]


def load_key(key_file: Path | None = None, project: Path | None = None) -> IdKey:
    """The key from ``key_file`` (outside ``project``) or else from ``SENDLIB_ID_KEY``."""
    if key_file is not None:
        key_file = Path(key_file)
        if not key_file.is_file():
            raise IdKeyError(f"{key_file}: no such key file")
        if project is not None and key_file.resolve().is_relative_to(project.resolve()):
            raise IdKeyError(
                f"{key_file}: the id key is inside the project folder {project}, where it "
                "could be committed with the data; keep it outside (e.g. in your home folder)"
            )
        return IdKey(key_file.read_bytes().strip())
    secret = os.environ.get(KEY_ENV, "").strip()
    if not secret:
        raise IdKeyError(
            f"no id key: set {KEY_ENV} or give --id-key-file FILE (a secret of at least "
            f"{MIN_KEY} characters kept outside the project). Ids are a keyed hash of UPNs "
            "and names, so that nobody without the key can work back from them; use the "
            "same key every time, or the same child gets a new id"
        )
    return IdKey(secret.encode("utf-8"))
