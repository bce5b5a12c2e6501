"""Benchmark: server time of the main pages on an instance with 100,000 demo cases.

Run: ``python tests/perf/run.py [--json FILE] [--postgres | --database-url URL]``. Not collected
by pytest. Builds a throwaway instance with ``flask --app advocate demo --cases N`` (reports how
long), logs in a supervisor through Flask's test client in this process, and times at least
``--requests`` requests per measurement: p50 and p95 in milliseconds.

Measurements: ``list_first``, ``list_deep`` (random pages in the second half),
``list_filter_<filter>`` (every value of each filter), ``search`` (Cyrillic text), ``case``
(random cases), ``review`` (computed on every request: the review's memo is off),
``review_memo`` (the review as served, memo on), ``calculator``, ``letter`` (a supervisor's
approval, which renders the PDF; the target is on its median).

Targets (SQLite, 2 cores): list and case p95 <= 50 ms, search p95 <= 100 ms, review p95 <=
150 ms, letter median <= 200 ms. ``--strict`` exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf import instance as instances  # noqa: E402
from tests.perf import letter_requests, scenarios  # noqa: E402
from tests.perf.client import Figure, TimedClient, csrf_token, figure, measure  # noqa: E402

#: measurement name (or prefix) -> (target in ms, figure it applies to)
TARGETS: dict[str, tuple[float, str]] = {
    "list_": (50.0, "p95"), "case": (50.0, "p95"), "search": (100.0, "p95"),
    "review": (150.0, "p95"), "letter": (200.0, "p50"),
}
SUPERVISOR, AUTHOR = "supervisor", "advocate1"


def target_for(name: str) -> tuple[float, str] | None:
    """The target of a measurement, by exact name or prefix."""
    if name in TARGETS:
        return TARGETS[name]
    for prefix, target in TARGETS.items():
        if prefix.endswith("_") and name.startswith(prefix):
            return target
    return None


def _profiled(name: str, wanted: str | None, run: Callable[[], Figure]) -> Figure:
    """Run a measurement, under pyinstrument when it is the one asked for."""
    if wanted != name:
        return run()
    from pyinstrument import Profiler

    profiler = Profiler()
    with profiler:
        result = run()
    out = Path(f"perf-profile-{name}.html")
    out.write_text(profiler.output_html(), "utf-8")
    print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)
    print(f"profile written to {out}", file=sys.stderr)
    return result


def measure_letters(inst: instances.Instance, client: TimedClient, n: int) -> Figure:
    """Approve n prepared letters as the supervisor, timing each approval request."""
    app = client.app
    plan = letter_requests.find_ready_case(app, AUTHOR)
    ids = letter_requests.submit_drafts(app, AUTHOR, plan, n + 2)
    token = csrf_token(client.text(f"/letters/{ids[0]}"))
    seconds = []
    for index, letter_id in enumerate(ids):
        elapsed, _ = client.timed("POST", f"/letters/{letter_id}/approve", expect=(302,),
                                  data={"csrf_token": token})
        if index >= 2:  # two warm-up renders (fonts, templates)
            seconds.append(elapsed)
    approved = letter_requests.approved_count(app, ids)
    if approved != len(ids):
        raise SystemExit(f"only {approved} of {len(ids)} letters were approved")
    result = figure("letter", seconds)
    print(f"  letter: {plan.type_id}/{plan.lang} on {plan.reference}", file=sys.stderr)
    return result


def run_measurements(inst: instances.Instance, n: int, seed: int,
                     only: set[str] | None, profile: str | None) -> list[Figure]:
    """Every measurement (or those named in `only`), in a fixed order."""
    rng = random.Random(seed)
    app = inst.app()
    client = TimedClient(app)
    client.login(SUPERVISOR, inst.passwords[SUPERVISOR])
    data = scenarios.collect(app, rng, n)
    plan: dict[str, Callable[[], Figure]] = {}
    for name, urls in scenarios.list_urls(data, rng, n).items():
        plan[name] = lambda name=name, urls=urls: measure(name, urls, client)
    plan["case"] = lambda: measure("case", scenarios.case_urls(data, n), client)
    review = scenarios.review_urls(data, rng, n)

    def review_uncached() -> Figure:
        app.config["REVIEW_CACHE_SECONDS"] = 0
        try:
            return measure("review", review, client)
        finally:
            app.config.pop("REVIEW_CACHE_SECONDS")

    plan["review"] = review_uncached
    plan["review_memo"] = lambda: measure("review_memo", review, client)
    route = scenarios.default_route(app)
    plan["calculator"] = lambda: measure("calculator",
                                         scenarios.calculator_urls(rng, route, n), client)
    plan["letter"] = lambda: measure_letters(inst, client, n)
    figures = []
    for name, run in plan.items():
        if only and name not in only:
            continue
        started = time.perf_counter()
        result = _profiled(name, profile, run)
        target = target_for(name)
        if target is not None:
            result.target_ms, result.target_kind = target
        figures.append(result)
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return figures


def table(figures: list[Figure]) -> str:
    """The figures as a plain-text table."""
    lines = [f"{'measurement':<26}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}  target"]
    for f in figures:
        target = ""
        if f.target_ms is not None:
            target = f"{f.target_kind} <= {f.target_ms:g} ms: {'ok' if f.met else 'MISSED'}"
        lines.append(f"{f.name:<26}{f.n:>5}{f.p50_ms:>10.1f}{f.p95_ms:>10.1f}  {target}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write one object per measurement here")
    parser.add_argument("--cases", type=int, default=100_000, help="demo cases (100000)")
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--database-url", help="an empty PostgreSQL (or SQLite) database")
    database.add_argument("--postgres", action="store_true",
                          help="start a throwaway PostgreSQL cluster (tests/pg.py)")
    parser.add_argument("--only", nargs="*", help="run only these measurements")
    parser.add_argument("--profile", metavar="NAME",
                        help="profile this measurement with pyinstrument")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", action="store_true",
                        help="keep the instance folder (SQLite) to measure it again with --reuse")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="measure an instance kept by --keep instead of building one")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the instance, measure, print the table, write the JSON."""
    args = parse_args(argv)
    if args.reuse:
        inst = instances.load(args.reuse)
        args.keep = True
    else:
        inst = instances.create(args.database_url, postgres=args.postgres)
    try:
        if not args.reuse:
            print(f"building {inst.dialect} instance with demo --cases {args.cases} "
                  f"in {inst.path} ...", file=sys.stderr)
            instances.build(inst, args.cases)
            if args.keep:
                print(f"  kept: measure again with --reuse {inst.root}", file=sys.stderr)
                instances.save(inst)
        if inst.created_schema:
            print("  note: not yet created by the migrations, made from the models: "
                  + ", ".join(inst.created_schema), file=sys.stderr)
        count = instances.case_count(inst.app())
        print(f"  built in {inst.build_seconds:.1f} s ({count} cases)", file=sys.stderr)
        figures = run_measurements(inst, args.requests, args.seed,
                                   set(args.only) if args.only else None, args.profile)
    finally:
        inst.close(keep=args.keep)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\n{inst.dialect}, {count} cases, demo built in {inst.build_seconds:.1f} s; "
          f"{os.cpu_count()} CPUs, load average {load} (other processes slow the figures)")
    print(table(figures))
    if args.json:
        payload = [f.as_json() for f in figures]
        build_ms = round(inst.build_seconds * 1000, 1)
        payload.append({"name": "demo_build", "p50_ms": build_ms, "p95_ms": build_ms, "n": 1,
                        "cases": count, "database": inst.dialect})
        args.json.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    missed = [f.name for f in figures if f.met is False]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
