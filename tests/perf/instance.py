"""A throwaway instance for the benchmark and the load test: built with `demo --cases N`.

The instance lives in a temporary folder (ADVOCATE_INSTANCE_PATH), on SQLite there or on
PostgreSQL (a URL, or the tests' throwaway cluster from tests/pg.py). It is built the way an
operator would: `flask --app advocate init`, then `demo --cases N`, run in this process through
Flask's CLI runner so the time is the command's own.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from sqlalchemy import inspect, text  # noqa: E402

from advocate import create_app  # noqa: E402
from advocate.extensions import db  # noqa: E402
from tests import pg  # noqa: E402

#: The demo prints each new account once: "  username  role[, administrator]  password".
_ACCOUNT_LINE = re.compile(r"^\s+(\S+)\s+(?:advocate|supervisor)(?:, administrator)?\s+(\S+)\s*$")
#: One password for the accounts the load test adds (long enough for the password rules).
EDITOR_PASSWORD = "load-test editor passphrase 2024"


@dataclass
class Instance:
    """A built instance: where it is, its database, how long it took, the demo passwords."""

    root: Path
    database_url: str
    secret_key: str
    build_seconds: float = 0.0
    passwords: dict[str, str] = field(default_factory=dict)
    created_schema: list[str] = field(default_factory=list)
    cluster: pg.Cluster | None = None

    @property
    def path(self) -> Path:
        """The instance folder."""
        return self.root / "instance"

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    def environ(self) -> dict[str, str]:
        """Environment variables that point the app (or gunicorn) at this instance."""
        return {
            "ADVOCATE_INSTANCE_PATH": str(self.path),
            "ADVOCATE_DATABASE_URL": self.database_url,
            "ADVOCATE_SECRET_KEY": self.secret_key,
            # Plain HTTP on loopback, and password-only logins for the measured accounts.
            "ADVOCATE_SESSION_COOKIE_SECURE": "false",
            "ADVOCATE_TWO_FACTOR_ROLES": "[]",
        }

    def app(self, **overrides: Any) -> Flask:
        """An application on this instance (the environment is set while it is built)."""
        config: dict[str, Any] = {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SESSION_COOKIE_SECURE": False,
            "TWO_FACTOR_ROLES": [],
        }
        config.update(overrides)
        with _environ({"ADVOCATE_INSTANCE_PATH": str(self.path)}):
            return create_app(config)

    def close(self, keep: bool = False) -> None:
        """Stop the PostgreSQL cluster (if we started it) and delete the folder."""
        if self.cluster is not None:
            self.cluster.stop()
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def create(database_url: str | None = None, *, postgres: bool = False) -> Instance:
    """An empty instance in a new temporary folder; PostgreSQL when asked (or a URL given)."""
    root = Path(tempfile.mkdtemp(prefix="advocate-perf-"))
    cluster = None
    if postgres and not database_url:
        cluster, reason = pg.start()
        if cluster is None:
            shutil.rmtree(root, ignore_errors=True)
            raise SystemExit(f"cannot start PostgreSQL: {reason}")
        database_url = cluster.url
    url = database_url or f"sqlite:///{root / 'instance' / 'advocate.db'}"
    (root / "instance").mkdir()
    return Instance(root=root, database_url=url, secret_key=secrets.token_hex(32),
                    cluster=cluster)


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exit_code != 0:
        raise SystemExit(f"`flask {' '.join(args)}` failed:\n{result.output}\n{result.exception!r}")
    return result.output


def _create_missing_schema(app: Flask) -> list[str]:
    """Tables and indexes of the models that the migrations do not create yet (features still
    landing), so that the figures are those of the final schema."""
    created = []
    with app.app_context():
        inspector = inspect(db.engine)
        existing = set(inspector.get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name not in existing:
                table.create(db.engine)
                created.append(table.name)
                continue
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in indexes and _applies(index, db.engine.dialect.name):
                    index.create(db.engine)
                    created.append(str(index.name))
    return created


def _applies(index: Any, dialect: str) -> bool:
    """Whether an index is meant for this database (some are declared for PostgreSQL only)."""
    condition = getattr(index, "_ddl_if", None)
    return condition is None or not condition.dialect or condition.dialect == dialect


def build(instance: Instance, cases: int) -> Instance:
    """`init` + `demo --cases N` on the instance; record the time and the demo passwords."""
    app = instance.app()
    start = time.perf_counter()
    _run(app, "init")
    instance.created_schema = _create_missing_schema(app)
    output = _run(app, "demo", "--cases", str(cases))
    instance.build_seconds = time.perf_counter() - start
    for line in output.splitlines():
        match = _ACCOUNT_LINE.match(line)
        if match:
            instance.passwords[match.group(1)] = match.group(2)
    if instance.dialect == "postgresql":
        # A running server's autovacuum vacuums and analyses tables this size within minutes
        # of the load; do it now so the measurements meet the steady state, not a planner
        # without statistics and index-only scans that must visit the heap (no visibility map).
        with app.app_context():
            with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
    with app.app_context():
        db.engine.dispose()
    return instance


STATE_FILE = "bench-instance.json"


def save(instance: Instance) -> Path:
    """Write what `load` needs to reuse a kept instance (a throwaway one: passwords included)."""
    path = instance.root / STATE_FILE
    path.write_text(json.dumps({
        "database_url": instance.database_url, "secret_key": instance.secret_key,
        "passwords": instance.passwords, "build_seconds": instance.build_seconds,
    }, indent=2), "utf-8")
    path.chmod(0o600)
    return path


def load(root: Path) -> Instance:
    """A kept instance (`--keep`) to measure again without building it again (SQLite or a
    PostgreSQL server that still runs)."""
    data = json.loads((root / STATE_FILE).read_text("utf-8"))
    return Instance(root=root, database_url=data["database_url"], secret_key=data["secret_key"],
                    build_seconds=data["build_seconds"], passwords=data["passwords"])


def case_count(app: Flask) -> int:
    """How many cases the instance holds."""
    from sqlalchemy import func, select

    from advocate.cases.models import Case

    with app.app_context():
        return db.session.execute(select(func.count(Case.id))).scalar_one()
