"""PostgreSQL: cases (id, status, owner_id) for the review's joins from deadlines

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 18:25:00

SQLite finds a case by its rowid and needs no such index (the model declares it for
PostgreSQL only).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_review_cases_id_status_owner', 'cases',
                        ['id', 'status', 'owner_id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_review_cases_id_status_owner', table_name='cases')
