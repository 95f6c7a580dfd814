"""subprocess shells in their own rows

Revision ID: 0004
Revises: 0003

A command used to rewrite one JSON document holding every subprocess's shell (a campaign's reached
~30 KB); each subprocess now has its own row, rewritten only when it changed.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Lightweight views of the two tables, as they are at this revision.
instances = sa.table('instances', sa.column('id', sa.String), sa.column('snapshot', sa.Text))
shells = sa.table('subprocess_shells', sa.column('instance_id', sa.String), sa.column('subprocess_id', sa.String),
                  sa.column('seq', sa.Integer), sa.column('body', sa.Text))


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'))


def upgrade() -> None:
    op.create_table('subprocess_shells',
    sa.Column('instance_id', sa.String(length=36), nullable=False),
    sa.Column('subprocess_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id', 'subprocess_id')
    )
    conn = op.get_bind()
    for instance_id, snapshot in conn.execute(sa.select(instances.c.id, instances.c.snapshot)).all():
        shell = json.loads(snapshot)
        subprocesses = shell.pop('subprocesses', None)
        if subprocesses is None:
            continue
        rows = [{'instance_id': instance_id, 'subprocess_id': key, 'seq': seq,
                 'body': _dump(body)}
                for seq, (key, body) in enumerate(subprocesses.items())]
        if rows:
            conn.execute(sa.insert(shells), rows)
        conn.execute(sa.update(instances).where(instances.c.id == instance_id)
                     .values(snapshot=_dump(shell)))


def downgrade() -> None:
    conn = op.get_bind()
    for instance_id, snapshot in conn.execute(sa.select(instances.c.id, instances.c.snapshot)).all():
        shell = json.loads(snapshot)
        rows = conn.execute(sa.select(shells.c.subprocess_id, shells.c.body)
                            .where(shells.c.instance_id == instance_id).order_by(shells.c.seq)).all()
        shell['subprocesses'] = {key: json.loads(body) for key, body in rows}
        conn.execute(sa.update(instances).where(instances.c.id == instance_id)
                     .values(snapshot=_dump(shell)))
    op.drop_table('subprocess_shells')
