"""Procedure definitions: one TOML file per transfer route, validated when loaded.

A route names its legal bases (with a `verified` flag: an unverified basis is shown with a warning
and never printed with an invented article), its eligibility conditions and their parameters, the
documents required, the addressees, the deadlines and the letter types. The file is reviewed in a
pull request like code; a malformed one stops the app with a ProcedureDefinitionError that names
the file, the key path and the problem. Validation is hand-written (no schema library) so that each
message can say exactly what a reviewer must fix, and every cross-reference is checked.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flask_babel import gettext as _

from advocate.cases.vocab import Regime
from advocate.procedures.articles import Article, ArticleParseError, parse_articles
from advocate.procedures.sentence import CreditRules

ROUTES_DIR = Path(__file__).parent / "routes"
#: The eligibility checks the engine knows (advocate.procedures.eligibility evaluates each).
CONDITION_IDS = (
    "citizenship",
    "judgment_final",
    "remaining_term",
    "consent",
    "dual_criminality",
    "no_pending_proceedings",
    "civil_claims",
)
LANGUAGES = ("en", "ru", "uz")
COUNTRIES = ("ru", "uz")
ADDRESSEE_KINDS = ("prosecutor", "court", "penitentiary", "ministry", "facility", "embassy")
HOUSE_ARREST = "house_arrest"
_ID = re.compile(r"[a-z][a-z0-9_]*")


class ProcedureDefinitionError(Exception):
    """A route file that cannot be used; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class Text:
    """One string in the three languages of the letters and the interface."""

    en: str
    ru: str
    uz: str

    def get(self, language: str) -> str:
        """The text in `language`, English for a language the route does not carry."""
        return str(getattr(self, language)) if language in LANGUAGES else self.en


@dataclass(frozen=True)
class LegalBasis:
    """A law, treaty or article the route relies on; `article` is None where it is not known."""

    id: str
    instrument: Text
    article: str | None
    summary: Text
    source: str
    verified: bool


@dataclass(frozen=True)
class ExcludedArticle:
    """An article whose convicts get pretrial credit day for day (art. 72 part 3.2)."""

    article: Article
    verified: bool


@dataclass(frozen=True)
class Check:
    """One eligibility condition of the route and the legal bases it rests on."""

    id: str
    bases: tuple[str, ...]


@dataclass(frozen=True)
class Conditions:
    """The parameters of the eligibility conditions."""

    min_remaining_months: int
    credit_ratios: Mapping[Regime, Fraction]
    house_arrest_ratio: Fraction
    excluded_articles: tuple[ExcludedArticle, ...]
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Document:
    """A document the application needs, and who issues it."""

    id: str
    name: Text
    issued_by: Text
    optional: bool


@dataclass(frozen=True)
class Addressee:
    """An authority letters go to; the administrator completes recipient and address."""

    id: str
    kind: str
    country: str
    name: Text
    recipient: str
    address: str
    bases: tuple[str, ...]


@dataclass(frozen=True)
class Deadlines:
    """Default intervals in days."""

    follow_up_days: int
    lapse_reminder_days: int
    document_request_overdue_days: int


@dataclass(frozen=True)
class LetterType:
    """A kind of letter: to whom it may go and which legal bases it cites."""

    id: str
    name: Text
    addressees: tuple[str, ...]
    bases: tuple[str, ...]


@dataclass(frozen=True)
class Procedure:
    """One transfer route, as read from its file."""

    id: str
    name: Text
    from_country: str
    to_country: str
    legal_bases: Mapping[str, LegalBasis]
    conditions: Conditions
    documents: tuple[Document, ...]
    addressees: Mapping[str, Addressee]
    deadlines: Deadlines
    letters: Mapping[str, LetterType]
    source: Path

    def credit_rules(self) -> CreditRules:
        """The art. 72 parameters for sentence arithmetic."""
        c = self.conditions
        return CreditRules(
            ratios=c.credit_ratios,
            house_arrest_ratio=c.house_arrest_ratio,
            excluded=tuple(e.article for e in c.excluded_articles),
            min_remaining_months=c.min_remaining_months,
            unverified=tuple(e.article for e in c.excluded_articles if not e.verified),
        )

    def bases(self, ids: tuple[str, ...] | list[str]) -> list[LegalBasis]:
        """The legal bases with these ids, in the order given."""
        return [self.legal_bases[i] for i in ids]


class _Table:
    """A TOML table being read: typed getters that name the key path, and a check for stray keys."""

    def __init__(self, data: Any, path: str, file: Path) -> None:
        self.file, self.path = file, path
        if not isinstance(data, dict):
            raise self.error("", _("must be a table"))
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def error(self, key: str, problem: str) -> ProcedureDefinitionError:
        """The error for `key` of this table (the table itself when key is empty)."""
        where = ".".join(p for p in (self.path, key) if p) or _("(top level)")
        return ProcedureDefinitionError(f"{self.file}: {where}: {problem}")

    def get(self, key: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
        """The value of `key` if it has the type `kind`; None if absent and not required."""
        self.used.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, _("required key is missing"))
            return None
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # TOML true/false arrive as bool, which Python also counts as int: refuse that mix-up.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.error(
                key, _("must be %(kind)s, not %(value)r", kind=_kind(kind), value=value)
            )
        return value

    def text(self, key: str, empty_ok: bool = False, required: bool = True) -> str | None:
        """A string; blank only if `empty_ok`."""
        value = self.get(key, str, required)
        if value is not None and not empty_ok and not value.strip():
            raise self.error(key, _("must not be empty"))
        return value

    def ident(self, key: str) -> str:
        """An identifier: lower-case letters, digits and underscores."""
        value = self.text(key) or ""
        if not _ID.fullmatch(value):
            raise self.error(key, _("“%(value)s” is not an id (a-z, 0-9, _)", value=value))
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        """A whole number between low and high."""
        value = self.get(key, int)
        if not low <= value <= high:
            raise self.error(key, _("must be between %(low)s and %(high)s", low=low, high=high))
        return value

    def table(self, key: str) -> _Table:
        """A sub-table."""
        return _Table(self.get(key, dict), self._sub(key), self.file)

    def tables(self, key: str) -> list[_Table]:
        """A non-empty array of tables ([[key]] in TOML)."""
        items = self.get(key, list)
        if not items:
            raise self.error(key, _("must list at least one entry"))
        return [_Table(item, f"{self._sub(key)}[{i}]", self.file) for i, item in enumerate(items)]

    def ids(self, key: str, known: Mapping[str, Any], what: str) -> tuple[str, ...]:
        """A list of ids, each one of `known` (what names them in the message)."""
        values = self.get(key, list)
        for value in values:
            if value not in known:
                raise self.error(
                    key, _("“%(value)s” is not a known %(what)s", value=value, what=what)
                )
        if len(set(values)) != len(values):
            raise self.error(key, _("lists an id twice"))
        return tuple(values)

    def i18n(self, key: str) -> Text:
        """A table with the text in each language."""
        table = self.table(key)
        text = Text(**{lang: table.text(lang) or "" for lang in LANGUAGES})
        table.finish()
        return text

    def finish(self) -> None:
        """Refuse keys nobody read: a typo must not pass silently."""
        stray = sorted(set(self.data) - self.used)
        if stray:
            raise self.error(stray[0], _("unknown key"))

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key


def _kind(kind: type | tuple[type, ...]) -> str:
    """A readable name of the expected TOML type."""
    if kind == (int, float):
        return _("a number")
    names = {
        str: _("text"),
        int: _("a whole number"),
        bool: _("true or false"),
        dict: _("a table"),
        list: _("a list"),
    }
    return names[kind]  # type: ignore[index]


def _unique(tables: list[_Table], key: str = "id") -> list[str]:
    """The ids of an array of tables, refusing duplicates."""
    seen: list[str] = []
    for table in tables:
        value = table.ident(key)
        if value in seen:
            raise table.error(key, _("duplicate id “%(value)s”", value=value))
        seen.append(value)
    return seen


def _legal_bases(root: _Table) -> dict[str, LegalBasis]:
    tables = root.tables("legal_bases")
    result = {}
    for t, basis_id in zip(tables, _unique(tables), strict=True):
        result[basis_id] = LegalBasis(
            id=basis_id,
            instrument=t.i18n("instrument"),
            article=t.text("article", required=False),
            summary=t.i18n("summary"),
            source=t.text("source") or "",
            verified=t.get("verified", bool),
        )
        t.finish()
    return result


def _ratio(table: _Table, key: str) -> Fraction:
    value = table.get(key, (int, float))
    if not 0 < value <= 10:
        raise table.error(key, _("must be a ratio above 0 and at most 10"))
    return Fraction(str(value))  # via str so 1.5 is exactly 3/2


def _conditions(root: _Table, bases: Mapping[str, LegalBasis]) -> Conditions:
    t = root.table("conditions")
    ratios_table = t.table("credit_ratios")
    ratios = {regime: _ratio(ratios_table, regime.value) for regime in Regime}
    house_arrest = _ratio(ratios_table, HOUSE_ARREST)
    ratios_table.finish()
    excluded: list[ExcludedArticle] = []
    for group in t.tables("excluded_articles"):
        verified = group.get("verified", bool)
        try:
            articles = parse_articles(group.text("articles") or "")
        except ArticleParseError as exc:
            raise group.error("articles", str(exc)) from None
        excluded += [ExcludedArticle(a, verified) for a in articles]
        group.finish()
    check_tables = t.tables("checks")
    checks = []
    for c, check_id in zip(check_tables, _unique(check_tables), strict=True):
        if check_id not in CONDITION_IDS:
            raise c.error(
                "id",
                _(
                    "“%(value)s” is not a known condition (%(known)s)",
                    value=check_id,
                    known=", ".join(CONDITION_IDS),
                ),
            )
        checks.append(Check(check_id, c.ids("bases", bases, _("legal basis"))))
        c.finish()
    result = Conditions(
        min_remaining_months=t.integer("min_remaining_months", 0, 120),
        credit_ratios=MappingProxyType(ratios),
        house_arrest_ratio=house_arrest,
        excluded_articles=tuple(excluded),
        checks=tuple(checks),
    )
    t.finish()
    return result


def _documents(root: _Table) -> tuple[Document, ...]:
    tables = root.tables("documents")
    result = []
    for t, doc_id in zip(tables, _unique(tables), strict=True):
        optional = t.get("optional", bool, required=False)
        result.append(Document(doc_id, t.i18n("name"), t.i18n("issued_by"), bool(optional)))
        t.finish()
    return tuple(result)


def _choice(table: _Table, key: str, choices: tuple[str, ...]) -> str:
    value = table.text(key) or ""
    if value not in choices:
        raise table.error(
            key, _("“%(value)s” is not one of %(choices)s", value=value, choices=", ".join(choices))
        )
    return value


def _addressees(root: _Table, bases: Mapping[str, LegalBasis]) -> dict[str, Addressee]:
    tables = root.tables("addressees")
    result = {}
    for t, addr_id in zip(tables, _unique(tables), strict=True):
        result[addr_id] = Addressee(
            id=addr_id,
            kind=_choice(t, "kind", ADDRESSEE_KINDS),
            country=_choice(t, "country", COUNTRIES),
            name=t.i18n("name"),
            recipient=t.text("recipient", empty_ok=True) or "",
            address=t.text("address", empty_ok=True) or "",
            bases=t.ids("bases", bases, _("legal basis")),
        )
        t.finish()
    return result


def _deadlines(root: _Table) -> Deadlines:
    t = root.table("deadlines")
    result = Deadlines(
        follow_up_days=t.integer("follow_up_days", 1, 365),
        lapse_reminder_days=t.integer("lapse_reminder_days", 1, 365),
        document_request_overdue_days=t.integer("document_request_overdue_days", 1, 365),
    )
    t.finish()
    return result


def _letters(
    root: _Table, bases: Mapping[str, LegalBasis], addressees: Mapping[str, Addressee]
) -> dict[str, LetterType]:
    tables = root.tables("letters")
    result = {}
    for t, letter_id in zip(tables, _unique(tables), strict=True):
        to = t.ids("addressees", addressees, _("addressee"))
        if not to:
            raise t.error("addressees", _("must list at least one entry"))
        result[letter_id] = LetterType(
            letter_id, t.i18n("name"), to, t.ids("bases", bases, _("legal basis"))
        )
        t.finish()
    return result


def load_procedure(file: Path) -> Procedure:
    """Read and validate one route file; ProcedureDefinitionError names what is wrong."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProcedureDefinitionError(f"{file}: {exc}") from None
    root = _Table(data, "", file)
    route_id = root.ident("id")
    if route_id != file.stem:
        raise root.error("id", _("must be “%(stem)s”, the file's name", stem=file.stem))
    bases = _legal_bases(root)
    addressees = _addressees(root, bases)
    procedure = Procedure(
        id=route_id,
        name=root.i18n("name"),
        from_country=_choice(root, "from_country", COUNTRIES),
        to_country=_choice(root, "to_country", COUNTRIES),
        legal_bases=MappingProxyType(bases),
        conditions=_conditions(root, bases),
        documents=_documents(root),
        addressees=MappingProxyType(addressees),
        deadlines=_deadlines(root),
        letters=MappingProxyType(_letters(root, bases, addressees)),
        source=file,
    )
    root.finish()
    return procedure


_CACHE: dict[Path, dict[str, Procedure]] = {}


def load_procedures(directory: Path | None = None, *, fresh: bool = False) -> dict[str, Procedure]:
    """Every route in `directory` (default: the package's routes), by id; cached unless `fresh`."""
    folder = (directory or ROUTES_DIR).resolve()
    if fresh or folder not in _CACHE:
        files = sorted(folder.glob("*.toml"))
        if not files:
            raise ProcedureDefinitionError(
                _("%(folder)s: no procedure files (*.toml)", folder=folder)
            )
        _CACHE[folder] = {p.id: p for p in map(load_procedure, files)}
    return dict(_CACHE[folder])
