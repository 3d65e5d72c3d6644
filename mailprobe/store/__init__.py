"""The database layer, one module per subject: units, campaigns, probes, ledger (send
states), messages (raw mail, verdicts, matches), overrides, runs (lock, run log, scores), web
(form channels), review (what staff decide on); schema and session underneath.

The rest of mailprobe sees these names and the subject modules' functions and dataclasses;
only ``messages.messages_with_verdicts``, which tests read, hands out ORM rows."""

from sqlalchemy.orm import Session, sessionmaker

Database = sessionmaker[Session]

__all__ = ["Database", "Session"]
