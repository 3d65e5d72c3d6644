"""Where the shipped files are: probe and report templates, the config template, migrations.

The repository keeps them at its top level (templates/, db/); the wheel carries them as the
packages `mailprobe._templates` and `mailprobe._db` (setup.py maps the folders). One resolver
finds them with importlib.resources, so `pip install .`, pipx, a wheel and the editable install
behave alike; a source checkout run without any install falls back to the top-level folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from mailprobe.errors import MailprobeError

Shipped = Literal["templates", "db"]
_CHECKOUT = Path(__file__).resolve().parent.parent


def shipped_dir(name: Shipped) -> Path:
    """The folder holding the shipped `templates` or `db` files, as a real directory."""
    root = resources.files("mailprobe").joinpath(f"_{name}")
    if not root.is_dir():  # a source checkout or the editable install: the top-level folder
        root = _CHECKOUT / name
    # Jinja2's FileSystemLoader and Alembic's script_location need a real folder; an install
    # unpacks the wheel, so only a zipped import would land here.
    if not isinstance(root, Path) or not root.is_dir():
        raise MailprobeError(f"mailprobe's {name}/ files are missing ({root}); reinstall mailprobe")
    return root


def templates_dir() -> Path:
    return shipped_dir("templates")


def config_template() -> Path:
    return templates_dir() / "mailprobe.toml"


def migrations_dir() -> Path:
    return shipped_dir("db")
