"""web channels: a mailbox may be a web form; form probes, web answers, per-campaign deadline

``mailbox.channel`` / ``mailbox.form_url``: a role published as a web form (registry cell
``https://…`` or the ``public_form`` / ``leader_form`` columns). ``probe.channel`` and
``probe.query_code`` (the 查询码 a form gives back). ``message.channel`` marks web answers
(query-page HTML or a staff record) so reclassify leaves them alone. ``campaign.deadline_days``
is the on-time rule of a campaign (``campaign create --deadline-days``). Existing rows are
e-mail channels, which the server defaults say.

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), nullable=False,
                                      server_default="email"))
        batch_op.add_column(sa.Column("form_url", sa.String(length=320), nullable=True))
    with op.batch_alter_table("probe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), nullable=False,
                                      server_default="email"))
        batch_op.add_column(sa.Column("query_code", sa.String(length=128), nullable=True))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), nullable=False,
                                      server_default="email"))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("deadline_days")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("channel")
    with op.batch_alter_table("probe", schema=None) as batch_op:
        batch_op.drop_column("query_code")
        batch_op.drop_column("channel")
    with op.batch_alter_table("mailbox", schema=None) as batch_op:
        batch_op.drop_column("form_url")
        batch_op.drop_column("channel")
