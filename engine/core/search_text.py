"""Text people search by, in one normal form: lower case, without accents, words separated by
single spaces (``"  Rojas-Pérez "`` → ``"rojas perez"``).

A household keeps its family name, its members' names and their national ids in this form in
``Household.search_text`` (a space before and after each word), so a search for the start of
a word is one ``LIKE '% word%'`` that SQLite scans quickly and PostgreSQL answers from a
trigram index (migration 0018_case_search).
"""

import re
import unicodedata

NOT_A_WORD = re.compile(r"[^0-9a-z]+")
MAX_TERMS = 8  # words of one search; more are ignored


def normal(text: str) -> str:
    """``text`` lower case, without accents, its words joined by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return NOT_A_WORD.sub(" ", plain.replace("ß", "ss")).strip()


def terms(text: str) -> list[str]:
    """The words of a search, in normal form (at most :data:`MAX_TERMS`)."""
    return normal(text).split()[:MAX_TERMS]


def joined(parts) -> str:
    """Several texts as one search text: each word with a space before and after it."""
    words = " ".join(normal(str(part)) for part in parts if part).split()
    return " " + "".join(f"{word} " for word in words)
