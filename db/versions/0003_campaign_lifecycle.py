"""campaign lifecycle, variants and spacing, a run lease, run summaries

A campaign gains a state (draft -> launched -> closed | cancelled), the seed its variants
were dealt with, when it was launched or cancelled and why, the Message-ID domain fixed at
launch, and the spacing between sends to one unit. A probe gains ``not_before`` (when the
spacing lets it go). The run lock becomes a lease (``renewed_at``), and every `run` leaves a
row in ``run_summary``.

Existing data: a campaign with any probe handed to a server becomes ``launched`` (``closed``
when its window was already closed), with ``launched_at`` its creation and its Message-ID
domain read from its probes; a campaign with nothing sent becomes a ``draft``. Existing
campaigns keep no spacing (0): they were sent without it.

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENT_STATES = ("sending", "accepted", "deferred", "rejected", "uncertain")


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=False,
                                      server_default="draft"))
        batch_op.add_column(sa.Column("seed", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("message_id_domain", sa.String(length=255),
                                      nullable=True))
        batch_op.add_column(sa.Column("unit_spacing_minutes", sa.Integer(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("probe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("run_lock", schema=None) as batch_op:
        batch_op.add_column(sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "run_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("polled", sa.Integer(), nullable=True),
        sa.Column("classified", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("run_summary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_summary_started_at"), ["started_at"],
                              unique=False)
    _classify_existing_campaigns()


def _classify_existing_campaigns() -> None:
    bind = op.get_bind()
    sent = sa.text(
        "SELECT DISTINCT campaign_id FROM probe WHERE state IN "
        "('sending', 'accepted', 'deferred', 'rejected', 'uncertain')")
    for (campaign_id,) in bind.execute(sent).all():
        message_id = bind.execute(sa.text(
            "SELECT message_id FROM probe WHERE campaign_id = :c ORDER BY id LIMIT 1"),
            {"c": campaign_id}).scalar()
        domain = (message_id or "").strip("<>").rpartition("@")[2] or None
        bind.execute(sa.text(
            "UPDATE campaign SET state = CASE WHEN closed_at IS NULL THEN 'launched' "
            "ELSE 'closed' END, launched_at = created_at, message_id_domain = :d "
            "WHERE id = :c"), {"c": campaign_id, "d": domain})


def downgrade() -> None:
    with op.batch_alter_table("run_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_summary_started_at"))
    op.drop_table("run_summary")
    with op.batch_alter_table("run_lock", schema=None) as batch_op:
        batch_op.drop_column("renewed_at")
    with op.batch_alter_table("probe", schema=None) as batch_op:
        batch_op.drop_column("not_before")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        for column in ("unit_spacing_minutes", "message_id_domain", "cancel_reason",
                       "cancelled_at", "launched_at", "seed", "state"):
            batch_op.drop_column(column)
