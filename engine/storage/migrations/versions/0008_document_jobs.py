"""background document jobs as rows, shared by every server process

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import engine.timekeeping.timeutil


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('with_pdf', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', engine.timekeeping.timeutil.UTCDateTime(), nullable=False),
    sa.Column('updated_at', engine.timekeeping.timeutil.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_document_jobs_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_document_jobs_created_at')
    op.drop_table('document_jobs')
