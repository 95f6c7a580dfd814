"""candidate selections; campaign rules in data

Revision ID: 0006
Revises: 0005

The selected set at each review step (candidate_selections), over which the notice's caps, totals
and quotas are now counted (engine.campaigns.rules, engine.campaigns.selection). Campaigns created before keep the
behaviour they were created with: their `ratio_caps` become binding `cap` rules over the selected set
at every step marked checksRatioCaps, and their tags stay self-declared facts. Selections made before
this revision are not reconstructed (a running campaign's selected sets start empty); the demo data
is rebuilt with `pingxuan demo` (README), see docs/rules.md.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

campaigns = sa.table('campaigns', sa.column('id', sa.String), sa.column('config', sa.JSON))


def _rules_from_caps(config: dict) -> dict:
    config = dict(config)
    config.setdefault('facts', [{'fact': tag, 'declared': True, 'quote': tag} for tag in config.get('tags', [])])
    config.setdefault('rules', [
        {'id': cap['id'], 'kind': 'cap', 'quote': cap['label'], 'fact': cap['tag'], 'scope': cap['scope'],
         'base': 'selected', 'force': 'binding', **({'max': cap['max']} if cap.get('max') is not None else {'min': cap['min']})}
        for cap in config.get('ratio_caps', [])])
    return config


def upgrade() -> None:
    op.create_table('candidate_selections',
    sa.Column('candidate_id', sa.String(length=36), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', 'stage')
    )
    op.create_index('ix_candidate_selections_campaign_stage', 'candidate_selections', ['campaign_id', 'stage'])
    # A plain ADD COLUMN (a batch copy of campaigns would break the candidates' foreign keys on SQLite).
    op.add_column('campaigns', sa.Column('selection_version', sa.Integer(), nullable=False, server_default='0'))
    conn = op.get_bind()
    for campaign_id, config in conn.execute(sa.select(campaigns.c.id, campaigns.c.config)).all():
        config = json.loads(config) if isinstance(config, str) else config
        if 'rules' not in config:
            conn.execute(campaigns.update().where(campaigns.c.id == campaign_id).values(config=_rules_from_caps(config)))


def downgrade() -> None:
    # The configs keep their added `facts` and `rules`: older code ignores keys it does not know.
    op.drop_index('ix_candidate_selections_campaign_stage', table_name='candidate_selections')
    op.drop_table('candidate_selections')
    op.drop_column('campaigns', 'selection_version')
