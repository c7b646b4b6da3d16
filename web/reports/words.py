"""A report's words in the reader's language, and which of its figures rest on reconstructed
or provisional items.

The engine's reports label figures, tables and rows in the programme's language (Spanish, or
Italian for P.I.P.P.I.); those labels are msgids of the catalogues (appended under "outcome
reports"), so :func:`report_word` gives them in the reader's language. A label made of two
known parts (``Cambio promedio: Conducta infantil (ECBI)``) is worded part by part; anything
else stays as written. The figures' detail lines (numbers in a sentence) are not worded yet.
"""

from fnmatch import fnmatch

from flask_babel import gettext

from ..names import programme_name

SEPARATOR = ": "
PERCENT = "% "
RECONSTRUCTED = "reconstructed"
PROVISIONAL = "provisional"
# figures and tables (by key, shell patterns) computed from items no published source gives
PROVENANCE = {
    "familias": {"indicadores_*": PROVISIONAL},
    "triple_p": {"cambio_*": RECONSTRUCTED, "cuestionarios": RECONSTRUCTED},
    "pippi": {"variazione_*": RECONSTRUCTED},
}
NOTES = {
    RECONSTRUCTED: "Esta cifra se calcula con ítems reconstruidos (no publicados por el "
                   "programa): úsela con cautela.",
    PROVISIONAL: "Esta cifra incluye indicadores provisionales de la Matriz (la lista oficial "
                 "de 63 no es pública).",
}
BADGES = {RECONSTRUCTED: "reconstruido", PROVISIONAL: "provisional"}


def report_word(text: str | None) -> str:
    """A report's label in the reader's language (as written when the catalogue lacks it)."""
    if not text:
        return text or ""
    if text.startswith(PERCENT):  # "% de cierres": a catalogue would read "% d" as a number
        return PERCENT + gettext(text.removeprefix(PERCENT))
    worded = gettext(text)
    if worded != text or SEPARATOR not in text:
        return worded
    head, tail = text.split(SEPARATOR, 1)
    return f"{gettext(head)}{SEPARATOR}{gettext(tail)}"


def provenance(programme: str, key: str) -> tuple[str, str, str] | None:
    """``(kind, badge, explanation)`` in the reader's language when figure or table ``key``
    of ``programme``'s report rests on reconstructed or provisional items."""
    for pattern, kind in PROVENANCE.get(programme, {}).items():
        if fnmatch(key, pattern):
            return kind, gettext(BADGES[kind]), gettext(NOTES[kind])
    return None


def report_title(programme: str) -> str:
    """The report's title: the programme's name in the reader's language, "— results"."""
    return gettext("%(programme)s — resultados", programme=programme_name(programme))
