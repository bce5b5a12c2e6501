"""Letters to HTML (Jinja) and to PDF (WeasyPrint), with a fetcher that reads only static files.

WeasyPrint, the font configuration and the print stylesheet are built once per process and
static folder, on first use: loading the fonts costs more than laying out a letter, and the
web process should not pay for WeasyPrint's import until someone asks for a PDF.

Resources are named with the ``static:`` scheme (``url("static:fonts/DejaVuSerif.ttf")``),
which :class:`StaticFetcher` serves from the static folder. Every other URL, ``file://`` and
``http(s)://`` included, is refused, and a refused fetch stops the render: a letter that asked
for something it cannot have is not a correct letter.
"""

from __future__ import annotations

import atexit
import base64
import mimetypes
import threading
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from advocate.letters.catalogue import get_type, missing_fields
from advocate.letters.dates import format_date, format_days, format_term

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATIC_FOLDER = REPO_ROOT / "static"
DEFAULT_TEMPLATES_FOLDER = REPO_ROOT / "templates"
STYLESHEET_URL = "static:css/letter.css"
# PDF/A-3u: archival, with every glyph mapped to Unicode so the text stays searchable.
PDF_VARIANT = "pdf/a-3u"
OUTPUT_INTENT = "--srgb"

_MIME_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
# WeasyPrint's shared font configuration and Pango are not made for concurrent use.
_RENDER_LOCK = threading.Lock()


class RefusedURL(ValueError):
    """A letter asked for a resource outside the static folder."""


class MissingLetterData(ValueError):
    """The context lacks fields this letter cannot be produced without."""

    def __init__(self, type_id: str, lang: str, fields: list[str]) -> None:
        super().__init__(f"{type_id} ({lang}) is missing: {', '.join(fields)}")
        self.type_id = type_id
        self.lang = lang
        self.fields = fields


@dataclass(frozen=True)
class Fetched:
    """A resource the fetcher agreed to serve."""

    url: str
    data: bytes
    mime_type: str


class StaticFetcher:
    """Serve ``static:`` paths inside one folder and ``data:`` URLs; refuse everything else."""

    def __init__(self, static_folder: Path | str | None = None) -> None:
        self.root = Path(static_folder or DEFAULT_STATIC_FOLDER).resolve(strict=True)

    def open(self, url: str) -> Fetched:
        """Return the resource at url, or raise RefusedURL."""
        scheme, _, _ = url.partition(":")
        scheme = scheme.lower()
        if scheme == "data":
            return self._open_data(url)
        if scheme == "static":
            return self._open_static(url)
        raise RefusedURL(f"only static: and data: URLs are served, not {url!r}")

    def _open_data(self, url: str) -> Fetched:
        """Decode a data: URL (no I/O happens for this scheme)."""
        # The scheme was checked above, so this handler never touches a file or the network.
        request = urllib.request.Request(url)  # noqa: S310
        with urllib.request.DataHandler().data_open(request) as response:
            return Fetched(url, response.read(), response.headers.get_content_type())

    def _open_static(self, url: str) -> Fetched:
        """Read a file under the static folder, refusing escapes by .. or by symlink."""
        relative = PurePosixPath(unquote(urlsplit(url).path))
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise RefusedURL(f"not a path inside the static folder: {url!r}")
        try:
            path = self.root.joinpath(*relative.parts).resolve(strict=True)
        except OSError as exc:
            raise RefusedURL(f"no such static file: {url!r}") from exc
        # resolve() followed every symlink: what matters is where the file really is.
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"not a file inside the static folder: {url!r}")
        mime_type = _MIME_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return Fetched(url, path.read_bytes(), mime_type)


@dataclass(frozen=True)
class _WeasyAssets:
    """What every render in this process shares."""

    fetcher: Any  # a weasyprint.urls.URLFetcher
    font_config: Any  # weasyprint.text.fonts.FontConfiguration
    stylesheet: Any  # weasyprint.CSS
    color_profiles: dict[str, Any]  # the PDF/A output intent's ICC profile, parsed once


def _weasy_fetcher(source: StaticFetcher) -> Any:
    """Wrap a StaticFetcher in WeasyPrint's fetcher interface."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Fetcher(URLFetcher):
        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            fetched = source.open(url)
            return URLFetcherResponse(
                fetched.url, fetched.data, {"Content-Type": fetched.mime_type}
            )

    # No protocol goes to urllib's handlers; fail_on_errors makes a refusal stop the render.
    return _Fetcher(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)


@cache
def _assets(static_root: Path) -> _WeasyAssets:
    """Import WeasyPrint and load the fonts and the stylesheet, once per static folder."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _weasy_fetcher(StaticFetcher(static_root))
    font_config = FontConfiguration()
    stylesheet = CSS(url=STYLESHEET_URL, url_fetcher=fetcher, font_config=font_config)
    # PDF/A needs an output intent. WeasyPrint's built-in "srgb" intent reopens its ICC file
    # for every PDF and never closes it (a ResourceWarning each time), so the same profile
    # is declared once as a named @color-profile and reused.
    icc = (resources.files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    color_profiles: dict[str, Any] = {}
    CSS(
        string=f"@color-profile {OUTPUT_INTENT} {{ components: r, g, b; src: url("
        f"'data:application/vnd.iccprofile;base64,{base64.b64encode(icc).decode()}') }}",
        url_fetcher=fetcher,
        font_config=font_config,
        color_profiles=color_profiles,
    )
    if OUTPUT_INTENT not in color_profiles:
        raise RuntimeError("the sRGB output intent profile could not be loaded")
    # Drop the fonts before interpreter shutdown, while FontConfiguration can still delete
    # its temporary font folder (at shutdown its clean-up fails and the folder stays).
    atexit.register(_assets.cache_clear)
    return _WeasyAssets(fetcher, font_config, stylesheet, color_profiles)


def render_pdf(
    html: str,
    *,
    title: str,
    author: str,
    lang: str,
    static_folder: Path | str | None = None,
) -> bytes:
    """Render a letter's HTML to an archival PDF with title, author and language set."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    root = Path(static_folder or DEFAULT_STATIC_FOLDER).resolve(strict=True)
    with _RENDER_LOCK:
        assets = _assets(root)
        try:
            document = HTML(string=html, url_fetcher=assets.fetcher).render(
                font_config=assets.font_config,
                stylesheets=[assets.stylesheet],
                color_profiles=dict(assets.color_profiles),
                output_intent=OUTPUT_INTENT,
            )
        except FatalURLFetchingError as exc:
            # WeasyPrint's fatal error is a BaseException; give callers an ordinary one.
            raise RefusedURL(str(exc.__cause__ or exc)) from exc
        document.metadata.title = title
        document.metadata.authors = [author]
        document.metadata.lang = lang
        return document.write_pdf(pdf_variant=PDF_VARIANT, output_intent=OUTPUT_INTENT)


def format_citation(basis: Mapping[str, Any], lang: str) -> str:
    """Name one legal basis; its article is printed only when the context has one."""
    return format_citations([basis], [str(basis["id"])], lang)


def format_citations(bases: Iterable[Mapping[str, Any]], ids: Iterable[str], lang: str) -> str:
    """Name the legal bases with these ids, grouping articles of the same instrument."""
    by_id = {basis["id"]: basis for basis in bases}
    groups: dict[str, list[str]] = {}
    for basis_id in ids:
        basis = by_id.get(basis_id)
        if basis is None:
            continue
        articles = groups.setdefault(basis["instrument"], [])
        if basis.get("article"):
            articles.append(str(basis["article"]))
    return "; ".join(_cite(instrument, articles, lang) for instrument, articles in groups.items())


def _cite(instrument: str, articles: list[str], lang: str) -> str:
    """Write an instrument with its articles in the letter language's citation style."""
    if not articles:
        return instrument
    if lang == "ru":
        return f"{instrument}, ст. {', '.join(articles)}"
    if lang == "uz":
        suffix = "moddalar" if len(articles) > 1 else "modda"
        return f"{instrument}, {', '.join(articles)}-{suffix}"
    label = "Articles" if len(articles) > 1 else "Article"
    return f"{instrument}, {label} {', '.join(articles)}"


@pass_context
def _long_date_filter(ctx: Context, value: Any) -> str:
    return format_date(value, ctx["lang"])


@pass_context
def _term_filter(ctx: Context, value: Mapping[str, int]) -> str:
    return format_term(value["years"], value["months"], value["days"], ctx["lang"])


@pass_context
def _days_filter(ctx: Context, value: int) -> str:
    return format_days(value, ctx["lang"])


@pass_context
def _cite_filter(ctx: Context, bases: Iterable[Mapping[str, Any]], *ids: str) -> str:
    return format_citations(bases, ids, ctx["lang"])


@pass_context
def _citation_filter(ctx: Context, basis: Mapping[str, Any]) -> str:
    return format_citation(basis, ctx["lang"])


@cache
def letter_environment(templates_folder: Path = DEFAULT_TEMPLATES_FOLDER) -> Environment:
    """Return the Jinja environment for letter templates (autoescaped, strict)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_folder)),
        autoescape=select_autoescape(default_for_string=True, default=True),
        # A misspelt field must fail loudly, not print an empty line in a letter.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        long_date=_long_date_filter,
        term=_term_filter,
        days=_days_filter,
        cite=_cite_filter,
        citation=_citation_filter,
    )
    return env


def render_html(
    type_id: str,
    lang: str,
    context: Mapping[str, Any],
    *,
    templates_folder: Path | str | None = None,
    preview_stylesheet: str | None = None,
) -> str:
    """Render a letter's HTML; raise MissingLetterData rather than print a half-empty letter.

    ``preview_stylesheet`` (a URL such as ``/static/css/letter.css``) adds a stylesheet link
    for showing the letter in a browser; HTML meant for :func:`render_pdf` must not have one,
    since the PDF fetcher refuses every URL that is not ``static:`` or ``data:``.
    """
    letter = get_type(type_id)
    missing = missing_fields(type_id, lang, context)
    if missing:
        raise MissingLetterData(type_id, lang, missing)
    env = letter_environment(Path(templates_folder or DEFAULT_TEMPLATES_FOLDER).resolve())
    template = env.get_template(letter.template_name(lang))
    return template.render(
        {
            **context,
            "lang": lang,
            "title": letter.titles[lang],
            "preview_stylesheet": preview_stylesheet,
        }
    )


def render_letter(
    type_id: str,
    lang: str,
    context: Mapping[str, Any],
    *,
    static_folder: Path | str | None = None,
    templates_folder: Path | str | None = None,
) -> bytes:
    """Render a letter to PDF from its plain-data context."""
    html = render_html(type_id, lang, context, templates_folder=templates_folder)
    organisation = context.get("organisation") or {}
    applicant = context.get("applicant") or {}
    author = organisation.get("name") or applicant.get("name") or ""
    return render_pdf(
        html,
        title=get_type(type_id).titles[lang],
        author=author,
        lang=lang,
        static_folder=static_folder,
    )
