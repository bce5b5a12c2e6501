"""Encrypted file storage and uploads: sniffed by content, limited in size, random names."""

from __future__ import annotations

import io
import os
import stat
from datetime import date

import pytest

from advocate.extensions import db
from advocate.files import storage
from advocate.files.models import StoredFile
from advocate.letters.models import Letter
from advocate.letters.workflow import LetterStatus

from .test_letters_support import approved, client_for, events, user_row

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.mark.parametrize(("data", "expected"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (HTML, None),
    (b"", None), (b" %PDF-1.7", None), (b"GIF89a", None), (b"PK\x03\x04", None),
])
def test_sniffing_reads_only_the_content(data, expected):
    assert storage.sniff(data) == expected


def test_stored_files_are_encrypted_private_and_checked(letters_app, letters_files_dir):
    with letters_app.app_context():
        row = storage.store(PDF, kind="test", case_id=None, mime_type=storage.PDF)
        db.session.commit()
        path = storage.raw_path(row)
        raw = path.read_bytes()
        assert not raw.startswith(b"%PDF")
        assert b"endobj" not in raw
        assert path.parent == letters_files_dir
        assert len(row.name) == 32
        assert all(c in "0123456789abcdef" for c in row.name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(letters_files_dir).st_mode) == 0o700
        assert storage.load(row) == PDF
        # One flipped byte of the plaintext's checksum: the file no longer matches.
        row.sha256 = "0" * 64
        with pytest.raises(storage.FileDamaged):
            storage.load(row)
        path.unlink()
        with pytest.raises(storage.FileDamaged):
            storage.load(row)


@pytest.mark.parametrize("data", [HTML, b"", b"MZ\x90\x00 an executable"])
def test_upload_refused_when_the_content_is_not_pdf_jpeg_or_png(letters_app, data):
    with letters_app.app_context(), pytest.raises(storage.FileRefused):
        storage.store_upload(io.BytesIO(data), kind="letter_reply", case_id=None)


def test_oversized_upload_refused(make_app, letters_key_file, letters_files_dir):
    app = make_app(IDENTITY_KEY_FILE=str(letters_key_file), FILES_DIR=str(letters_files_dir),
                   UPLOAD_MAX_BYTES=1024)
    with app.app_context():
        assert storage.store_upload(io.BytesIO(PDF + b"x" * 900), kind="t", case_id=None)
        with pytest.raises(storage.FileRefused, match="too large"):
            storage.store_upload(io.BytesIO(PDF + b"x" * 1024), kind="t", case_id=None)


def _sent_letter(app, people, reference) -> int:
    from advocate.letters import dispatch

    letter_id = approved(app, reference, people["owner"], people["supervisor"])
    with app.app_context():
        dispatch.record_sent(db.session.get(Letter, letter_id), sent_on=date.today(),
                             channel="post", tracking_number=None,
                             actor=user_row(people["owner"]))
        db.session.commit()
    return letter_id


def _answer(client, letter_id: int, data: bytes, filename: str):
    return client.post(f"/letters/{letter_id}/answer", data={
        "answer_on": date.today().isoformat(), "outcome": "refused", "note": "",
        "reply": (io.BytesIO(data), filename)},
        content_type="multipart/form-data", follow_redirects=True)


def test_html_named_pdf_is_refused_at_the_answer(letters_app, letter_people, letter_case,
                                                  letters_files_dir):
    letter_id = _sent_letter(letters_app, letter_people, letter_case)
    client = client_for(letters_app, letter_people["owner"])
    response = _answer(client, letter_id, HTML, "reply.pdf")
    assert "Only PDF, JPEG and PNG files are accepted" in response.get_data(as_text=True)
    with letters_app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.status == LetterStatus.SENT
        assert letter.reply_file_id is None
    assert len(list(letters_files_dir.iterdir())) == 1  # only the approved PDF


def test_oversized_reply_is_refused_on_the_page(make_app, letters_key_file, letters_files_dir,
                                                 make_user):
    from .test_letters_support import complete_case

    app = make_app(IDENTITY_KEY_FILE=str(letters_key_file), FILES_DIR=str(letters_files_dir),
                   UPLOAD_MAX_BYTES=2048)
    people = {"owner": make_user("advocate"), "supervisor": make_user("supervisor"),
              "admin": make_user("advocate", is_admin=True)}
    reference = complete_case(app, people)
    letter_id = _sent_letter(app, people, reference)
    client = client_for(app, people["owner"])
    response = _answer(client, letter_id, PDF + b"x" * 4096, "scan.pdf")
    assert "The file is too large" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Letter, letter_id).status == LetterStatus.SENT


def test_path_characters_in_the_filename_never_matter(letters_app, letter_people, letter_case,
                                                      letters_files_dir, tmp_path):
    letter_id = _sent_letter(letters_app, letter_people, letter_case)
    client = client_for(letters_app, letter_people["owner"])
    response = _answer(client, letter_id, JPEG, "../../../../tmp/evil\x00.png")
    assert response.status_code == 200
    with letters_app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.status == LetterStatus.ANSWERED
        reply = db.session.get(StoredFile, letter.reply_file_id)
        assert reply.mime_type == "image/jpeg"
        assert storage.raw_path(reply).parent == letters_files_dir
    names = {p.name for p in letters_files_dir.iterdir()}
    assert len(names) == 2
    assert all(len(n) == 32 for n in names)
    assert not (tmp_path / "evil").exists()
    download = client.get(f"/letters/{letter_id}/reply")
    assert download.data == JPEG
    assert download.mimetype == "image/jpeg"
    assert "evil" not in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].endswith(".jpg")
    assert [e.changes for e in events(letters_app, letter_case, "letter.download")] == \
        ['{"downloaded_file": [null, "reply"]}']


def test_without_the_key_nothing_is_stored(make_app, letters_files_dir):
    app = make_app(IDENTITY_KEYS=None, IDENTITY_KEY_FILE=str(letters_files_dir / "none.keys"),
                   FILES_DIR=str(letters_files_dir))
    with app.app_context(), pytest.raises(storage.KeyUnavailable):
        storage.store(PDF, kind="t", case_id=None, mime_type=storage.PDF)
    assert not list(letters_files_dir.glob("[0-9a-f]*"))


def test_key_rotation_keeps_letters_and_files_readable(letters_app, letter_people, letter_case,
                                                      letters_key_file):
    from advocate.identity.keyring import generate_key, prepend_key
    from advocate.identity.service import reload_keyring
    from advocate.letters import operations

    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor"], comment="A paragraph of our own.")
    with letters_app.app_context():
        before = storage.load(db.session.get(Letter, letter_id).pdf_file)
    new_key = generate_key()
    prepend_key(letters_key_file, new_key)
    with letters_app.app_context():
        keyring = reload_keyring(letters_app)
        assert operations.rotate_keys(keyring) == (1, 1)
        db.session.commit()
    letters_key_file.write_text(new_key + "\n")  # the old key is gone
    with letters_app.app_context():
        reload_keyring(letters_app)
        letter = db.session.get(Letter, letter_id)
        assert storage.load(letter.pdf_file) == before
        assert operations.inputs_of(letter).comment == "A paragraph of our own."
        assert letter.inputs_key == letter.pdf_file.key_fingerprint
