"""Alembic environment: render_as_batch so migrations also run on SQLite's limited ALTER."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from mailprobe.store.schema import Base
from mailprobe.store.session import make_engine

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///mailprobe.db")
    return make_engine(url)


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
