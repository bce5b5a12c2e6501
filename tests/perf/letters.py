"""Benchmark: render time and memory of a two-page letter, against plain WeasyPrint.

Run: ``python tests/perf/letters.py [--json FILE] [--strict]``. Not collected by pytest.

* ``median_s`` / ``p95_s``: ``render_letter`` (missing-field check, Jinja, WeasyPrint,
  metadata, PDF/A) over ``--runs`` renders after a warm-up.
* ``ratio_to_plain``: that median over the median of plain WeasyPrint rendering the same
  HTML with the same stylesheet and fonts in the same process (fonts loaded once, default
  fetcher, no metadata, no PDF/A): what our layer costs on top of WeasyPrint at its best.
* ``rss_growth_mb``: resident memory after ``--memory-runs`` more renders, minus before.

Targets (issue 6): median <= 0.2 s, ratio <= 1.25, growth <= 50 MB.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import pypdf  # noqa: E402

from advocate.letters.render import (  # noqa: E402
    DEFAULT_STATIC_FOLDER,
    PDF_VARIANT,
    render_html,
    render_letter,
)
from advocate.letters.samples import sample_context  # noqa: E402

TARGETS = {"median_s": 0.2, "ratio_to_plain": 1.25, "rss_growth_mb": 50.0}


def rss_mb() -> float:
    """Return this process's resident set size in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def plain_renderer(html: str) -> Callable[[], bytes]:
    """Return plain WeasyPrint rendering html with our stylesheet, fonts loaded once."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    static = DEFAULT_STATIC_FOLDER
    # The plain run reads the same files with WeasyPrint's default fetcher (file:// URLs).
    css_text = (static / "css/letter.css").read_text("utf-8").replace(
        "static:", static.as_uri() + "/"
    )
    font_config = FontConfiguration()
    stylesheet = CSS(string=css_text, font_config=font_config)

    def render() -> bytes:
        return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=font_config)

    return render


def timed(function: Callable[[], Any]) -> float:
    """Return how long one call takes, in seconds."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the figures, optionally write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--type", default="request_documents", help="letter type")
    parser.add_argument("--lang", default="ru", choices=("ru", "uz", "en"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--memory-runs", type=int, default=200)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    context = sample_context(args.type, args.lang)

    def ours() -> bytes:
        return render_letter(args.type, args.lang, context)

    plain = plain_renderer(render_html(args.type, args.lang, context))
    pages = page_count(ours())
    for _ in range(args.warmup):
        ours()
        plain()

    # Interleaved, so that drift in the machine's speed affects both alike.
    our_times: list[float] = []
    plain_times: list[float] = []
    for _ in range(args.runs):
        our_times.append(timed(ours))
        plain_times.append(timed(plain))

    gc.collect()
    rss_before = rss_mb()
    for _ in range(args.memory_runs):
        ours()
    gc.collect()
    rss_after = rss_mb()

    median = statistics.median(our_times)
    figures = {
        "median_s": round(median, 4),
        "p95_s": round(statistics.quantiles(our_times, n=20, method="inclusive")[18], 4),
        "ratio_to_plain": round(median / statistics.median(plain_times), 3),
        "rss_growth_mb": round(rss_after - rss_before, 1),
        "plain_median_s": round(statistics.median(plain_times), 4),
        "rss_mb": round(rss_after, 1),
        "letter": f"{args.type}.{args.lang}",
        "pages": pages,
        "runs": args.runs,
        "memory_runs": args.memory_runs,
        "pdf_variant": PDF_VARIANT,
    }
    missed = [key for key, limit in TARGETS.items() if figures[key] > limit]
    for key, value in figures.items():
        limit = TARGETS.get(key)
        verdict = ""
        if limit is not None:
            verdict = f"  (target <= {limit}: {'MISSED' if key in missed else 'ok'})"
        print(f"{key:>16}: {value}{verdict}")
    if pages != 2:
        print(f"note: the letter has {pages} pages, not 2")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
