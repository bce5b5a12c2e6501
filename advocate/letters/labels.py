"""How letter events read in the case timeline: action names and the fields they name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS: dict[str, object] = {
    "letter.create": _l("Letter drafted"),
    "letter.update": _l("Letter draft changed"),
    "letter.submit": _l("Letter submitted for review"),
    "letter.approve": _l("Letter approved and registered"),
    "letter.return": _l("Letter returned to its author"),
    "letter.send": _l("Letter sent"),
    "letter.answer": _l("Answer to a letter recorded"),
    "letter.download": _l("Letter file downloaded"),
    "letter.render": _l("Letter rendered at the command line"),
}
#: Labels of the fields letter events name (never values of the typed inputs).
FIELD_LABELS: dict[str, object] = {
    "letter_type": _l("Letter type"),
    "letter_lang": _l("Letter language"),
    "letter_status": _l("Letter status"),
    "addressee": _l("Addressee"),
    "previous_letter": _l("Earlier letter"),
    "outgoing_number": _l("Outgoing number"),
    "pdf_sha256": _l("SHA-256 of the approved PDF"),
    "sent_on": _l("Sent on"),
    "sent_channel": _l("Sent by"),
    "tracking_number": _l("Tracking number"),
    "follow_up_due": _l("Follow up by"),
    "answer_on": _l("Answer received on"),
    "answer_outcome": _l("Answer"),
    "reply_sha256": _l("SHA-256 of the reply"),
    "downloaded_file": _l("File downloaded"),
    "addressee_name": _l("Addressee as printed"),
    "addressee_address": _l("Addressee's postal address"),
    "applicant_role": _l("Who signs the letter"),
    "applicant_name": _l("Name of who signs"),
    "applicant_relation": _l("Relation to the person"),
    "applicant_address": _l("Their address"),
    "applicant_phone": _l("Their phone"),
    "humanitarian_grounds": _l("Humanitarian grounds"),
    "comment": _l("Extra paragraph"),
    "attachments": _l("Attachments"),
}
