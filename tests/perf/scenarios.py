"""What the benchmark requests: URLs per measurement, drawn from the instance's own data.

Each measurement cycles through several values (every status, every custody type, random
regions, random cases...) so that no single cached row or plan flatters the figure.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import func, select

from advocate.cases import vocab
from advocate.cases.models import Case
from advocate.cases.search import PAGE_SIZE, UNASSIGNED
from advocate.cases.workflow import Status
from advocate.extensions import db

#: Cyrillic searches: common article fragments, a rarer one, and names that match nothing
#: (the worst case: every row's text is read).
SEARCHES = ("ч.2", "228.1 ч.4", "ч.3", "п.«г»", "иванов", "колония строгого режима")


@dataclass
class Data:
    """Facts about the instance the URLs are drawn from."""

    total: int
    references: list[str]
    regions_ru: list[str]
    owners: list[str]


def collect(app: Flask, rng: random.Random, sample: int) -> Data:
    """Read the case count, a random sample of references, the regions and owners in use."""
    with app.app_context():
        total = db.session.execute(select(func.count(Case.id))).scalar_one()
        max_id = db.session.execute(select(func.max(Case.id))).scalar_one() or 0
        ids = rng.sample(range(1, max_id + 1), min(sample * 2, max_id))
        references = list(db.session.execute(
            select(Case.reference).where(Case.id.in_(ids))).scalars())[:sample]
        regions = sorted(db.session.execute(
            select(Case.region_ru).where(Case.region_ru.is_not(None)).distinct()).scalars())
        from advocate.auth.models import User

        owners = sorted(db.session.execute(select(User.username).join(
            Case, Case.owner_id == User.id).distinct()).scalars())
    rng.shuffle(references)
    return Data(total=total, references=references, regions_ru=regions, owners=owners)


def _cycle(values: list[Any], n: int) -> list[Any]:
    return list(itertools.islice(itertools.cycle(values), n))


def _cases(**args: Any) -> str:
    return "/cases?" + urlencode(args) if args else "/cases"


def filter_values(data: Data) -> dict[str, list[str]]:
    """Every value each list filter is measured with."""
    return {
        "status": [s.value for s in Status],
        "custody_type": [c.value for c in vocab.CustodyType],
        "region_ru": data.regions_ru,
        "region_uz": [r.value for r in vocab.RegionUz],
        "owner": [*data.owners, UNASSIGNED],
        "military": [m.value for m in vocab.MilitaryStatus],
        "has_claims": ["yes", "no"],
        "claim_type": [c.value for c in vocab.CoercionType],
        "opened": [f"{start.isoformat()}|{(start + timedelta(days=days)).isoformat()}"
                   for start in (date.today() - timedelta(days=back) for back in (30, 180, 365))
                   for days in (7, 30)],
    }


def _filter_args(key: str, value: str) -> dict[str, str]:
    """The query of one filter value (`opened` is a period: from|to)."""
    if key == "opened":
        start, end = value.split("|")
        return {"opened_from": start, "opened_to": end}
    return {key: value}


def list_urls(data: Data, rng: random.Random, n: int) -> dict[str, list[str]]:
    """The case-list measurements: first page, deep pages, each filter, the text search."""
    pages = max(1, -(-data.total // PAGE_SIZE))
    deep = [rng.randint(max(1, pages // 2), pages) for _ in range(n)]
    urls = {"list_first": [_cases()] * n, "list_deep": [_cases(page=p) for p in deep]}
    for key, values in filter_values(data).items():
        shuffled = _cycle(values, n)
        rng.shuffle(shuffled)
        urls[f"list_filter_{key}"] = [_cases(**_filter_args(key, v)) for v in shuffled]
    urls["search"] = [_cases(q=q) for q in _cycle(list(SEARCHES), n)]
    return urls


def case_urls(data: Data, n: int) -> list[str]:
    """Case pages of random cases."""
    return [f"/cases/{ref}" for ref in _cycle(data.references, n)]


def review_urls(data: Data, rng: random.Random, n: int) -> list[str]:
    """The review page: unfiltered, by advocate, by region, by period."""
    today = date.today()
    variants = ["/review"]
    variants += [f"/review?owner={o}" for o in data.owners]
    variants += [f"/review?region_ru={r}" for r in rng.sample(data.regions_ru,
                                                              min(5, len(data.regions_ru)))]
    variants.append(f"/review?from={(today - timedelta(days=365)).isoformat()}"
                    f"&to={today.isoformat()}")
    return _cycle(variants, n)


def calculator_urls(rng: random.Random, route: str, n: int) -> list[str]:
    """The term calculator with varied sentences, credits and regimes."""
    urls = []
    regimes = [r.value for r in vocab.Regime]
    for _ in range(n):
        start = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000))
        args = {
            "route": route, "start": start.isoformat(), "years": rng.randint(1, 15),
            "months": rng.randint(0, 11), "days": rng.randint(0, 29),
            "pretrial_days": rng.randint(0, 600), "house_arrest_days": rng.choice([0, 0, 60]),
            "regime": rng.choice(regimes), "articles": rng.choice(["228 ч.2", "158 ч.3",
                                                                   "30 ч.3, 228.1 ч.4"]),
            "judgment_final": (start + timedelta(days=rng.randint(60, 400))).isoformat(),
        }
        urls.append("/procedures/calculator?" + urlencode(args))
    return urls


def default_route(app: Flask) -> str:
    """The id of the default transfer route."""
    from advocate.procedures import DEFAULT_ROUTE

    return DEFAULT_ROUTE


Scenario = Callable[[], float]
