"""task data stored once per distinct value

Revision ID: 0005
Revises: 0004

Every task row carried its whole data (~4 KB in a campaign), though most tasks hold a copy of their
predecessor's: a candidate's ~280 task rows written held a few dozen distinct values. Each value is
now a `task_data` row per instance, named by its digest; a task row names its value.
"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Lightweight views of the two tables, as they are at this revision.
tasks = sa.table('task_snapshots', sa.column('instance_id', sa.String), sa.column('task_id', sa.String),
                 sa.column('body', sa.Text), sa.column('data_digest', sa.String))
values = sa.table('task_data', sa.column('instance_id', sa.String), sa.column('digest', sa.String),
                  sa.column('body', sa.Text))


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'))


def _digest(body: str) -> str:  # as engine.runtime.snapshot.json_digest names a value by its JSON
    return hashlib.blake2b(body.encode(), digest_size=16, person=b'json').hexdigest()


def _by_instance(conn, columns):
    """Each instance's task rows in turn (a campaign's rows do not fit in memory at once)."""
    for instance_id in conn.execute(sa.select(tasks.c.instance_id).distinct()).scalars().all():
        yield instance_id, conn.execute(sa.select(*columns).where(tasks.c.instance_id == instance_id)).all()


def upgrade() -> None:
    op.create_table('task_data',
    sa.Column('instance_id', sa.String(length=36), nullable=False),
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id', 'digest')
    )
    with op.batch_alter_table('task_snapshots') as batch_op:
        batch_op.add_column(sa.Column('data_digest', sa.String(length=32), nullable=True))
    conn = op.get_bind()
    for instance_id, rows in _by_instance(conn, [tasks.c.task_id, tasks.c.body]):
        found, updates = {}, []
        for task_id, body in rows:
            task = json.loads(body)
            data = _dump(task.pop('data'))
            task.pop('delta', None)
            digest = _digest(data)
            found[digest] = data
            updates.append({'b_instance': instance_id, 'b_task': task_id, 'body': _dump(task), 'data_digest': digest})
        conn.execute(sa.insert(values), [{'instance_id': instance_id, 'digest': d, 'body': b} for d, b in found.items()])
        conn.execute(sa.update(tasks).where(tasks.c.instance_id == sa.bindparam('b_instance'),
                                            tasks.c.task_id == sa.bindparam('b_task'))
                     .values(body=sa.bindparam('body'), data_digest=sa.bindparam('data_digest')), updates)
    with op.batch_alter_table('task_snapshots') as batch_op:
        batch_op.alter_column('data_digest', existing_type=sa.String(length=32), nullable=False)


def downgrade() -> None:
    conn = op.get_bind()
    for instance_id, rows in _by_instance(conn, [tasks.c.task_id, tasks.c.body, tasks.c.data_digest]):
        data = dict(conn.execute(sa.select(values.c.digest, values.c.body)
                                 .where(values.c.instance_id == instance_id)).all())
        updates = [{'b_instance': instance_id, 'b_task': task_id,
                    'body': _dump({**json.loads(body), 'data': json.loads(data[digest]), 'delta': {}})}
                   for task_id, body, digest in rows]
        conn.execute(sa.update(tasks).where(tasks.c.instance_id == sa.bindparam('b_instance'),
                                            tasks.c.task_id == sa.bindparam('b_task'))
                     .values(body=sa.bindparam('body')), updates)
    with op.batch_alter_table('task_snapshots') as batch_op:
        batch_op.drop_column('data_digest')
    op.drop_table('task_data')
