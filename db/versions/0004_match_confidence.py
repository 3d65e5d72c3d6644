"""match: confidence, review reason and evidence note of every match

``match.confidence`` is ``high`` (direct evidence: token, returned original, In-Reply-To,
code, the probed address itself) or ``low`` (only the unit's own domain); ``match.review``
names why a message waits for staff (``unmatched``, ``low_confidence``, ``unknown_kind``;
``conflict`` is worked out per probe when scoring) and is NULL for a credited match;
``match.note`` says the evidence in words for ``mailprobe explain`` (docs/design.md §3).

Existing matches are upgraded by the same rules: a sender match from an address other than
the probed one becomes a low-confidence domain match waiting for review, or, when the sender
is at a shared mail domain of the shipped list, an unmatched message; staff links stay high.
``mailprobe reclassify`` recomputes everything from the stored mail and the override log.

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mailprobe.correlate import SHARED_DOMAINS

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SENDER = ("(SELECT lower(v.sender) FROM verdict v WHERE v.message_pk = match.message_pk"
           " AND v.is_current = :yes)")
_PROBED = "(SELECT lower(p.address) FROM probe p WHERE p.id = match.probe_id)"


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("review", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
    run = op.get_bind().execute
    yes = {"yes": True}
    run(sa.text("UPDATE match SET review = 'unmatched' WHERE probe_id IS NULL"))
    run(sa.text("UPDATE match SET confidence = 'high' WHERE probe_id IS NOT NULL"))
    domain_only = (f"evidence = 'sender+window' AND matched_by = 'auto'"
                   f" AND {_SENDER} <> {_PROBED}")
    for domain in SHARED_DOMAINS:
        run(sa.text(f"UPDATE match SET probe_id = NULL, evidence = 'review', confidence = NULL,"
                    f" review = 'unmatched' WHERE {domain_only} AND {_SENDER} LIKE :pattern"),
            {**yes, "pattern": f"%@{domain}"})
    run(sa.text(f"UPDATE match SET evidence = 'domain+window', confidence = 'low',"
                f" review = 'low_confidence' WHERE {domain_only}"), yes)
    run(sa.text(f"UPDATE match SET review = 'unknown_kind' WHERE probe_id IS NOT NULL"
                f" AND review IS NULL AND matched_by = 'auto' AND EXISTS (SELECT 1 FROM verdict v"
                f" WHERE v.message_pk = match.message_pk AND v.is_current = :yes"
                f" AND v.kind = 'unknown')"), yes)


def downgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("review")
        batch_op.drop_column("confidence")
