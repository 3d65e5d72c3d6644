"""Throw-away PostgreSQL schemas in the test database, for tests and benchmarks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

PG_DSN = os.environ.get("MAILPROBE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def create_schema(prefix: str = "mp", dsn: str = PG_DSN) -> tuple[str, str]:
    """Create an empty schema; return its name and a SQLAlchemy URL that works inside it."""
    dsn = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    base = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    return schema, f"{base}?options=-csearch_path%3D{schema}"


def drop_schema(schema: str, dsn: str = PG_DSN) -> None:
    dsn = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def pg_schema(prefix: str = "mp", dsn: str = PG_DSN) -> Iterator[str]:
    """A throw-away schema's SQLAlchemy URL, the schema dropped afterwards."""
    schema, url = create_schema(prefix, dsn)
    try:
        yield url
    finally:
        drop_schema(schema, dsn)
