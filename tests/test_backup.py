"""Backups: consistent under concurrent writes, encrypted, restored only into an empty instance."""

from __future__ import annotations

import io
import os
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from advocate.audit.models import AuditEvent
from advocate.audit.operations import record, verify
from advocate.auth.models import User
from advocate.backup import crypto
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity.keyring import generate_key

PASSPHRASE = "a long enough backup passphrase"
ENV = {"ADVOCATE_BACKUP_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> str:
    """A second, empty database to restore into.

    On PostgreSQL it is not dropped here: the apps' own teardown still uses it afterwards, and
    the throwaway cluster is deleted at the end of the session anyway.
    """
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = f"advocate_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(database_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def target(target_url, make_app, app, tmp_path):
    """An empty instance: its own database and stored files folder."""
    return make_app(SQLALCHEMY_DATABASE_URI=target_url, FILES_DIR=str(tmp_path / "restored"))


def _seed(app) -> Path:
    """Users, cases, events and stored files; return the files folder."""
    with app.app_context():
        db.session.add(User(username="anna", role="supervisor", password_hash="x"))
        db.session.add_all(Case(reference=f"ADV-2025-{n:04d}") for n in range(1, 4))
        for n in range(5):
            record("test.event", object_type="thing", object_id=n)
        db.session.commit()
    files = Path(app.config["FILES_DIR"])
    (files / "letters" / "2025").mkdir(parents=True)
    (files / "letters" / "2025" / "0001.pdf.enc").write_bytes(os.urandom(3000))
    (files / "uploads").mkdir()
    (files / "uploads" / "reply one.bin").write_bytes(b"\x00" * 10 + b"binary")
    return files


def _backup(app, path: Path, **kwargs):
    return app.test_cli_runner().invoke(args=["backup", str(path)], env=ENV, **kwargs)


def _restore(app, path: Path, passphrase: str = PASSPHRASE):
    return app.test_cli_runner().invoke(
        args=["restore", str(path)], env={"ADVOCATE_BACKUP_PASSPHRASE": passphrase}
    )


def _rows(app, model) -> int:
    with app.app_context():
        return len(db.session.execute(select(model)).scalars().all())


def _members(path: Path) -> dict[str, bytes]:
    with path.open("rb") as handle:
        plain = crypto.DecryptingReader(handle, PASSPHRASE).read()
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def test_round_trip(app, target, tmp_path):
    files = _seed(app)
    path = tmp_path / "out" / "backup.adv"
    result = _backup(app, path)
    assert result.exit_code == 0, result.output
    assert "files: 2 stored files" in result.output
    assert "not included: the identity keys" in result.output
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    result = _restore(target, path)
    assert result.exit_code == 0, result.output
    assert "row counts match the backup" in result.output
    assert "restored files: 2" in result.output
    assert "checksums match" in result.output
    assert _rows(target, Case) == 3
    assert _rows(target, User) == 1
    restored = Path(target.config["FILES_DIR"])
    for name in ("letters/2025/0001.pdf.enc", "uploads/reply one.bin"):
        assert (restored / name).read_bytes() == (files / name).read_bytes()
    with target.app_context():
        count, problem = verify()
        actions = db.session.execute(
            select(AuditEvent.action).order_by(AuditEvent.id)
        ).scalars().all()
    assert problem is None
    assert count == 6  # five events, then the restore itself
    assert actions[-1] == "backup.restore"
    with app.app_context():
        assert db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id.desc())
                                  ).scalars().first() == "backup.create"


def test_backup_during_concurrent_writes_restores_every_committed_row(app, target, tmp_path):
    _seed(app)
    committed: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            with app.app_context():
                while not stop.is_set():
                    event = record("test.concurrent", object_type="thing")
                    db.session.commit()
                    committed.append(event.id)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 20 and thread.is_alive():
        stop.wait(0.01)
    before = list(committed)  # committed before the backup began
    result = _backup(app, tmp_path / "live.adv")
    during = len(committed)
    stop.set()
    thread.join()
    assert not failures, failures
    assert result.exit_code == 0, result.output
    assert during > len(before)  # writes did go on while the backup ran
    result = _restore(target, tmp_path / "live.adv")
    assert result.exit_code == 0, result.output
    with target.app_context():
        restored = db.session.execute(
            select(AuditEvent.id).where(AuditEvent.action == "test.concurrent")
        ).scalars().all()
        _, problem = verify()
    assert set(before) <= set(restored)  # every row committed before the backup is there
    assert restored == committed[:len(restored)]  # a snapshot: a prefix, no gaps
    assert problem is None  # and the hash chain of that snapshot is whole


def test_wrong_passphrase_is_a_clear_error(app, target, tmp_path):
    _seed(app)
    path = tmp_path / "b.adv"
    assert _backup(app, path).exit_code == 0
    result = _restore(target, path, passphrase="not the passphrase at all")
    assert result.exit_code == 1
    assert "wrong passphrase" in result.output
    assert _rows(target, Case) == 0 if _has_tables(target) else True
    assert not Path(target.config["FILES_DIR"]).exists()


def _has_tables(app) -> bool:
    with app.app_context():
        return bool(db.inspect(db.engine).get_table_names())


def test_restore_into_a_non_empty_instance_is_refused(app, make_app, tmp_path):
    _seed(app)
    path = tmp_path / "b.adv"
    assert _backup(app, path).exit_code == 0
    result = _restore(app, path)  # the same, full instance
    assert result.exit_code == 1
    assert "refusing to restore into a non-empty instance" in result.output
    assert "users (1)" in result.output
    assert "stored files folder" in result.output
    assert _rows(app, Case) == 3


def test_restore_refuses_when_only_files_are_present(app, target, tmp_path):
    _seed(app)
    path = tmp_path / "b.adv"
    assert _backup(app, path).exit_code == 0
    stray = Path(target.config["FILES_DIR"]) / "left-over.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    result = _restore(target, path)
    assert result.exit_code == 1
    assert "is not empty" in result.output


def test_no_keys_or_secrets_in_the_archive(make_app, tmp_path):
    app = make_app(IDENTITY_KEYS=None, SECRET_KEY="s3cret-value-in-config")
    _seed(app)
    instance = Path(app.instance_path)
    key = generate_key()
    (instance / "identity.keys").write_text(key + "\n")
    (instance / "config.py").write_text("SECRET_KEY = 's3cret-value-in-config'\n")
    # Even a careless FILES_DIR pointing at the instance folder must not carry them.
    careless = make_app(FILES_DIR=str(instance), IDENTITY_KEYS=None)
    path = tmp_path / "b.adv"
    result = _backup(careless, path)
    assert result.exit_code == 0, result.output
    members = _members(path)
    assert "files/identity.keys" not in members
    assert "files/config.py" not in members
    for data in members.values():
        assert key.encode() not in data
        assert b"s3cret-value-in-config" not in data
    assert "manifest.json" in members


def test_archive_is_encrypted_and_tamper_evident(app, target, tmp_path):
    _seed(app)
    path = tmp_path / "b.adv"
    assert _backup(app, path).exit_code == 0
    raw = path.read_bytes()
    assert b"ADV-2025-0001" not in raw
    assert b"manifest" not in raw
    damaged = bytearray(raw)
    damaged[len(raw) // 2] ^= 0x01
    (tmp_path / "damaged.adv").write_bytes(bytes(damaged))
    result = _restore(target, tmp_path / "damaged.adv")
    assert result.exit_code == 1
    assert "damaged or was altered" in result.output
    (tmp_path / "short.adv").write_bytes(raw[:-50])
    result = _restore(target, tmp_path / "short.adv")
    assert result.exit_code == 1
    assert "truncated" in result.output
    assert _rows(target, Case) == 0 if _has_tables(target) else True


def test_passphrase_from_stdin_and_rules(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "a.adv"), "--passphrase-stdin"],
                           input=PASSPHRASE + "\nignored second line\n")
    assert result.exit_code == 0, result.output
    assert len(_members(tmp_path / "a.adv")) >= 2
    result = runner.invoke(args=["backup", str(tmp_path / "a.adv")], env=ENV)
    assert result.exit_code == 1
    assert "exists" in result.output
    result = runner.invoke(args=["backup", str(tmp_path / "b.adv")],
                           env={"ADVOCATE_BACKUP_PASSPHRASE": ""})
    assert result.exit_code == 1
    assert "no passphrase" in result.output
    result = runner.invoke(args=["backup", str(tmp_path / "c.adv"), "--passphrase-stdin"],
                           input="short\n")
    assert result.exit_code == 1
    assert "too short" in result.output
    inside = Path(app.config["FILES_DIR"]) / "x.adv"
    result = _backup(app, inside)
    assert result.exit_code == 1
    assert "outside the stored files folder" in result.output


def test_files_folder_is_created_when_missing(app, tmp_path):
    folder = Path(app.config["FILES_DIR"])
    assert folder == Path(app.instance_path) / "files"
    assert not folder.exists()
    assert _backup(app, tmp_path / "a.adv").exit_code == 0
    assert folder.is_dir()


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "files/../../x", "other.txt"])
def test_hostile_member_names_are_refused(name, tmp_path):
    from advocate.backup import archive

    buffer = io.BytesIO()
    writer = crypto.EncryptingWriter(buffer, PASSPHRASE)
    with tarfile.open(fileobj=writer, mode="w|") as tar:
        info = tarfile.TarInfo(name)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    writer.close()
    buffer.seek(0)
    with pytest.raises(archive.ArchiveError, match="unexpected member"):
        archive.read(buffer, PASSPHRASE, tmp_path / "staging")
    assert not (tmp_path / "evil").exists()
