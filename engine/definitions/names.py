"""A programme's names in each reader's language: ``processes/<programme>/names.toml``.

The BPMN names its steps in one language (Spanish or Italian) and the settings name the
programme once; ``names.toml`` gives, per language (``es``, ``it``, ``en``), the programme's
name, its steps by BPMN id, its outcomes by code and its lanes by name (as the settings'
``[roles]`` name them)::

    [en]
    programme = "Families Programme"

    [en.steps]
    primer_contacto = "First contact with the family"

    [en.outcomes]
    egreso = "Graduated"

    [en.lanes]
    "Gestor Familiar" = "Family manager"

    [en.modalities]     # places modalities, by their key in the settings' [modalidades]
    charlas = "Large-group seminars"

The names travel with the version (kept in its bundle with the forms, under ``names``), and
whatever a language leaves out reads as the process names it (the BPMN name). Deploy refuses
a file naming a step, outcome or lane the process does not have, with its file and line
(:func:`problems`), so a renamed step is never silently left untranslated.
"""

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InvalidProcess, ProcessProblem

FILE = "names.toml"
LANGUAGES = ("es", "it", "en")
SECTIONS = ("steps", "outcomes", "lanes", "modalities")
BUNDLE_KEY = "names"  # the names, among a version bundle's forms


def read(folder: Path) -> tuple[dict | None, str | None]:
    """The names file of ``folder`` as a table and its text (``(None, None)`` when it has
    none); a malformed one raises :class:`InvalidProcess` naming the file and what is wrong."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None, None
    text = path.read_text(encoding="utf-8")
    return parse(text), text


def parse(text: str) -> dict:
    """The names in ``text`` (TOML), checked for shape: languages, sections, plain strings."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidProcess([ProcessProblem(FILE, f"not valid TOML: {err}")]) from err
    found: list[ProcessProblem] = []
    names: dict = {}
    for language, table in raw.items():
        line = _line_of(text, rf"\[\s*{re.escape(language)}[\].]")
        if language not in LANGUAGES or not isinstance(table, dict):
            found.append(ProcessProblem(FILE, f"unknown language [{language}] (known: "
                                        f"{', '.join(LANGUAGES)})", line=line))
            continue
        names[language] = _language(language, table, text, found)
    if found:
        raise InvalidProcess(found)
    return names


def _language(language: str, table: dict, text: str, found: list) -> dict:
    out: dict = {}
    for key, value in table.items():
        if key == "programme" and isinstance(value, str):
            out[key] = value
        elif key in SECTIONS and isinstance(value, dict) and all(
                isinstance(v, str) for v in value.values()):
            out[key] = dict(value)
        else:
            line = _line_of(text, rf"^\s*{re.escape(key)}\s*=") or _line_of(
                text, rf"\[\s*{re.escape(language)}\.{re.escape(key)}\s*\]")
            found.append(ProcessProblem(FILE, f"[{language}] {key}: expected programme = "
                                        f"\"…\" or a table of names ({', '.join(SECTIONS)})",
                                        line=line))
    return out


def problems(names: dict, text: str | None, steps: Iterable[str], outcomes: Iterable[str],
             lanes: Iterable[str], modalities: Iterable[str] = ()) -> list[ProcessProblem]:
    """Every entry of ``names`` that names no step, outcome or lane of the process, with the
    line it is written on, e.g. ``names.toml:12 [diagnostic]: step "diagnostic" of [en.steps]
    is not in the process``."""
    known = {"steps": set(steps), "outcomes": set(outcomes), "lanes": set(lanes),
             "modalities": set(modalities)}
    what = {"steps": "step", "outcomes": "outcome", "lanes": "lane", "modalities": "modality"}
    found = []
    for language, table in names.items():
        for section in SECTIONS:
            for key in table.get(section, {}):
                if key in known[section]:
                    continue
                line = _entry_line(text or "", language, section, key)
                found.append(ProcessProblem(
                    FILE, f'{what[section]} "{key}" of [{language}.{section}] is not in the '
                    "process: correct the id or remove the line", key, line))
    return found


def without_unknown(names: dict, steps: Iterable[str], outcomes: Iterable[str],
                    lanes: Iterable[str], modalities: Iterable[str] = ()) -> dict:
    """``names`` without the entries the process does not have (a process redesigned in the
    modeler keeps the names of the steps it still has)."""
    known = {"steps": set(steps), "outcomes": set(outcomes), "lanes": set(lanes),
             "modalities": set(modalities)}
    return {language: {key: ({k: v for k, v in value.items() if k in known[key]}
                             if key in SECTIONS else value)
                       for key, value in table.items()}
            for language, table in names.items()}


def _entry_line(text: str, language: str, section: str, key: str) -> int | None:
    """The line of ``key`` inside ``[language.section]`` (or the first line naming it)."""
    header = re.compile(rf"^\s*\[\s*{re.escape(language)}\.{re.escape(section)}\s*\]")
    entry = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("["):
            inside = bool(header.match(line))
        elif inside and entry.match(line):
            return number
    return _line_of(text, rf"^\s*\"?{re.escape(key)}\"?\s*=")


def _line_of(text: str, pattern: str) -> int | None:
    regex = re.compile(pattern)
    return next((n for n, line in enumerate(text.splitlines(), start=1) if regex.search(line)),
                None)


@dataclass(frozen=True)
class Names:
    """A programme's names by language; a missing one reads as ``None`` (the caller falls
    back to the process's own name). ``tables`` lists the versions' names, newest first: the
    first that names a step wins."""

    tables: tuple[dict, ...] = field(default_factory=tuple)
    bpmn_names: tuple[dict, ...] = field(default_factory=tuple)  # {BPMN name: id} per version

    def _find(self, language: str, section: str, key: str | None) -> str | None:
        if not key:
            return None
        for table in self.tables:
            found = table.get(language, {}).get(section, {}).get(key)
            if found:
                return found
        return None

    def step(self, language: str, bpmn_id: str | None) -> str | None:
        """The step ``bpmn_id`` in ``language``, or None."""
        return self._find(language, "steps", bpmn_id)

    def step_named(self, language: str, bpmn_name: str | None) -> str | None:
        """The step the BPMN calls ``bpmn_name``, in ``language``, or None."""
        if not bpmn_name:
            return None
        for table in self.bpmn_names:
            if bpmn_name in table:
                found = self.step(language, table[bpmn_name])
                if found:
                    return found
        return None

    def outcome(self, language: str, code: str | None) -> str | None:
        """The outcome ``code`` in ``language``, or None."""
        return self._find(language, "outcomes", code)

    def lane(self, language: str, lane: str | None) -> str | None:
        """The lane named ``lane`` in the BPMN, in ``language``, or None."""
        return self._find(language, "lanes", lane)

    def modality(self, language: str, key: str | None) -> str | None:
        """The places modality ``key`` (the settings' ``[modalidades.<key>]``), or None."""
        return self._find(language, "modalities", key)

    def programme(self, language: str) -> str | None:
        """The programme's name in ``language``, or None."""
        return next((t[language]["programme"] for t in self.tables
                     if t.get(language, {}).get("programme")), None)


def to_toml(names: dict) -> str:
    """``names`` written back as a ``names.toml`` (what :func:`parse` reads)."""
    lines = ["# The programme's names in each reader's language (see engine/definitions/names.py)"]
    for language, table in names.items():
        lines += ["", f"[{language}]"]
        if table.get("programme"):
            lines.append(f"programme = {_quoted(table['programme'])}")
        for section in SECTIONS:
            if table.get(section):
                lines += ["", f"[{language}.{section}]"]
                lines += [f"{_key(k)} = {_quoted(v)}" for k, v in table[section].items()]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _quoted(key)
