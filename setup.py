"""Packages and package data; everything else is in pyproject.toml.

templates/ and db/ stay at the repository's top level and ship inside the wheel as
mailprobe/_templates and mailprobe/_db, where mailprobe/resources.py finds them.
"""

from setuptools import find_packages, setup

SHIPPED = {"mailprobe._templates": "templates", "mailprobe._db": "db"}

setup(
    packages=find_packages(include=["mailprobe", "mailprobe.*"]) + list(SHIPPED),
    package_dir=SHIPPED,
    package_data={
        "mailprobe": ["score/*.toml"],
        "mailprobe._templates": ["*.toml", "probe/*", "report/*"],
        "mailprobe._db": ["alembic.ini", "env.py", "script.py.mako", "versions/*.py"],
    },
)
