"""The event log's hash chain: intact after writes, broken by tampering."""

from __future__ import annotations

from sqlalchemy import text

from advocate.audit.operations import record, verify
from advocate.extensions import db


def _write(app, n):
    with app.app_context():
        for i in range(n):
            record("test.event", object_type="thing", object_id=i, changes={"x": [i, i + 1]})
        db.session.commit()


def test_chain_intact(app, runner):
    _write(app, 5)
    with app.app_context():
        assert verify() == (5, None)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "intact: 5 entries" in result.output


def test_direct_update_is_reported(app, runner):
    _write(app, 5)
    with app.app_context():
        db.session.execute(text("UPDATE audit_events SET reason = 'edited' WHERE id = 3"))
        db.session.commit()
        count, problem = verify()
    assert problem is not None
    assert problem.event_id == 3
    assert problem.kind == "altered"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "entry 3 was altered" in result.output


def test_direct_delete_is_reported(app, runner):
    _write(app, 5)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_events WHERE id = 2"))
        db.session.commit()
        _, problem = verify()
    assert problem is not None
    assert problem.event_id == 3
    assert problem.kind == "broken link"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "entry 3 does not follow" in result.output
