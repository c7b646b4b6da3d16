"""The one way Acompaña writes a spreadsheet: every CSV export goes through here.

Text typed by people (a household called ``=HYPERLINK(...)``) must never become a live formula
when a supervisor opens the file in Excel or LibreOffice. A text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote, which both
programs show as plain text (OWASP's advice for CSV injection).

Real numbers stay numbers: an ``int``, ``float`` or ``Decimal`` cell is written as the figure
it is, negative ones included (``-2`` as a number cannot call anything), so spreadsheets still
sum the columns. Only text is neutralised, even when it looks like a number (a family named
``-2`` comes out as ``'-2``). The file is UTF-8 with a byte-order mark so Excel shows accents.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from flask import Response

BOM = "\ufeff"
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """One cell as it goes into the file: blank for ``None``, numbers as they are, text safe."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The whole file as text: the byte-order mark, the header, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return BOM + out.getvalue()


def csv_response(filename: str, header: Sequence[str],
                 rows: Iterable[Sequence[object]]) -> Response:
    """A download of ``rows`` under ``header``, named ``filename`` (``.csv`` is added)."""
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": disposition(filename + ".csv")})


def disposition(filename: str) -> str:
    """An ``attachment`` header value with a quoted ASCII name and the exact UTF-8 name."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                         for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
