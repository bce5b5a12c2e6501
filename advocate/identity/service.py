"""The app's one keyring, for identity fields and (later) stored files.

Loaded lazily, once per app, from ``IDENTITY_KEYS`` (the ``ADVOCATE_IDENTITY_KEYS`` environment
value, or a list in tests) or else the key file ``IDENTITY_KEY_FILE``, and kept in
``app.extensions``. Lazily, because ``init`` creates the key file after the app is built; the
commands that change the key file call ``reload_keyring``. Loading never raises: a missing or
garbled source gives an unavailable keyring whose ``problem`` says why.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from advocate.identity.keyring import Keyring

EXTENSION = "advocate.identity.keyring"


def keys_from_config(app: Flask) -> str | None:
    """The configured key list as one string, or None when the key file is to be used."""
    value = app.config.get("IDENTITY_KEYS")
    if isinstance(value, list | tuple):
        value = "\n".join(str(v) for v in value)
    if value is None or not str(value).strip():
        return None
    return str(value)


def key_file(app: Flask) -> Path:
    """The configured key file path."""
    return Path(app.config["IDENTITY_KEY_FILE"])


def keys_in_file(app: Flask) -> bool:
    """Whether the keys come from the key file (so commands may write to it)."""
    return keys_from_config(app) is None


def load_keyring(app: Flask) -> Keyring:
    """Read the keys from the configuration or the key file, without caching."""
    return Keyring.load(keys_from_config(app), key_file(app))


def reload_keyring(app: Flask | None = None) -> Keyring:
    """Read the keys again (after the key file changed) and keep them for the app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    keyring = load_keyring(app)
    app.extensions[EXTENSION] = keyring
    return keyring


def get_keyring(app: Flask | None = None) -> Keyring:
    """The app's keyring, loaded on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    keyring = app.extensions.get(EXTENSION)
    if keyring is None:
        keyring = reload_keyring(app)
    return keyring
