"""A registry export read from the file a person uploads (CSV or JSON), before any mapping.

Registries export what they hold in their own shape: a CSV saved by a spreadsheet in Spanish
(``;``) or English (``,``), in UTF-8 with or without a byte-order mark or in Latin-1
(Windows-1252, what older registry software writes), or a JSON list of objects. :func:`read`
gives the columns and the rows as they are (every CSV cell text, JSON values as they are),
each row numbered as the person finds it: the line of a CSV file (the header is line 1), the
position in a JSON list. What cannot be read at all — empty, too large, binary, UTF-16, a
header with blank or repeated names, too many rows or columns — is refused with
:class:`InvalidInput` on ``file`` naming the rule, and nothing is read.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from ..core.errors import FieldError, InvalidInput

MAX_BYTES = 8 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL = 4000
COMMAND = "import_households"
SEPARATORS = (";", ",", "\t", "|")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# bytes Windows-1252 leaves undefined: a file holding them is read as ISO-8859-1
CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True)
class TableFile:
    """An uploaded file read: its columns in order, its rows ``(number, {column: value})``,
    how it was read (``encoding``: ``utf-8``, ``utf-8-sig``, ``windows-1252``, ``iso-8859-1``;
    ``separator`` of a CSV file, None for JSON) and its text (kept for the run)."""

    kind: str
    columns: list[str]
    rows: list[tuple[int, dict]]
    encoding: str
    separator: str | None = None
    text: str = field(default="", repr=False)


def refuse(code: str, message: str, limit=None):
    """Raise the refusal of the whole file (field ``file``)."""
    raise InvalidInput(COMMAND, [FieldError("file", code, message, limit)])


def read(content: bytes, filename: str = "") -> TableFile:
    """The file's columns and rows (see the module); :class:`InvalidInput` when unreadable."""
    if not content or not content.strip():
        refuse("required", "The file is empty.")
    if len(content) > MAX_BYTES:
        refuse("size", "The file is too large.", MAX_BYTES)
    text, encoding = decoded(content)
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped[:1] in ("[", "{"):
        columns, rows = _json_rows(text)
        return TableFile("json", columns, rows, encoding, None, text)
    separator = separator_of(text)
    columns, rows = _csv_rows(text, separator)
    return TableFile("csv", columns, rows, encoding, separator, text)


def decoded(content: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read in: UTF-8 (with or without its byte-order
    mark), else Windows-1252, else ISO-8859-1. Binary content (NUL bytes, control bytes) and
    UTF-16 are refused (``encoding``)."""
    if content.startswith(UTF16_BOMS) or b"\x00" in content:
        refuse("encoding", "The file is binary or UTF-16: save it as CSV (UTF-8).")
    if content.startswith(b"\xef\xbb\xbf"):
        text, encoding = _utf8(content[3:]), "utf-8-sig"
    else:
        try:
            text, encoding = content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "iso-8859-1" if CP1252_HOLES & set(content) else "windows-1252"
            text = content.decode(encoding)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n")
    if controls:
        refuse("encoding", "The file is binary, not text: save it as CSV (UTF-8).")
    return text, encoding


def _utf8(content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        refuse("encoding", "The file says it is UTF-8 but is not: save it again as UTF-8.")


def separator_of(text: str) -> str:
    """The separator of a CSV file: the one of ``; , tab |`` its header line holds most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(SEPARATORS, key=lambda s: (first.count(s), s == ","))


def _csv_rows(text: str, separator: str) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        lines, last = [], 0
        for cells in reader:  # a row is numbered by the line it starts on
            if any(cell.strip() for cell in cells):
                lines.append((last + 1, cells))
            last = reader.line_num
            if len(lines) > MAX_ROWS + 1:
                refuse("maxItems", "Too many rows.", MAX_ROWS)
    except csv.Error:
        refuse("file_format", "The file is neither CSV nor JSON.")
    if not lines:
        refuse("required", "The file is empty.")
    columns = _header([cell.strip() for cell in lines[0][1]])
    rows = []
    for number, cells in lines[1:]:
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            rows.append((number, {"__extra__": len(cells)}))
            continue
        rows.append((number, {name: _cell(cells[i]) if i < len(cells) else ""
                              for i, name in enumerate(columns)}))
    return columns, rows


def _cell(value: str) -> str:
    return value.strip()[:MAX_CELL + 1]


def _header(names: list[str]) -> list[str]:
    while names and not names[-1]:
        names.pop()
    if not names:
        refuse("columns", "The first line must name the columns.", [])
    if len(names) > MAX_COLUMNS:
        refuse("maxItems", "Too many columns.", MAX_COLUMNS)
    if any(not n for n in names) or len(set(names)) != len(names):
        refuse("columns", "Every column needs a name of its own on the first line.", names)
    return names


def _json_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        found = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        refuse("file_format", "The file is neither CSV nor JSON.")
    if isinstance(found, dict):  # {"households": [...]}: the object's one list
        lists = [v for v in found.values() if isinstance(v, list)]
        found = lists[0] if len(lists) == 1 else None
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        refuse("file_format", "The JSON must be a list of objects, one per household.")
    if not found:
        refuse("required", "The file is empty.")
    if len(found) > MAX_ROWS:
        refuse("maxItems", "Too many rows.", MAX_ROWS)
    columns = list(dict.fromkeys(str(k) for row in found for k in row))
    if len(columns) > MAX_COLUMNS:
        refuse("maxItems", "Too many columns.", MAX_COLUMNS)
    return columns, [(n, {str(k): v for k, v in row.items()})
                     for n, row in enumerate(found, start=1)]


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")
