"""Read the registry of units (CSV, XLSX or YAML) into validated Units plus RowErrors.

:func:`load_registry` is the only function that touches the file; everything under it
works on decoded rows. Columns (see ALIASES for the accepted Chinese headers, e.g.
单位编号 单位名称 类别 公开信箱 领导信箱, the headers the reports write): ``unit_id, name,
category, public_mailbox, leader_mailbox``. Headers are case-insensitive; extra table
columns are ignored, unknown YAML keys are errors (usually typos). A CSV row with fewer
cells than the header is an error (a lost separator would shift the columns). An empty
mailbox cell means the unit publishes no such mailbox; a unit with none at all is imported
with a warning naming its row. A mailbox cell may instead hold an ``http(s)://`` URL:
that role publishes a web form; the optional columns ``public_form`` and ``leader_form``
hold form URLs beside an address (the address is then the channel probed). Categories
may be written as the reports write them (县（市、区）, 市直部门) or 区县/县区 and 市直单位.
Lines are file lines (header = 1), XLSX
row numbers, or the line where a YAML item starts. docs/registry.md describes the format.
"""

from __future__ import annotations

import csv
import io
import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from mailprobe.errors import InputError
from mailprobe.model import DEFAULT_CATEGORIES, Mailbox, RowError, Unit

COLUMNS: tuple[str, ...] = ("unit_id", "name", "category", "public_mailbox", "leader_mailbox")
OPTIONAL_COLUMNS: tuple[str, ...] = ("public_form", "leader_form")
MAILBOX_COLUMNS: dict[str, str] = {"public_mailbox": "public", "leader_mailbox": "leader"}
FORM_COLUMNS: dict[str, str] = {"public": "public_form", "leader": "leader_form"}
MAX_URL = 320  # the mailbox and probe columns' width; form addresses are far shorter
ALIASES: dict[str, str] = {
    "id": "unit_id", "单位编号": "unit_id", "编号": "unit_id", "单位代码": "unit_id",
    "unit_name": "name", "单位名称": "name", "单位": "name", "名称": "name",
    "类别": "category", "分类": "category", "单位类别": "category",
    "public": "public_mailbox", "公共邮箱": "public_mailbox", "公开邮箱": "public_mailbox",
    "咨询邮箱": "public_mailbox", "邮箱": "public_mailbox", "公开信箱": "public_mailbox",
    "公共信箱": "public_mailbox", "咨询信箱": "public_mailbox", "电子信箱": "public_mailbox",
    "电子邮箱": "public_mailbox",
    "leader": "leader_mailbox", "领导信箱": "leader_mailbox", "领导邮箱": "leader_mailbox",
    "公共邮箱表单": "public_form", "咨询表单": "public_form", "公共信箱网址": "public_form",
    "领导信箱表单": "leader_form", "领导信箱网址": "leader_form",
}
CATEGORY_ALIASES: dict[str, str] = {
    "区县": "county_district", "县区": "county_district", "县（市、区）": "county_district",
    "市直部门": "city_department", "市直单位": "city_department",
}
MAX_BYTES = 200 * 1024 * 1024  # a 100,000-row registry is a few MB; this is far beyond it
PROBLEM = "_problem"  # row key under which a reader reports a malformed row
_SEPARATORS = (";", "；", ",", "，", "、", " ")

Record = tuple[int, Sequence[object]]  # (line, cells) of a table
Row = tuple[int, Mapping[str, object]]  # (line, column -> value) after the header


@dataclass(frozen=True)
class RegistryResult:
    """Units from the rows that passed every check, and one RowError per problem found."""

    units: list[Unit]
    errors: list[RowError]
    warnings: list[str] = field(default_factory=list)  # rows imported that staff should check


def load_registry(path: Path, categories: Sequence[str] = DEFAULT_CATEGORIES, *,
                  test_environment: bool = False) -> RegistryResult:
    """Read ``path`` and check every row; a file that is not a table gives one RowError.

    ``test_environment`` lets addresses at ``*.test`` domains through (demo and tests).
    """
    source, suffix = path.name, path.suffix.lower()
    try:
        if path.stat().st_size > MAX_BYTES:
            return _file_error(source, f"is larger than {MAX_BYTES // 2**20} MB")
        if suffix in (".xlsx", ".xlsm"):
            return parse_table(read_xlsx(path), source, categories, test_environment)
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read the registry ({err.strerror})") from None
    if data.startswith(b"PK\x03\x04"):
        return _file_error(source, "is an XLSX workbook with another extension; rename it .xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _file_error(source, "is an old Excel .xls file; save it as .xlsx or CSV UTF-8")
    if suffix in (".yaml", ".yml"):
        return parse_rows(read_yaml(data), source, categories, test_environment=test_environment)
    return parse_table(read_csv(data), source, categories, test_environment,
                       complete_rows=True)


def read_csv(data: bytes) -> Iterator[Record]:
    """Decode CSV bytes (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK/GB18030) into records."""
    text = decode_text(data)
    if text is None:
        raise _NotATable("is not text in UTF-8 or GBK/GB18030; save it as CSV UTF-8")
    head = text[:65536]
    controls = sum(ord(c) < 32 and c not in "\t\r\n" for c in head)
    if "\x00" in head or controls > max(8, len(head) // 100):
        raise _NotATable("holds binary data, not a CSV table; save it as CSV UTF-8 or XLSX")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as err:
        raise _NotATable(f"cannot be read as CSV near line {reader.line_num} ({err})") from None


def read_xlsx(path: Path) -> Iterator[Record]:
    """Rows of the first sheet, numbered as Excel numbers them."""
    import openpyxl  # slow to import; only XLSX users pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zipfile, XML and openpyxl errors alike: the file is unreadable
        raise _NotATable(f"cannot be opened as an XLSX workbook ({type(err).__name__})") from None
    try:
        sheet = book.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except Exception as err:  # a broken sheet part shows up only while streaming
        raise _NotATable(f"has an unreadable first sheet ({type(err).__name__})") from None
    finally:
        book.close()


def read_yaml(data: bytes) -> Iterator[Row]:
    """Items of a YAML list (or of ``units:``), keyed by canonical column, with their line.

    The node tree is read rather than loaded, so ids such as ``0101`` stay text and
    aliases are never expanded.
    """
    import yaml

    text = decode_text(data)
    try:
        root = yaml.compose(text or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError) as err:  # pure-Python composer recurses
        first = (str(err) or "nested too deeply").splitlines()[0]
        raise _NotATable(f"is not valid YAML ({first})") from None
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if k.value == "units"), None)
    if not isinstance(root, yaml.SequenceNode):
        raise _NotATable("is not a YAML list of units (or a mapping with units: [...])")
    for item in root.value:
        yield item.start_mark.line + 1, _yaml_item(item)


def _yaml_item(node: object) -> dict[str, object]:
    """One YAML item as a row; a problem with its shape goes under ``PROBLEM``."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {PROBLEM: f"a unit must be a mapping with the keys {', '.join(COLUMNS)}"}
    row: dict[str, object] = {}
    for key, value in node.value:
        canon = canonical_column(str(key.value))
        if canon is None:
            row[PROBLEM] = f'unknown key "{key.value}"; known keys: {", ".join(COLUMNS)}'
        elif not isinstance(value, yaml.ScalarNode):
            row[PROBLEM] = f'key "{key.value}" must hold a single value'
        elif value.tag != "tag:yaml.org,2002:null":
            row[canon] = value.value
    return row


def decode_text(data: bytes) -> str | None:
    """Try UTF-16 (by BOM), UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_table(records: Iterable[Record], source: str,
                categories: Sequence[str] = DEFAULT_CATEGORIES,
                test_environment: bool = False, complete_rows: bool = False) -> RegistryResult:
    """Check a table whose first non-blank record is the header; with ``complete_rows``
    (CSV) a non-blank row must reach every column the header names."""
    try:
        it = iter(records)
        header = next(((n, c) for n, c in it if any(_cell(v) for v in c)), None)
        if header is None:
            return _file_error(source, "has no header row; the first row names the columns")
        columns, problem = resolve_header(header[1])
        if problem:
            return RegistryResult([], [RowError(source, header[0], None, problem)])
        labels = {canon: _cell(header[1][i]) for i, canon in columns.items()}
        width = max(columns) + 1 if complete_rows else 0
        rows = ((n, _row_cells(c, columns, width)) for n, c in it)
        return parse_rows(rows, source, categories, labels, test_environment)
    except _NotATable as err:
        return _file_error(source, str(err))


def _row_cells(cells: Sequence[object], columns: Mapping[int, str],
               width: int) -> dict[str, object]:
    """A record keyed by canonical column; too few cells (when ``width`` asks) is a problem."""
    if len(cells) < width and any(_cell(v) for v in cells):
        return {PROBLEM: f"has {len(cells)} cells but the header names {width} columns; "
                         "a column is missing (a lost separator?), write empty cells as ,,"}
    return {canon: cells[i] if i < len(cells) else "" for i, canon in columns.items()}


def resolve_header(header: Sequence[object]) -> tuple[dict[int, str], str]:
    """Map column positions to canonical names; the second item is a problem, or ''."""
    columns: dict[int, str] = {}
    for i, cell in enumerate(header):
        canon = canonical_column(_cell(cell))
        if canon is None:
            continue
        if canon in columns.values():
            return columns, f'has two columns for "{canon}"; keep one'
        columns[i] = canon
    missing = [c for c in COLUMNS if c not in columns.values()]
    if missing:
        seen = ", ".join(_cell(c) for c in header[:12])
        return columns, (f"missing column(s) {', '.join(missing)}; "
                         f"the header row names: {seen[:300]}")
    return columns, ""


def canonical_column(label: str) -> str | None:
    """The canonical column for a header label or alias, or None."""
    key = label.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return key if key in COLUMNS or key in OPTIONAL_COLUMNS else ALIASES.get(key)


def parse_rows(rows: Iterable[Row], source: str, categories: Sequence[str] = DEFAULT_CATEGORIES,
               labels: Mapping[str, str] | None = None,
               test_environment: bool = False) -> RegistryResult:
    """Check rows keyed by canonical column; blank rows are skipped. Pure."""
    checker = _RowChecker(source, tuple(categories), dict(labels or {}), test_environment)
    units: list[Unit] = []
    errors: list[RowError] = []
    try:
        for line, row in rows:
            unit, problems = checker.check(line, row)
            errors.extend(problems)
            if unit is not None:
                units.append(unit)
    except _NotATable as err:
        return _file_error(source, str(err))
    return RegistryResult(units, errors, checker.warnings)


class _RowChecker:
    """Checks one row at a time; remembers unit ids to find duplicates in one pass."""

    def __init__(self, source: str, categories: tuple[str, ...], labels: dict[str, str],
                 test_environment: bool) -> None:
        self.source, self.categories, self.labels = source, categories, labels
        self.test_environment = test_environment
        self.seen: dict[str, int] = {}
        self.warnings: list[str] = []

    def check(self, line: int, row: Mapping[str, object]) -> tuple[Unit | None, list[RowError]]:
        values = {c: _cell(row.get(c)) for c in (*COLUMNS, *OPTIONAL_COLUMNS)}
        if PROBLEM in row:
            return None, [RowError(self.source, line, None, str(row[PROBLEM]))]
        if not any(values.values()):
            return None, []
        errors: list[RowError] = []
        for column in ("unit_id", "name"):
            if not values[column]:
                errors.append(self._error(line, column, "is empty"))
            elif not values[column].isprintable():
                errors.append(self._error(line, column, "holds a line break or control character"))
        errors += self._check_unit_id(line, values["unit_id"])
        category, problem = self._category(values["category"])
        if problem:
            errors.append(self._error(line, "category", problem))
        mailboxes = []
        for column, type_ in MAILBOX_COLUMNS.items():
            mailbox, problems = self._mailbox(line, type_, values[column],
                                              values[FORM_COLUMNS[type_]])
            errors += problems
            mailboxes.append(mailbox)
        errors += self._check_same_address(line, mailboxes)
        if errors:
            return None, errors
        if all(m.address is None for m in mailboxes):
            self.warnings.append(
                f'{self.source}:{line}: unit "{values["unit_id"]}" ({values["name"]}) publishes '
                'no mailbox; imported, it scores as "no channel published": confirm with the '
                "unit that it has none")
        return Unit(values["unit_id"], values["name"], category, tuple(mailboxes), line), []

    def _check_unit_id(self, line: int, unit_id: str) -> list[RowError]:
        if not unit_id:
            return []
        first = self.seen.setdefault(unit_id, line)
        if first == line:
            return []
        return [self._error(line, "unit_id", f'"{unit_id}" is already used on line {first}; '
                                             "each unit needs its own id")]

    def _category(self, value: str) -> tuple[str, str]:
        value = CATEGORY_ALIASES.get(value, value)
        if value in self.categories:
            return value, ""
        shown = f'"{value}" is not a known category' if value else "is empty"
        return value, f"{shown}; use one of: {', '.join(self.categories)}"

    def _mailbox(self, line: int, type_: str, cell: str,
                 form_cell: str) -> tuple[Mailbox, list[RowError]]:
        """A role's address and form; a URL in the mailbox cell alone is the role's form."""
        column, form_column = f"{type_}_mailbox", FORM_COLUMNS[type_]
        errors: list[RowError] = []
        form, problem = form_url(form_cell) if form_cell else (None, "")
        if problem:
            errors.append(self._error(line, form_column, problem))
        if is_url(cell):
            cell_form, problem = form_url(cell)
            if problem:
                errors.append(self._error(line, column, problem))
            elif form is not None and cell_form != form:
                errors.append(self._error(line, column, f'"{cell}" and column {form_column} '
                                          "name two forms for one role; keep one"))
            return Mailbox(type_, None, cell_form or form), errors
        address, problem = self._address(cell)
        if problem:
            errors.append(self._error(line, column, problem))
        return Mailbox(type_, address, form), errors

    def _address(self, value: str) -> tuple[str | None, str]:
        if not value:
            return None, ""
        try:
            # A non-ASCII local part needs SMTPUTF8 end to end; the sender does not do that.
            checked = validate_email(value, check_deliverability=False, allow_smtputf8=False,
                                     test_environment=self.test_environment)
        except EmailNotValidError as err:
            return None, f'"{value[:200]}" is not a valid address ({err}){_hint(value)}'
        return checked.normalized, ""

    def _check_same_address(self, line: int, mailboxes: list[Mailbox]) -> list[RowError]:
        errors = self._check_same_form(line, mailboxes)
        public, leader = (m.address for m in mailboxes)
        if public is None or leader is None or public.lower() != leader.lower():
            return errors
        return [*errors, self._error(line, "leader_mailbox", f'"{leader}" is also the public '
                                     "mailbox; two probes to one address are not independent, "
                                     "leave one empty")]

    def _check_same_form(self, line: int, mailboxes: list[Mailbox]) -> list[RowError]:
        public, leader = mailboxes
        if public.channel != "form" or leader.channel != "form":
            return []
        if public.form_url != leader.form_url:
            return []
        return [self._error(line, "leader_mailbox", f'"{leader.form_url}" is also the public '
                            "form; two probes through one form are not independent, "
                            "leave one empty")]

    def _error(self, line: int, column: str, problem: str) -> RowError:
        return RowError(self.source, line, self.labels.get(column, column), problem)


class _NotATable(Exception):
    """Raised by the readers when the file as a whole cannot be read; becomes one RowError."""


def _file_error(source: str, problem: str) -> RegistryResult:
    return RegistryResult([], [RowError(source, 1, None, f"the file {problem}")])


def _cell(value: object) -> str:
    """A cell as stripped text; Excel's 101.0 for an id becomes "101"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_url(value: str) -> bool:
    """True for a cell that is meant as a web address (http:// or https://)."""
    return value.lower().startswith(("http://", "https://"))


def form_url(value: str) -> tuple[str | None, str]:
    """A checked form URL, or (None, the problem). Pure: nothing is fetched here."""
    shown = f'"{value[:200]}"'
    if not is_url(value):
        return None, f"{shown} is not a web address; write the form's full http(s):// URL"
    if len(value) > MAX_URL or not value.isprintable() or any(c.isspace() for c in value):
        return None, (f"{shown} is not a usable web address (spaces, control characters or "
                      f"longer than {MAX_URL} characters); copy the form's address again")
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as err:
        return None, f"{shown} is not a valid web address ({err})"
    if not _is_host(host):
        return None, f"{shown} has no valid host name; copy the form's address again"
    return value, ""


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    return len(labels) >= 2 and all(
        label and len(label) <= 63 and not label.startswith("-") and not label.endswith("-")
        and all(c.isalnum() or c == "-" for c in label) for label in labels)


def _hint(value: str) -> str:
    if value.count("@") > 1 or any(s in value for s in _SEPARATORS):
        return "; put one address per column"
    return ""
