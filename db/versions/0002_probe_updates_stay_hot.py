"""probe: drop the indexes no query uses, so ledger updates can stay HOT on PostgreSQL

Every probe is updated twice while it is sent (claimed ``sending``, then its outcome). With
``state`` and ``message_id`` indexed, each update wrote a new entry into all seven indexes.
No query looks a probe up by either column: state is always filtered within one campaign
(``ix_probe_campaign_id``), and correlation loads the probes' Message-IDs into memory. On
PostgreSQL a fillfactor of 70 leaves room in each page for the updated row, so the updates
become heap-only (no index writes at all): benchmarks/send_bench.py, 0.50 -> 0.62 of the
bare SMTP loop. SQLite has no fillfactor; dropping the indexes only saves the writes there.

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("probe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_probe_state"))
        batch_op.drop_index(batch_op.f("ix_probe_message_id"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE probe SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE probe RESET (fillfactor)")
    with op.batch_alter_table("probe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_probe_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_probe_state"), ["state"], unique=False)
