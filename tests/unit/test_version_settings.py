"""A version's settings: its defaults overlaid with the live values, checked per version."""

from engine.programmes.version_settings import keep_needed, problems_in_use, resolve

SCHEMA = {
    "roles": {"Equipo": "caseworker"},
    "plazos": {"visita": {"dias": 5, "desde": "fecha_asignacion"},
               "cierre": {"meses": 22, "desde": "fecha_ingreso"}},
    "ciclos": {"revision": "P1M"},
}
LIVE = {
    "programa": {"clave": "mini", "nombre": "Mini", "pais": "CL"},
    "roles": {"Equipo": "caseworker"},
    "plazos": {"visita": {"dias": 8, "desde": "fecha_asignacion"},
               "nuevo": {"dias": 3}},
    "ciclos": {},
}


def test_a_case_reads_live_values_and_its_versions_defaults_for_keys_the_live_lost():
    resolved = resolve(SCHEMA, LIVE)
    assert resolved["plazos"] == {"visita": {"dias": 8, "desde": "fecha_asignacion"},
                                  "cierre": {"meses": 22, "desde": "fecha_ingreso"}}
    assert resolved["ciclos"] == {"revision": "P1M"}
    assert resolved["programa"] == LIVE["programa"]


def test_a_live_anchor_the_version_does_not_fill_in_keeps_the_versions():
    live = {**LIVE, "plazos": {"visita": {"dias": 8, "desde": "fecha_derivacion"}}}
    assert resolve(SCHEMA, live)["plazos"]["visita"] == {"dias": 8, "desde": "fecha_asignacion"}
    live["plazos"]["visita"]["desde"] = "inicio_paso"
    assert resolve(SCHEMA, live)["plazos"]["visita"]["desde"] == "inicio_paso"


def test_a_version_before_bundles_reads_the_live_settings():
    assert resolve(None, LIVE) is LIVE


def test_a_value_a_version_in_use_needs_cannot_be_removed():
    before = {"plazos": {"visita": {"dias": 5}}, "ciclos": {"revision": "P1M"}}
    problems = problems_in_use([(3, SCHEMA)], before, {"plazos": {}, "ciclos": {}})
    assert [(p.field, p.code, p.limit) for p in problems] == [
        ("plazos.visita", "needed_by_version", 3), ("ciclos.revision", "needed_by_version", 3)]


def test_a_changed_anchor_must_suit_each_version_in_use():
    before = {"plazos": {"visita": {"dias": 5, "desde": "fecha_asignacion"}}}
    after = {"plazos": {"visita": {"dias": 5, "desde": "fecha_derivacion"}}}
    version_two = {"plazos": {"visita": after["plazos"]["visita"]}}
    problems = problems_in_use([(1, SCHEMA), (2, version_two)], before, after)
    assert [(p.field, p.code, p.limit) for p in problems] == [
        ("plazos.visita.desde", "version_anchor", ["inicio_paso", "fecha_asignacion"])]


def test_a_redeploy_puts_back_what_running_versions_need_with_its_live_value():
    merged = {"plazos": {"visita": {"dias": 5}}}
    kept = keep_needed(merged, LIVE, [SCHEMA])
    assert kept["plazos"]["cierre"] == {"meses": 22, "desde": "fecha_ingreso"}  # default
    assert kept["plazos"]["visita"] == {"dias": 5}  # the new file's own keys are its own
    assert kept["ciclos"] == {"revision": "P1M"}
    assert merged == {"plazos": {"visita": {"dias": 5}}}
