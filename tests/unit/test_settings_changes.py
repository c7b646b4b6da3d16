"""Settings changes as data: a manager's edits, what changed, and a redeploy merged in."""

import copy

import pytest

from engine.programmes.settings_changes import (
    apply_changes,
    differences,
    is_whole_period,
    merge_deployed,
)

FILE = {
    "programa": {"clave": "p", "nombre": "P", "pais": "CL"},
    "roles": {"Equipo": "caseworker"},
    "plazos": {
        "visita": {"titulo": "Visita", "dias": 10, "tipo": "habiles", "desde": "fecha_x",
                   "aviso_dias": 2},
        "cierre": {"titulo": "Cierre", "meses": 6, "desde": "fecha_x", "aviso_dias": 10},
    },
    "ciclos": {"control": "P1M"},
}


def edited(**changes) -> dict:
    changed, problems = apply_changes(FILE, changes, FILE)
    assert problems == []
    return changed


def test_a_change_leaves_the_original_untouched_and_switches_days_to_months():
    changed = edited(**{"plazos.visita.meses": 2})
    assert changed["plazos"]["visita"] == {"titulo": "Visita", "meses": 2, "tipo": "habiles",
                                           "desde": "fecha_x", "aviso_dias": 2}
    assert FILE["plazos"]["visita"]["dias"] == 10
    assert differences(FILE, changed) == [
        {"field": "plazos.visita.dias", "before": 10, "after": None},
        {"field": "plazos.visita.meses", "before": None, "after": 2}]


def test_a_deadline_may_count_from_the_step_start_or_its_deployed_field_only():
    assert edited(**{"plazos.visita.desde": "inicio_paso"})["plazos"]["visita"]["desde"] \
        == "inicio_paso"
    _, problems = apply_changes(FILE, {"plazos.visita.desde": "fecha_y"}, FILE)
    assert [(p.field, p.code, p.limit) for p in problems] == [
        ("plazos.visita.desde", "enum", ["inicio_paso", "fecha_x"])]


@pytest.mark.parametrize("period, whole", [("P1M", True), ("P14D", True), ("P1Y2M", True),
                                           ("P0D", False), ("PT1H", False), ("1M", False),
                                           ("P", False), (30, False)])
def test_cycles_are_whole_periods(period, whole):
    assert is_whole_period(period) is whole


def test_a_redeploy_keeps_manager_values_the_file_did_not_change():
    live = edited(**{"plazos.visita.dias": 15, "plazos.cierre.aviso_dias": 20,
                     "ciclos.control": "P2M"})
    new_file = copy.deepcopy(FILE)
    new_file["plazos"]["cierre"]["aviso_dias"] = 5  # the file changed this one: it wins
    new_file["plazos"]["nueva"] = {"titulo": "Nueva", "dias": 3}  # a new deadline arrives
    del new_file["plazos"]["visita"]["titulo"]  # and removed a title: the default applies
    merged = merge_deployed(live, FILE, new_file)
    assert merged["plazos"]["visita"] == {"dias": 15, "tipo": "habiles", "desde": "fecha_x",
                                          "aviso_dias": 2}
    assert merged["plazos"]["cierre"]["aviso_dias"] == 5
    assert merged["plazos"]["nueva"] == {"titulo": "Nueva", "dias": 3}
    assert merged["ciclos"] == {"control": "P2M"}


def test_a_redeploy_whose_values_clash_with_the_managers_takes_the_file_rule():
    live = edited(**{"plazos.visita.aviso_dias": 9})
    new_file = copy.deepcopy(FILE)
    new_file["plazos"]["visita"]["dias"] = 5  # a 9-day reminder would precede the start
    assert merge_deployed(live, FILE, new_file)["plazos"]["visita"] == \
        new_file["plazos"]["visita"]


def test_a_redeploy_of_the_same_file_changes_nothing():
    live = edited(**{"plazos.cierre.dias": 180})
    assert merge_deployed(live, FILE, FILE) == live
