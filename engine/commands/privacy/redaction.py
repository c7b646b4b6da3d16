"""What an erasure takes out of a value: the person's identifiers, and for a whole case every
free text too.

A :class:`Redactor` walks any JSON-like value (dicts, lists, strings) and returns it rewritten:

- each *identifier* (a name, a national id in every way it is written, an address) is
  replaced wherever it occurs in a string as whole words, ignoring case and accents (a
  member called Ana leaves *mañana* alone);
- with ``free_text`` (retention: the whole case is anonymised) every string that is not a
  code (``cumplido``, ``a_trabajar``, a date) is replaced as a whole, so notes, reasons and
  comments go; codes, numbers and booleans stay, which is what the outcome reports count.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

PLACEHOLDER = "[anonimizado]"
CODE = re.compile(r"[a-z0-9_.:+\-]{0,64}")
LONG_NUMBER = re.compile(r"\d{7,}")
MIN_IDENTIFIER = 3
SHORT_CODE = 3  # letters or digits this short are a level or a grade, never a name


def fold(text: str) -> str:
    """``text`` lower case and without accents, one character for each of ``text``'s."""
    return "".join(unicodedata.normalize("NFD", c)[0].lower()[:1] or c for c in text)


def is_code(text: str) -> bool:
    """Whether ``text`` is a code (``a_trabajar``, P.I.P.P.I.'s levels ``A``/``B``/``C``) or
    a moment rather than free text."""
    if CODE.fullmatch(text) and not LONG_NUMBER.search(text):
        return True
    if len(text) <= SHORT_CODE and text.isascii() and text.isalnum():
        return True
    try:
        (datetime if "T" in text else date).fromisoformat(text)
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class Redactor:
    """Rewrites values without ``identifiers`` (and without free text when ``free_text``)."""

    identifiers: tuple[str, ...]
    free_text: bool = False

    @classmethod
    def of(cls, identifiers, free_text: bool = False) -> "Redactor":
        """A redactor of the distinct, long enough ``identifiers``, longest first."""
        kept = {fold(i.strip()): i.strip() for i in identifiers
                if isinstance(i, str) and len(i.strip()) >= MIN_IDENTIFIER}
        return cls(tuple(sorted(kept, key=len, reverse=True)), free_text)

    def value(self, value):
        """``value`` rewritten (process data, form answers, event data)."""
        return self._walk(value, self.text)

    def internal(self, value):
        """The engine's own data rewritten: identifiers only, never a whole string."""
        return self._walk(value, self.identifiers_out)

    def text(self, text: str) -> str:
        """One string rewritten."""
        if self.free_text and text and not is_code(text):
            return PLACEHOLDER
        return self.identifiers_out(text)

    def identifiers_out(self, text: str) -> str:
        """``text`` with every identifier replaced, ignoring case and accents."""
        folded = fold(text)
        spans = []
        for identifier in self.identifiers:
            pattern = rf"(?<!\w){re.escape(identifier)}(?!\w)"  # whole words only
            spans += [(m.start(), m.end()) for m in re.finditer(pattern, folded)]
        if not spans:
            return text
        out, at = [], 0
        for start, end in sorted(spans):
            if start < at:
                continue
            out += [text[at:start], PLACEHOLDER]
            at = end
        return "".join(out) + text[at:]

    def changes(self, value) -> bool:
        """Whether :meth:`value` would change ``value``."""
        return self.value(value) != value

    def _walk(self, value, on_text):
        if isinstance(value, str):
            return on_text(value)
        if isinstance(value, dict):
            return {k: self._walk(v, on_text) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._walk(v, on_text) for v in value)
        return value
