"""Transfer procedures: route definitions as data, sentence arithmetic, eligibility, documents,
consents and deadlines.

`init_app` loads and validates every route file when the app starts: a malformed file stops the
app with a ProcedureDefinitionError naming the file, the key and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from advocate.procedures.definitions import Procedure

#: Where the loaded routes live on the app.
EXTENSION = "advocate.procedures"
#: The route used when a case or a form does not choose one.
DEFAULT_ROUTE = "ru_uz"


def init_app(app: Flask) -> None:
    """Load and validate the routes (PROCEDURES_DIR, default: the package's); wire the hooks."""
    from advocate.procedures.definitions import ROUTES_DIR, load_procedures

    folder = app.config.get("PROCEDURES_DIR") or ROUTES_DIR
    # fresh: a file edited since the last app was built in this process is read again.
    app.extensions[EXTENSION] = load_procedures(Path(folder), fresh=True)

    from advocate.procedures import hooks

    hooks.init_app(app)


def procedures() -> dict[str, Procedure]:
    """Every loaded route, by id."""
    return current_app.extensions[EXTENSION]


def get_procedure(route_id: str | None = None) -> Procedure | None:
    """The route with this id (default: the default route, or the only one), or None."""
    loaded = procedures()
    if route_id:
        return loaded.get(route_id)
    return loaded.get(DEFAULT_ROUTE) or (next(iter(loaded.values())) if len(loaded) == 1 else None)


def procedure_for(case: Any) -> Procedure | None:
    """The route of a case: from its country of custody to Uzbekistan; None if none exists."""
    country = (getattr(case, "custody_country", None) or "RU").lower()
    for procedure in procedures().values():
        if procedure.from_country == country and procedure.to_country == "uz":
            return procedure
    return None
