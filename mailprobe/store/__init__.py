"""The database layer; the rest of mailprobe sees only these names and store.queries."""

from sqlalchemy.orm import Session, sessionmaker

Database = sessionmaker[Session]

__all__ = ["Database", "Session"]
