"""A programme's manifest: what code outside the BPMN needs from its process.

``processes/<programme>/manifest.toml`` lists, per consumer (``report``: the programme's
outcome report; ``demo``: the demo data; ``deadline_texts``: how deadlines read; ``case_file``:
the assessments over time and the current plan on the case file), the steps,
outcomes and data fields it reads, and names the programme's household schema::

    household_schema = "household.schema.json"

    [report]
    outcomes = ["egreso", "desistimiento"]
    fields = ["diagnosis.matriz", "sesiones_meta"]   # "<step name>.<field>" or "<field>"

    [report.steps]          # the report's name for a step = the step's BPMN id
    diagnosis = "diagnostico"

    [demo]
    steps = ["primer_contacto"]                        # a list: each id is its own name

The reports read step ids through :func:`steps` (never a BPMN id of their own), and deploy
refuses a process that lacks something listed here (see :mod:`manifest_check`).
"""

import json
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..core.errors import InvalidProcess, ProcessProblem

FILE = "manifest.toml"
CONSUMERS = {"report": "the {programme} report", "demo": "the demo",
             "deadline_texts": "the deadline texts", "case_file": "the case file",
             "group_sessions": "the group sessions"}
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "processes"


@dataclass(frozen=True)
class Needs:
    """What one consumer reads from the process: steps by its own name, outcomes, fields."""

    consumer: str
    label: str
    steps: dict[str, str] = field(default_factory=dict)
    outcomes: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    """A programme's manifest, read from ``file``."""

    programme: str
    file: str
    needs: dict[str, Needs]
    household_schema: dict | None = None


def load(folder: Path, programme: str | None = None) -> Manifest | None:
    """The manifest of the programme folder (None when it has none); a malformed manifest
    raises :class:`InvalidProcess` naming the file and what is wrong. ``programme`` is the
    programme's key (else the folder's name)."""
    folder = Path(folder)
    programme = programme or folder.name
    path = folder / FILE
    if not path.is_file():
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise InvalidProcess([ProcessProblem(FILE, f"not valid TOML: {err}")]) from err
    problems = [ProcessProblem(FILE, f"unknown section [{name}] (known: "
                               f"{', '.join(CONSUMERS)})")
                for name, value in raw.items() if isinstance(value, dict) and name not in CONSUMERS]
    needs = {name: _needs(name, programme, raw[name], problems)
             for name in CONSUMERS if isinstance(raw.get(name), dict)}
    schema = _schema(folder, raw.get("household_schema"), problems)
    if problems:
        raise InvalidProcess(problems)
    return Manifest(programme, FILE, needs, schema)


def _needs(name: str, programme: str, table: dict, problems: list) -> Needs:
    steps = table.get("steps", {})
    if isinstance(steps, list):
        steps = {step: step for step in steps}
    needs = Needs(name, CONSUMERS[name].format(programme=programme), dict(steps),
                  tuple(table.get("outcomes", ())), tuple(table.get("fields", ())))
    for wanted in needs.fields:
        step = wanted.partition(".")[0] if "." in wanted else None
        if step is not None and step not in needs.steps:
            problems.append(ProcessProblem(FILE, f'field "{wanted}" of [{name}] names step '
                                           f'"{step}", which [{name}.steps] does not list'))
    return needs


def _schema(folder: Path, name: object, problems: list) -> dict | None:
    if name is None:
        return None
    path = folder / str(name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problems.append(ProcessProblem(FILE, f"household schema {name}: {err}"))
    return None


def root() -> Path:
    """Where the programme folders are (``ACOMPANA_PROCESSES``, else ``processes/``)."""
    return Path(os.environ.get("ACOMPANA_PROCESSES", DEFAULT_ROOT))


@cache
def for_programme(programme: str) -> Manifest | None:
    """The manifest of ``programme`` in :func:`root` (read once)."""
    return load(root() / programme)


def household_schema(programme: str) -> dict | None:
    """The programme's household schema (None: the default one applies)."""
    found = for_programme(programme)
    return found.household_schema if found else None


class StepNames(Mapping):
    """A consumer's step ids by its own names, read from the manifest when first used:
    ``STEPS = steps("familias", "report")`` then ``STEPS["diagnosis"]`` → ``"diagnostico"``."""

    def __init__(self, programme: str, consumer: str):
        self.programme, self.consumer = programme, consumer

    def _table(self) -> dict[str, str]:
        found = for_programme(self.programme)
        needs = found.needs.get(self.consumer) if found else None
        if needs is None:
            raise LookupError(f"no [{self.consumer}] steps in the manifest of "
                              f"{self.programme} ({root() / self.programme / FILE})")
        return needs.steps

    def __getitem__(self, name: str) -> str:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


def steps(programme: str, consumer: str = "report") -> StepNames:
    """The step ids ``consumer`` of ``programme`` reads, by the names its manifest gives."""
    return StepNames(programme, consumer)
