"""Version 2 of Programa Familias, made from a copy of the real programme for the tests of
process versions: it drops the year-two session deadline (``sesion_anio2``: every session is
due in 45 days) and its session form asks where the session took place (``lugar_sesion``)."""

import json
import re
import shutil
from pathlib import Path

import engine
from tests.conftest import ROOT

YEAR_TWO_CHOICE = re.compile(
    r'"sesion_anio2" if meses_desde\("fecha_ingreso"\) &gt;= 12 else "sesion_anio1"')
PLACES = ["domicilio", "sede", "remota"]


def copy_familias(root: Path) -> tuple[Path, Path]:
    """A copy of ``processes/familias`` and of ``forms/`` under ``root``."""
    folder, forms = root / "processes" / "familias", root / "forms"
    shutil.copytree(ROOT / "processes" / "familias", folder)
    shutil.copytree(ROOT / "forms", forms)
    return folder, forms


def drop_year_two_deadline(folder: Path) -> None:
    """Every session, in any year, is due by ``sesion_anio1``; ``sesion_anio2`` is gone."""
    bpmn = folder / "familias.bpmn"
    text, count = YEAR_TWO_CHOICE.subn('"sesion_anio1"', bpmn.read_text(encoding="utf-8"))
    assert count == 2
    bpmn.write_text(text, encoding="utf-8")
    settings = folder / "settings.toml"
    text, count = re.subn(r"\[plazos\.sesion_anio2\].*?(?=\n\[)", "",
                          settings.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert count == 1
    settings.write_text(text, encoding="utf-8")


def ask_where_the_session_was(forms: Path) -> None:
    """The session form gets a required field ``lugar_sesion``."""
    path = forms / "familias" / "sesion.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["lugar_sesion"] = {"type": "string", "title": "Lugar de la sesión",
                                            "enum": PLACES}
    schema["required"].append("lugar_sesion")
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def familias_v2(root: Path) -> tuple[Path, engine.FormLibrary]:
    """The folder and form library of version 2."""
    folder, forms = copy_familias(root)
    drop_year_two_deadline(folder)
    ask_where_the_session_was(forms)
    return folder, engine.FormLibrary(forms)
