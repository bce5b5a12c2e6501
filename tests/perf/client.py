"""A logged-in Flask test client that times each request, and the statistics of the timings."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask

_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class RequestFailed(RuntimeError):
    """A measured request answered with an unexpected status."""


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = _CSRF.search(html)
    if match is None:
        raise RequestFailed("no CSRF token in the page")
    return match.group(1)


@dataclass
class Figure:
    """One measurement: p50/p95 over n requests, in milliseconds."""

    name: str
    p50_ms: float
    p95_ms: float
    n: int
    target_ms: float | None = None
    target_kind: str = "p95"  # which figure the target applies to: "p95" or "p50"

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None when there is none)."""
        if self.target_ms is None:
            return None
        value = self.p95_ms if self.target_kind == "p95" else self.p50_ms
        return value <= self.target_ms

    def as_json(self) -> dict[str, Any]:
        """The object written to the JSON file."""
        return {"name": self.name, "p50_ms": self.p50_ms, "p95_ms": self.p95_ms, "n": self.n,
                "target_ms": self.target_ms, "target": self.target_kind, "met": self.met}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def figure(name: str, seconds: list[float]) -> Figure:
    """The figure of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return Figure(name, round(statistics.median(ms), 2), round(percentile(ms, 95), 2), len(ms))


class TimedClient:
    """A test client logged in as one user; `get` checks the status and returns the seconds."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def login(self, username: str, password: str) -> None:
        """Log in through the real form (CSRF token included)."""
        page = self.client.get("/login")
        response = self.client.post("/login", data={
            "username": username, "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True))})
        if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
            raise RequestFailed(f"login as {username} failed ({response.status_code})")

    def timed(self, method: str, url: str, expect: Iterable[int] = (200,),
              **kwargs: Any) -> tuple[float, Any]:
        """Make a request; return (seconds, response); RequestFailed on another status."""
        start = time.perf_counter()
        response = self.client.open(url, method=method, **kwargs)
        elapsed = time.perf_counter() - start
        if response.status_code not in tuple(expect):
            raise RequestFailed(f"{method} {url}: {response.status_code}")
        return elapsed, response

    def get(self, url: str) -> float:
        """GET a page that must answer 200; the seconds it took."""
        return self.timed("GET", url)[0]

    def text(self, url: str) -> str:
        """GET a page (untimed) and return its text."""
        response = self.client.get(url)
        if response.status_code != 200:
            raise RequestFailed(f"GET {url}: {response.status_code}")
        return response.get_data(as_text=True)


def measure(name: str, urls: list[str], client: TimedClient, warmup: int = 5) -> Figure:
    """GET every url (after a few unmeasured warm-up requests) and summarise the times."""
    for url in urls[:warmup]:
        client.get(url)
    return figure(name, [client.get(url) for url in urls])


def measure_calls(name: str, calls: list[Callable[[], float]]) -> Figure:
    """Run calls that each return their own measured seconds, and summarise them."""
    return figure(name, [call() for call in calls])
