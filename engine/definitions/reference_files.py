"""An indicator list read from a file a manager uploads (CSV or JSON), checked row by row.

The list becomes a reference data set like ``forms/reference/matriz_bienestar.json``: each
indicator a code, a dimension, a text, the programmes it links to and whether it is the
programme's official wording (``"conocido"``). Nothing is taken unless every row is right:
:func:`read_indicators` raises :class:`InvalidInput` with one :class:`FieldError` per wrong
cell, named ``fila <n>.<columna>`` (``n`` the line of a CSV file, the position in a JSON
list), so the person can find each one.

CSV: a header line naming the columns ``codigo``, ``dimension``, ``texto`` and optionally
``programas`` (separated by ``|``), ``oficial`` (sí/no; absent: sí) and ``fuente``; comma or
semicolon separated, UTF-8 (a byte-order mark is fine). JSON: a list of indicators, or an
object with ``indicadores`` (and optionally ``dimensiones``, ``estados``, ``titulo``,
``fuente``) as in the reference files.
"""

import csv
import io
import json
import re
import unicodedata

from ..core import inputs
from ..core.errors import FieldError, InvalidInput

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_TEXT = 1000
MAX_SOURCE = 500
MAX_PROGRAMMES = 30
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
COLUMNS = ("codigo", "dimension", "texto", "programas", "oficial", "fuente")
NEEDED = ("codigo", "dimension", "texto")
YES = {"si", "sí", "s", "yes", "y", "true", "1", "x", "oficial"}
NO = {"no", "n", "false", "0", "provisional"}
COMMAND = "load_reference"


def read_indicators(content: bytes, filename: str, current: dict) -> dict:
    """The reference data set ``content`` makes of ``current`` (its dimensions, states and
    titles kept unless a JSON file gives its own). Raises :class:`InvalidInput` (nothing
    read) for a file that is too large, not UTF-8, not CSV/JSON, or has any wrong row."""
    text = _text(content)
    kind = "json" if filename.lower().endswith(".json") or text.lstrip()[:1] in "[{" else "csv"
    head, rows = _json_rows(text) if kind == "json" else _csv_rows(text)
    data = {**current, **{k: v for k, v in head.items() if k != "indicadores"}}
    errors = _head_errors(head)
    dimensions = [d.get("codigo") for d in data.get("dimensiones") or [] if isinstance(d, dict)]
    indicators, row_errors = _indicators(rows, dimensions)
    errors += row_errors
    errors += inputs.character_errors({"indicadores": indicators})
    if errors:
        raise InvalidInput(COMMAND, errors[:200])
    return {**data, "indicadores": indicators}


def _refuse(field: str, code: str, message: str, limit=None):
    raise InvalidInput(COMMAND, [FieldError(field, code, message, limit)])


def _text(content: bytes) -> str:
    if not content:
        _refuse("archivo", "required", "The file is empty.")
    if len(content) > MAX_BYTES:
        _refuse("archivo", "size", "The file is too large.", MAX_BYTES)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("archivo", "encoding", "The file is not UTF-8: save it as UTF-8.")


def _json_rows(text: str) -> tuple[dict, list[tuple[int, dict]]]:
    try:
        found = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        _refuse("archivo", "file_format", "The file is neither JSON nor CSV.")
    head = found if isinstance(found, dict) else {}
    rows = found if isinstance(found, list) else head.get("indicadores")
    if not isinstance(rows, list):
        _refuse("archivo", "file_format", "The JSON has no list of indicators.")
    return head, [(n, row) for n, row in enumerate(rows, start=1)]


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _csv_rows(text: str) -> tuple[dict, list[tuple[int, dict]]]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        lines = [(reader.line_num, row) for row in reader]
    except csv.Error:
        _refuse("archivo", "file_format", "The file is neither JSON nor CSV.")
    lines = [(n, row) for n, row in lines if any(cell.strip() for cell in row)]
    if not lines:
        _refuse("archivo", "required", "The file is empty.")
    header = [_plain(cell) for cell in lines[0][1]]
    missing = [c for c in NEEDED if c not in header]
    if missing:
        _refuse("archivo", "columns", f"Missing columns: {', '.join(missing)}",
                list(NEEDED))
    rows = []
    for number, cells in lines[1:]:
        row = {name: cells[i].strip() if i < len(cells) else ""
               for i, name in enumerate(header) if name in COLUMNS}
        if "programas" in row:
            row["programas"] = [p.strip() for p in row["programas"].split("|") if p.strip()]
        rows.append((number, row))
    return {}, rows


def _plain(name: str) -> str:
    """A column name as the reader means it: ``Dimensión`` is ``dimension``."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _head_errors(head: dict) -> list[FieldError]:
    errors = []
    for name in ("dimensiones", "estados"):
        if name not in head:
            continue
        value = head[name]
        codes = [d.get("codigo") for d in value if isinstance(d, dict)] \
            if isinstance(value, list) else []
        good = (len(codes) == len(value) >= 1 and len(set(codes)) == len(codes)
                and all(isinstance(c, str) and CODE.match(c) for c in codes)
                and all(isinstance(d.get("titulo"), str) and d["titulo"].strip() for d in value))
        if not good:
            errors.append(FieldError(name, "type", f"{name}: a list of {{codigo, titulo}} with "
                                     "unique codes", "codigo, titulo"))
    for name in ("titulo", "fuente"):
        if name in head and not (isinstance(head[name], str) and len(head[name]) <= MAX_TEXT):
            errors.append(FieldError(name, "maxLength", f"{name}: text", MAX_TEXT))
    return errors


def _indicators(rows: list[tuple[int, object]],
                dimensions: list) -> tuple[list[dict], list[FieldError]]:
    if not rows:
        return [], [FieldError("archivo", "minItems", "No indicator in the file.", 1)]
    if len(rows) > MAX_ROWS:
        return [], [FieldError("archivo", "maxItems", "Too many indicators.", MAX_ROWS)]
    indicators, errors, seen = [], [], {}
    for number, row in rows:
        where = f"fila {number}"
        if not isinstance(row, dict):
            errors.append(FieldError(where, "type", "Each indicator is an object.", "object"))
            continue
        found, problems = _indicator(where, row, dimensions)
        code = found.get("codigo")
        if code and code in seen:
            problems.append(FieldError(f"{where}.codigo", "duplicate",
                                       f"Code {code} repeats row {seen[code]}.", seen[code]))
        seen.setdefault(code, number)
        errors += problems
        indicators.append(found)
    return indicators, errors


def _indicator(where: str, row: dict, dimensions: list) -> tuple[dict, list[FieldError]]:
    errors = []
    code, dimension, text = (_clean(row.get(k)) for k in ("codigo", "dimension", "texto"))
    if not code:
        errors.append(FieldError(f"{where}.codigo", "required", "A code is needed."))
    elif not CODE.match(code):
        errors.append(FieldError(f"{where}.codigo", "pattern", "Letters, digits, _ . -.",
                                 "i32"))
    if dimension not in dimensions:
        errors.append(FieldError(f"{where}.dimension", "enum" if dimension else "required",
                                 "Unknown dimension.", dimensions))
    if not text:
        errors.append(FieldError(f"{where}.texto", "required", "A text is needed."))
    elif len(text) > MAX_TEXT:
        errors.append(FieldError(f"{where}.texto", "maxLength", "Too long.", MAX_TEXT))
    programmes, problem = _programmes(where, row.get("programas", []))
    errors += problem
    official = _official(row.get("oficial", row.get("conocido", True)))
    if official is None:
        errors.append(FieldError(f"{where}.oficial", "enum", "Yes or no.", ["sí", "no"]))
    source = _clean(row.get("fuente"))
    if len(source) > MAX_SOURCE:
        errors.append(FieldError(f"{where}.fuente", "maxLength", "Too long.", MAX_SOURCE))
    found = {"codigo": code, "dimension": dimension, "texto": text, "programas": programmes,
             "conocido": bool(official)}
    return ({**found, "fuente": source} if source else found), errors


def _clean(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _programmes(where: str, value) -> tuple[list[str], list[FieldError]]:
    if isinstance(value, str):
        value = [p.strip() for p in value.split("|") if p.strip()]
    good = isinstance(value, list) and len(value) <= MAX_PROGRAMMES and all(
        isinstance(p, str) and 0 < len(p.strip()) <= 200 for p in value)
    if not good:
        return [], [FieldError(f"{where}.programas", "maxItems",
                               "Up to 30 programme names of 200 characters.", MAX_PROGRAMMES)]
    return [p.strip() for p in value], []


def _official(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _clean(value).lower()
    if not text:  # the file is the official list: a blank cell is an official item
        return True
    return True if text in YES else False if text in NO else None
