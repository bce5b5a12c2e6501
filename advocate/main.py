"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import text

from advocate.extensions import csrf, db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    """The first screen of the working day."""
    return render_template("main/index.html")


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """200 when the application and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
