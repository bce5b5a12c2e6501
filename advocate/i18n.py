"""Interface languages: catalog compilation at start-up and the locale choice per request."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "uz": "Oʻzbekcha"}


def compile_catalogs(source: Path, target: Path) -> int:
    """Compile every .po under source into target when missing or older; return how many were built.

    Done at start-up so a fresh clone shows a translated interface without a manual step; the
    compiled files live in the instance folder because the code folder may be read-only.
    """
    built = 0
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)
        built += 1
    return built


def select_locale() -> str:
    """The user's choice, else the session's, else the browser's Accept-Language, else English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def compiled_dir(app: Flask) -> Path:
    """Where compiled catalogs live: BABEL_COMPILED_DIR, else the instance's translations/."""
    configured = app.config.get("BABEL_COMPILED_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "translations"
