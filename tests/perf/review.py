"""Benchmark: response time of `/review` with 100,000 demo cases.

Run: ``python tests/perf/review.py [--cases N] [--instance DIR] [--requests N] [--json FILE]
[--strict]``. Not collected by pytest.

Builds an instance in a temporary folder (or reuses ``--instance DIR``) with
``flask --app advocate demo --cases N`` (ADVOCATE_INSTANCE_PATH points there), logs the demo
supervisor in through the real login form of the test client (CSRF token included) and times
``--requests`` GETs of ``/review`` in three ways:

* ``cold``: the review's memo off (REVIEW_CACHE_SECONDS=0): every request reads the database;
* ``warm``: the memo on, nothing written between requests (the page as a supervisor reloads it);
* ``busy``: the memo on, and before every 10th request a note is added to a case, so that one
  request in ten computes afresh (an office at work).

Prints p50/p95/max per way, the machine's load, and how many indexes and tables of the review
were missing from the migrated database (created here, so the figures are those of the final
schema). Target (issue 7): p95 <= 150 ms.

``--sqlite-cache-mb N`` sets SQLite's page cache of every connection to N MB (the app's default
is SQLite's 2 MB), to measure what that setting would bring.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

TARGET_P95_MS = 150.0
PASSWORD = "benchmark passphrase 2026"  # noqa: S105 — a throwaway demo instance


def flask(instance: Path, *args: str) -> str:
    """Run a flask CLI command on the instance; its output."""
    env = {**os.environ, "ADVOCATE_INSTANCE_PATH": str(instance)}
    done = subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, "-m", "flask", "--app", "advocate", *args],
        cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


#: SQLite page cache per connection in MB (None: the app's own setting).
SQLITE_CACHE_MB: list[int | None] = [None]


def make_app(instance: Path, **config: Any) -> Any:
    """The app on the instance, without a second factor for the benchmark's login."""
    os.environ["ADVOCATE_INSTANCE_PATH"] = str(instance)
    from sqlalchemy import event

    from advocate import create_app
    from advocate.extensions import db

    app = create_app({"TWO_FACTOR_ROLES": [], "SESSION_COOKIE_SECURE": False,
                      "SERVER_NAME": "localhost", **config})
    megabytes = SQLITE_CACHE_MB[0]
    if megabytes:
        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _cache(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute(f"PRAGMA cache_size=-{int(megabytes) * 1024}")
    return app


def review_schema(app: Any) -> dict[str, Any]:
    """Bring the review's tables and indexes to the models' definition where the migrations do
    not yet (missing, or an index on other columns); say what was done."""
    from sqlalchemy import inspect

    from advocate.extensions import db
    from advocate.review.models import INDEXES, RefusalGround, StageSpan

    own = (StageSpan.__table__, RefusalGround.__table__)
    with app.app_context():
        inspector = inspect(db.engine)
        tables = [t for t in own if not inspector.has_table(t.name)]
        for table in tables:
            table.create(db.engine)
        inspector = inspect(db.engine)
        wanted = [*INDEXES, *(ix for t in own for ix in t.indexes)]
        changed = []
        for index in wanted:
            found = {ix["name"]: ix["column_names"]
                     for ix in inspector.get_indexes(index.table.name)}
            columns = [c.name for c in index.columns]
            if found.get(index.name) == columns:
                continue
            if index.name in found:
                index.drop(db.engine)
            index.create(db.engine)
            changed.append(index.name)
        return {"tables_created": [t.name for t in tables], "indexes_created": changed}


def build(instance: Path, cases: int) -> dict[str, Any]:
    """Migrate, add the review's schema, fill with demo data; timings and what was created."""
    started = time.perf_counter()
    flask(instance, "init")
    created = review_schema(make_app(instance))
    output = flask(instance, "demo", "--cases", str(cases))
    return {**created, "build_s": round(time.perf_counter() - started, 1),
            "demo_output": output.strip().splitlines()[-3:]}


def set_password(app: Any) -> None:
    """A known password for the demo supervisor."""
    from advocate.auth import operations
    from advocate.extensions import db

    with app.app_context():
        user = operations.find_user("supervisor")
        if user is None:
            raise SystemExit("the instance has no demo supervisor")
        operations.set_password(user, PASSWORD)
        db.session.commit()


def logged_in(app: Any) -> Any:
    """A test client logged in as the supervisor through the login form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"username": "supervisor", "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    return client


def note_writer(app: Any) -> Any:
    """A function adding a note to one demo case (an event: the memo's figures go stale)."""
    from sqlalchemy import select

    from advocate.cases import operations
    from advocate.cases.models import Case
    from advocate.extensions import db

    def write() -> None:
        with app.app_context():
            case = db.session.execute(select(Case).order_by(Case.id).limit(1)).scalar_one()
            operations.add_note(case, "Benchmark note: called the family.", actor=None)
            db.session.commit()

    return write


def timed(client: Any, url: str, requests: int, before: Any = None) -> list[float]:
    """Milliseconds of each GET (after the optional `before(i)` call, which is not timed)."""
    times = []
    for i in range(requests):
        if before is not None:
            before(i)
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
        times.append(elapsed)
    return times


def summary(times: list[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"requests": len(times), "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(p95, 1), "max_ms": round(ordered[-1], 1)}


def run(instance: Path, requests: int, url: str) -> dict[str, Any]:
    """Time the three ways on an instance that is already built."""
    results: dict[str, Any] = {}
    cold = make_app(instance, REVIEW_CACHE_SECONDS=0)
    set_password(cold)
    client = logged_in(cold)
    timed(client, url, 3)  # warm-up: imports, templates, SQLite page cache
    results["cold"] = summary(timed(client, url, requests))
    warm = make_app(instance)
    client = logged_in(warm)
    timed(client, url, 1)
    results["warm"] = summary(timed(client, url, requests))
    write = note_writer(warm)
    results["busy"] = summary(timed(client, url, requests,
                                    before=lambda i: write() if i % 10 == 0 else None))
    return results


def case_count(app: Any) -> int:
    """How many cases the instance holds."""
    from sqlalchemy import func, select

    from advocate.cases.models import Case
    from advocate.extensions import db

    with app.app_context():
        return db.session.execute(select(func.count(Case.id))).scalar_one()


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the instance, time /review, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--instance", type=Path, help="reuse (or build once in) this folder")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--url", default="/review")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--sqlite-cache-mb", type=int, default=None,
                        help="SQLite page cache per connection, in MB (default: the app's)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when the warm or busy p95 misses the target")
    args = parser.parse_args(argv)
    SQLITE_CACHE_MB[0] = args.sqlite_cache_mb
    temporary = None
    instance = args.instance
    if instance is None:
        temporary = tempfile.TemporaryDirectory(prefix="advocate-review-perf-")
        instance = Path(temporary.name)
    instance.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"cases_wanted": args.cases, "url": args.url,
                              "sqlite_cache_mb": args.sqlite_cache_mb or "app default (2)"}
    if not (instance / "advocate.db").exists():
        report["build"] = build(instance, args.cases)
    else:
        report["build"] = review_schema(make_app(instance))
    report["cases"] = case_count(make_app(instance))
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report["cpus"] = os.cpu_count()
    report["results"] = run(instance, args.requests, args.url)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    if temporary is not None:
        temporary.cleanup()
    missed = [way for way in ("warm", "busy")
              if report["results"][way]["p95_ms"] > TARGET_P95_MS]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
