"""Missing letter data, said in words, with a link to the page where it is filled in.

The catalogue names missing data as dotted context paths ("person.birth_date"); the letter page
turns each into a label and the place to fill it: the identity vault, the case record (with the
form field as anchor), the transfer page (documents and consents), the organisation's letter
settings, the procedure's addressees and legal bases, or the letter's own form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

LABELS: dict[str, Any] = {
    "organisation.name": _l("the organisation's name in this language"),
    "signatory.name": _l("the signatory's name in this language"),
    "signatory.position": _l("the signatory's position in this language"),
    "addressee.name": _l("the addressee"),
    "person.full_name_latin": _l("the person's full name in Latin script"),
    "person.full_name_cyrillic": _l("the person's full name in Cyrillic script"),
    "person.birth_date": _l("the date of birth"),
    "person.birth_place": _l("the place of birth"),
    "person.citizenship": _l("Uzbek citizenship"),
    "person.address_uz": _l("the address in Uzbekistan"),
    "custody.facility_name": _l("the place of detention"),
    "judgment.court": _l("the court that passed the judgment"),
    "judgment.date": _l("the date of the judgment"),
    "judgment.articles": _l("the articles of the Criminal Code"),
    "judgment.sentence": _l("the sentence"),
    "judgment.regime": _l("the regime"),
    "judgment.date_final": _l("the date the judgment became final"),
    "term.start": _l("the start of the term"),
    "term.end": _l("the end of the term (computed from the term start, sentence, regime and "
                   "pretrial custody)"),
    "legal_bases": _l("the legal bases of this letter in the procedure"),
    "documents": _l("attachments (documents received, on the transfer page)"),
    "consent.language": _l("a consent to transfer, with the language it was explained in"),
    "consent.return_risk_explained": _l("that the return risk was explained before consent"),
    "applicant.name": _l("the name of who signs the letter"),
    "applicant.relation": _l("their relation to the person, or capacity"),
    "previous_letter.number": _l("the earlier letter this one follows up"),
    "previous_letter.date": _l("the date of the earlier letter"),
}

#: Where each path is filled in: (place, anchor).
_PLACES: dict[str, tuple[str, str]] = {
    "organisation.name": ("settings", ""),
    "signatory.name": ("settings", ""),
    "signatory.position": ("settings", ""),
    "addressee.name": ("letter", "addressee_id"),
    "person.citizenship": ("case", "citizenship"),
    "custody.facility_name": ("case", "facility_name"),
    "judgment.court": ("case", "court"),
    "judgment.date": ("case", "judgment_date"),
    "judgment.articles": ("case", "articles"),
    "judgment.sentence": ("case", "sentence_years"),
    "judgment.regime": ("case", "regime"),
    "judgment.date_final": ("case", "judgment_final_date"),
    "term.start": ("case", "term_start"),
    "term.end": ("case", "term_start"),
    "legal_bases": ("bases", ""),
    "documents": ("transfer", "documents"),
    "consent.language": ("transfer", "consents"),
    "consent.return_risk_explained": ("transfer", "consents"),
    "applicant.name": ("letter", "applicant_name"),
    "applicant.relation": ("letter", "applicant_relation"),
    "previous_letter.number": ("letter", "previous_letter_id"),
    "previous_letter.date": ("letter", "previous_letter_id"),
}

PLACE_NAMES: dict[str, Any] = {
    "identity": _l("identity vault"),
    "case": _l("case record"),
    "transfer": _l("transfer page"),
    "settings": _l("letter settings (administrators)"),
    "bases": _l("legal bases (administrators)"),
    "letter": _l("this letter's form"),
}


@dataclass(frozen=True)
class MissingField:
    """One missing piece of data and where to fill it in."""

    path: str
    label: str
    place: str
    url: str | None


def _place(path: str) -> tuple[str, str]:
    if path.startswith("person.") and path != "person.citizenship":
        return "identity", path.split(".", 1)[1]
    return _PLACES.get(path, ("case", ""))


def _url(endpoint: str, anchor: str, **values: Any) -> str | None:
    """A link to endpoint, or None while that page is not part of the app."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, _anchor=anchor or None, **values)


def _place_url(place: str, anchor: str, reference: str, letter_id: int | None,
               type_id: str) -> str | None:
    if place == "identity":
        return _url("identity.edit", anchor, reference=reference)
    if place == "case":
        return _url("cases.edit", anchor, reference=reference)
    if place == "transfer":
        return _url("procedures.transfer", anchor, reference=reference)
    if place == "settings":
        return _url("letters.settings", "")
    if place == "bases":
        return _url("procedures.legal_bases", "")
    if letter_id is not None:
        return _url("letters.edit", anchor, letter_id=letter_id)
    return _url("letters.new", anchor, reference=reference, type=type_id)


def describe(paths: list[str], *, reference: str, type_id: str,
             letter_id: int | None = None) -> list[MissingField]:
    """Each missing path with its label, the place it is filled in and a link there."""
    result = []
    for path in paths:
        place, anchor = _place(path)
        result.append(MissingField(
            path, str(LABELS.get(path, path)), str(PLACE_NAMES[place]),
            _place_url(place, anchor, reference, letter_id, type_id),
        ))
    return result
