"""Load test: gunicorn on loopback, concurrent logged-in editors browsing, searching and editing.

Run: ``python tests/perf/load.py [--postgres | --database-url URL] [--json FILE]``. Not collected
by pytest. Builds a throwaway instance (``demo --cases N``), adds ``--editors`` advocates each
owning a case plus one case they all share, starts gunicorn (``--workers``) on 127.0.0.1, and
lets every editor loop for ``--duration`` seconds or until ``--max-requests`` requests in all:
the case list (pages, filters), Cyrillic searches, case pages, edits of their own case's record
through the real form (CSRF token and version from the form), notes on their own case and on
the shared one. Then it stops the server and checks that no acknowledged edit was lost or mixed
up (see ``editors.verify``), and that the event log's hash chain is intact.

Reports requests per second, p50/p95 per kind and overall, and every error. Exit 1 on an error
or a lost edit. Bounded: fixed duration and request cap, loopback only, stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf import editors as editor_setup  # noqa: E402
from tests.perf import instance as instances  # noqa: E402
from tests.perf.client import csrf_token, percentile  # noqa: E402
from tests.perf.forms import form_with  # noqa: E402
from tests.perf.scenarios import SEARCHES  # noqa: E402

HOST = "127.0.0.1"
COOKIE = "advocate_session"
#: What an editor does next, with weights: reading dominates, as in an office.
ACTIONS = (("list", 25), ("filter", 10), ("search", 15), ("own_case", 15), ("shared_case", 5),
           ("edit", 15), ("note", 10), ("shared_note", 5))


class Failed(Exception):
    """A request that did not answer as the page would for a user."""


@dataclass
class Stats:
    """Timings and errors of every request, by kind; safe across threads."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def take(self, cap: int) -> bool:
        """Reserve one request under the cap; False when the cap is reached."""
        with self.lock:
            if self.count >= cap:
                return False
            self.count += 1
            return True

    def add(self, kind: str, seconds: float) -> None:
        """Record a successful request."""
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, message: str) -> None:
        """Record a failed request."""
        with self.lock:
            self.errors.append(message)


class Browser:
    """One user's cookie and requests over loopback HTTP (a new connection each time)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port = port
        self.stats = stats
        self.cookie = ""

    def request(self, kind: str, method: str, path: str, form: list[tuple[str, str]] | None = None,
                expect: int = 200) -> tuple[int, dict[str, str], str]:
        """Make a request, keep the session cookie, time it and check its status."""
        body = urlencode(form).encode() if form is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(COOKIE + "="):
                self.cookie = value.split(";", 1)[0]
        location = response.getheader("Location") or ""
        if response.status != expect or (expect == 302 and "/login" in location):
            raise Failed(f"{method} {path}: {response.status} {location}".strip())
        self.stats.add(kind, elapsed)
        return response.status, dict(response.getheaders()), text

    def login(self, username: str, password: str) -> None:
        """Log in through the form."""
        page = self.request("login", "GET", "/login")[2]
        self.request("login", "POST", "/login", [
            ("username", username), ("password", password), ("csrf_token", csrf_token(page))],
            expect=302)


class EditorLoop:
    """One editor's session: a weighted random walk through the pages until told to stop."""

    def __init__(self, browser: Browser, editor: editor_setup.Editor, shared: str,
                 rng: random.Random, total_pages: int) -> None:
        self.b, self.editor, self.shared, self.rng = browser, editor, shared, rng
        self.total_pages = total_pages
        self.edits = 0

    def step(self, action: str) -> None:
        """Do one action (some take two requests: the form, then the post)."""
        getattr(self, action)()

    def list(self) -> None:
        """A page of the case list."""
        page = self.rng.choice([1, 1, 2, self.rng.randint(1, self.total_pages)])
        self.b.request("list", "GET", f"/cases?page={page}")

    def filter(self) -> None:
        """The case list with a filter."""
        args = self.rng.choice([{"status": "intake"}, {"custody_type": "colony"},
                                {"has_claims": "yes"}, {"owner": self.editor.username}])
        self.b.request("filter", "GET", "/cases?" + urlencode(args))

    def search(self) -> None:
        """A Cyrillic text search."""
        self.b.request("search", "GET", "/cases?" + urlencode({"q": self.rng.choice(SEARCHES)}))

    def own_case(self) -> None:
        """The editor's own case page."""
        self.b.request("case", "GET", f"/cases/{self.editor.reference}")

    def shared_case(self) -> None:
        """The shared case page."""
        self.b.request("case", "GET", f"/cases/{self.shared}")

    def edit(self) -> None:
        """Change the own case's label through the edit form (its CSRF token and version)."""
        path = f"/cases/{self.editor.reference}/edit"
        form = form_with(self.b.request("edit_form", "GET", path)[2], "version")
        self.edits += 1
        label = f"{editor_setup.MARKER} {self.editor.username} edit {self.edits}"
        form.set("label", label)
        self.b.request("edit_save", "POST", path, form.fields, expect=302)
        self.editor.labels.append(label)

    def _note(self, reference: str, text: str) -> None:
        page = self.b.request("case", "GET", f"/cases/{reference}")[2]
        form = form_with(page, "text")
        form.set("text", text)
        self.b.request("note", "POST", f"/cases/{reference}/notes", form.fields, expect=302)

    def note(self) -> None:
        """A note on the own case."""
        text = f"{editor_setup.MARKER} {self.editor.username} note {len(self.editor.notes) + 1}"
        self._note(self.editor.reference, text)
        self.editor.notes.append(text)

    def shared_note(self) -> None:
        """A note on the shared case."""
        count = len(self.editor.shared_notes) + 1
        text = f"{editor_setup.MARKER} {self.editor.username} shared {count}"
        self._note(self.shared, text)
        self.editor.shared_notes.append(text)


def run_editor(loop: EditorLoop, password: str, deadline: float, cap: int) -> None:
    """Log in, then act until the deadline or the request cap; record failures."""
    stats = loop.b.stats
    try:
        loop.b.login(loop.editor.username, password)
    except (Failed, OSError, LookupError) as exc:
        stats.error(f"{loop.editor.username} login: {exc}")
        return
    names, weights = zip(*ACTIONS, strict=True)
    while time.monotonic() < deadline and stats.take(cap):
        action = loop.rng.choices(names, weights)[0]
        try:
            loop.step(action)
        except (Failed, OSError, LookupError, http.client.HTTPException) as exc:
            stats.error(f"{loop.editor.username} {action}: {exc}")


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(inst: instances.Instance, port: int, workers: int, log: Path
                   ) -> subprocess.Popen:
    """gunicorn serving the instance on loopback; waits until it answers."""
    binary = Path(sys.executable).with_name("gunicorn")
    command = [str(binary), "-w", str(workers), "-b", f"{HOST}:{port}", "--timeout", "60",
               "--graceful-timeout", "10", "advocate:create_app()"]
    env = {**os.environ, **inst.environ()}
    handle = log.open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=handle, stderr=handle)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn (the process we started) and wait for it."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def summary(stats: Stats, seconds: float) -> dict[str, object]:
    """Requests per second, p50/p95 overall and per kind, errors."""
    every = [t for times in stats.times.values() for t in times]
    kinds = {kind: {"n": len(times), "p50_ms": round(percentile(times, 50) * 1000, 1),
                    "p95_ms": round(percentile(times, 95) * 1000, 1)}
             for kind, times in sorted(stats.times.items())}
    return {
        "requests": len(every), "seconds": round(seconds, 1),
        "requests_per_second": round(len(every) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(every, 50) * 1000, 1),
        "p95_ms": round(percentile(every, 95) * 1000, 1),
        "errors": len(stats.errors), "kinds": kinds,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--database-url", help="an empty PostgreSQL (or SQLite) database")
    database.add_argument("--postgres", action="store_true",
                          help="start a throwaway PostgreSQL cluster (tests/pg.py)")
    parser.add_argument("--cases", type=int, default=10_000, help="demo cases (10000)")
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (60)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap on all requests")
    parser.add_argument("--json", type=Path, help="write the summary here")
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def drive(inst: instances.Instance, args: argparse.Namespace,
          people: list[editor_setup.Editor], shared: str, port: int) -> tuple[Stats, float]:
    """Run every editor in its own thread against the server; the stats and the wall time."""
    stats = Stats()
    total_pages = max(1, args.cases // 50)
    loops = [EditorLoop(Browser(port, stats), e, shared, random.Random(args.seed + i),
                        total_pages) for i, e in enumerate(people)]
    start = time.monotonic()
    deadline = start + args.duration
    threads = [threading.Thread(target=run_editor, args=(loop, instances.EDITOR_PASSWORD,
                                                          deadline, args.max_requests))
               for loop in loops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.duration + 120)
    return stats, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    """Build, serve, load, stop, verify, report."""
    args = parse_args(argv)
    inst = instances.create(args.database_url, postgres=args.postgres)
    process = None
    try:
        print(f"building {inst.dialect} instance (demo --cases {args.cases}) ...", file=sys.stderr)
        instances.build(inst, args.cases)
        app = inst.app()
        people, shared = editor_setup.create(app, args.editors, instances.EDITOR_PASSWORD,
                                             "supervisor")
        port = free_port()
        process = start_gunicorn(inst, port, args.workers, inst.root / "gunicorn.log")
        print(f"gunicorn -w {args.workers} on {HOST}:{port}; {args.editors} editors for "
              f"{args.duration:g} s ...", file=sys.stderr)
        stats, seconds = drive(inst, args, people, shared, port)
        stop(process)
        process = None
        problems = editor_setup.verify(app, people, shared)
    finally:
        if process is not None:
            stop(process)
        inst.close()
    result = summary(stats, seconds)
    result.update(database=inst.dialect, workers=args.workers, editors=args.editors,
                  cpus=os.cpu_count(), load_average=[round(v, 1) for v in os.getloadavg()],
                  edits=sum(len(p.labels) for p in people),
                  notes=sum(len(p.notes) + len(p.shared_notes) for p in people),
                  lost_or_mixed=problems, error_samples=stats.errors[:20])
    report(result, Counter(e.split(":")[0] for e in stats.errors))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 1 if stats.errors or problems else 0


def report(result: dict, error_kinds: Counter) -> None:
    """Print the summary."""
    print(f"\n{result['database']}, gunicorn -w {result['workers']}, {result['editors']} editors:"
          f" {result['requests']} requests in {result['seconds']} s = "
          f"{result['requests_per_second']} req/s; p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms; errors {result['errors']} ({result['cpus']} CPUs, load "
          f"average {result['load_average']})")
    for kind, figures in result["kinds"].items():
        print(f"  {kind:<12} n={figures['n']:<6} p50 {figures['p50_ms']:>7} ms  "
              f"p95 {figures['p95_ms']:>7} ms")
    print(f"acknowledged: {result['edits']} record edits, {result['notes']} notes")
    for kind, count in error_kinds.most_common(10):
        print(f"  error x{count}: {kind}")
    for sample in result["error_samples"][:5]:
        print(f"    e.g. {sample}")
    if result["lost_or_mixed"]:
        print("LOST OR MIXED-UP EDITS:")
        for problem in result["lost_or_mixed"]:
            print(f"  {problem}")
    else:
        print("verified: every acknowledged edit and note is stored, none lost or mixed up; "
              "audit chain intact")


if __name__ == "__main__":
    sys.exit(main())
