"""A report's words in the reader's language, and which of its figures rest on reconstructed
or provisional items.

The engine's reports label figures, tables and rows in the programme's language (Spanish, or
Italian for P.I.P.P.I.); those labels are msgids of the catalogues (appended under "outcome
reports"), so :func:`report_word` gives them in the reader's language. A label made of two
known parts (``Cambio promedio: Conducta infantil (ECBI)``) is worded part by part; anything
else stays as written. A figure's detail line (numbers in a sentence, ``3 en curso, 2
cerrados``) is looked up with its numbers as ``{}`` (``{} en curso, {} cerrados``) and the
numbers put back in the same order (:func:`report_detail`).
"""

import re

from flask_babel import gettext

from ..names import programme_name

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?")
SEPARATOR = ": "
PERCENT = "% "
RECONSTRUCTED = "reconstructed"
PROVISIONAL = "provisional"
# the figures computed from items no published source gives are marked by the engine
# (engine.reports.marks, from each version's [instrumentos]); their explanation here
NOTES = {
    RECONSTRUCTED: "Esta cifra se calcula con ítems reconstruidos (no publicados por el "
                   "programa): úsela con cautela.",
    PROVISIONAL: "Esta cifra se calcula con ítems provisionales de «%(instrument)s», "
                 "redactados para Acompaña mientras no se carguen los oficiales: úsela con "
                 "cautela.",
}
MATRIZ = "Matriz de Bienestar"
MATRIZ_NOTE = ("Esta cifra incluye indicadores provisionales de la Matriz (la lista oficial "
               "de 63 no es pública).")
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


def report_detail(text: str | None) -> str:
    """A figure's detail line in the reader's language, its numbers kept (as written when
    the catalogue lacks its shape)."""
    if not text:
        return text or ""
    numbers = NUMBER.findall(text)
    shape = NUMBER.sub("{}", text.replace("{", "(").replace("}", ")"))
    worded = gettext(shape)
    if worded == shape or worded.count("{}") != len(numbers):
        return text
    return worded.format(*numbers)


def provenance(item) -> tuple[str, str, str] | None:
    """``(kind, badge, explanation)`` in the reader's language when a report's figure or
    table (``item``) is computed from reconstructed or provisional items."""
    kind = getattr(item, "provenance", None)
    if kind not in BADGES:
        return None
    title = item.instrument or ""
    if kind == PROVISIONAL and title == MATRIZ:
        note = gettext(MATRIZ_NOTE)
    elif kind == PROVISIONAL:
        note = gettext(NOTES[kind], instrument=title)
    else:
        note = gettext(NOTES[kind])
    return kind, gettext(BADGES[kind]), note


def report_title(programme: str) -> str:
    """The report's title: the programme's name in the reader's language, "— results"."""
    return gettext("%(programme)s — resultados", programme=programme_name(programme))
