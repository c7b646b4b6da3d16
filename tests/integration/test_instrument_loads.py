"""A manager loads the official Matriz de Bienestar into Programa Familias.

Marta uploads a CSV (or JSON) of indicators into the draft, publishes it: version 2's
bundle has the official list, its settings say the Matriz is ``oficial``, a case opened
afterwards fills a diagnosis without a provisional mark and its report figures lose the
badge, while the family whose case ran on version 1 keeps its version's list and marks. A
file with any wrong row is refused with each row and column, and nothing changes.
"""

import json

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import process_drafts as drafts
from engine.commands import reference_loads
from engine.core.errors import Conflict, InvalidInput, NotFound
from engine.definitions import instruments, versions
from engine.persistence.models import ProcessDefinition, ProcessDraft, ProgrammeEvent
from engine.reports import build_report

HEADER = "codigo;dimension;texto;programas;oficial\n"
DIMENSIONS = ("salud", "educacion", "trabajo_seguridad_social", "vivienda_entorno",
              "ingresos")


def official_csv(count: int = 63) -> str:
    """63 indicators, spread over the five dimensions, all official."""
    lines = [f"i{n};{DIMENSIONS[n % 5]};Indicador oficial número {n}.;"
             f"{'Habitabilidad|Autoconsumo' if n == 7 else ''};sí" for n in range(1, count + 1)]
    return HEADER + "\n".join(lines) + "\n"


def load(session, manager, content: str | bytes, filename: str = "matriz.csv",
         revision=None):
    data = content.encode("utf-8") if isinstance(content, str) else content
    with unit_of_work(session):
        return reference_loads.load_reference(session, "familias", manager, "matriz_bienestar",
                                              data, filename, revision=revision,
                                              fallback=engine.FormLibrary(drafts_root()))


def drafts_root():
    from tests.conftest import ROOT

    return ROOT / "forms"


def start(session, supervisor, family: str) -> int:
    command = engine.StartCase("familias", "antofagasta", "ana", family,
                               members=[{"name": "Luis Díaz", "age": 40}])
    with unit_of_work(session):
        return engine.start_case(session, command, supervisor).id


def diagnosis_of(session, case_id: int) -> dict:
    forms = versions.forms_for_case(session, case_id, engine.FormLibrary(drafts_root()))
    return forms.schema("familias/diagnostico")["properties"]["matriz"]["properties"]


def marked(grid: dict) -> list[str]:
    return [code for code, item in grid.items() if item.get("x-provenance")]


def publish(session, manager, revision: int):
    with unit_of_work(session):
        return drafts.publish_draft(session, "familias", manager, revision=revision,
                                    comment="Lista oficial de la Matriz",
                                    fallback=engine.FormLibrary(drafts_root()))


def test_the_official_list_published_reaches_new_cases_and_running_ones_keep_theirs(
        session, deployed, manager, supervisor):
    running = start(session, supervisor, "Rojas Pérez")
    assert len(marked(diagnosis_of(session, running))) == 16

    draft = load(session, manager, official_csv())
    assert draft.revision == 2
    loaded = draft.reference_data["matriz_bienestar"]
    assert len(loaded["indicadores"]) == 63 and all(i["conocido"] for i in loaded["indicadores"])
    assert loaded["indicadores"][6]["programas"] == ["Habitabilidad", "Autoconsumo"]
    assert loaded["fuente"].startswith("[src] lista oficial cargada desde «matriz.csv» por marta")
    assert [e["codigo"] for e in loaded["estados"]] == ["cumplido", "a_trabajar", "critico",
                                                        "no_aplica"]  # kept
    assert drafts.validate_draft(session, draft, engine.FormLibrary(drafts_root())) == []
    event = session.scalars(select(ProgrammeEvent).order_by(ProgrammeEvent.id.desc())).first()
    assert (event.kind, event.data["parts"], event.data["indicators"], event.data["official"]) \
        == ("draft_saved", ["references:matriz_bienestar"], 63, 63)

    result = publish(session, manager, draft.revision)
    assert (result.version, result.created) == (2, True)
    version = session.get(ProcessDefinition, result.definition_id)
    table = version.settings_schema["instrumentos"]["matriz_bienestar"]
    assert table["estado"] == "oficial" and table["fuente"].startswith("[src] ítems oficiales")

    fresh = start(session, supervisor, "Soto Díaz")
    grid = diagnosis_of(session, fresh)
    assert len(grid) == 63 and marked(grid) == []
    assert grid["i7"]["title"] == "Indicador oficial número 7."
    old = diagnosis_of(session, running)  # the running case keeps version 1's 21 indicators
    assert len(old) == 21 and len(marked(old)) == 16 and "i7" not in old


def test_the_report_marks_figures_as_long_as_a_case_they_count_is_on_a_provisional_version(
        session, deployed, manager, supervisor, territories):
    start(session, supervisor, "Rojas Pérez")
    report = build_report(session, "familias", [territories["antofagasta"].id])
    figure = report.figure("indicadores_cumplidos")
    assert (figure.provenance, figure.instrument) == ("provisional", "Matriz de Bienestar")
    assert report.figure("casos").provenance is None
    publish(session, manager, load(session, manager, official_csv()).revision)
    with unit_of_work(session):  # the version 1 case closes: only version 2 cases remain
        for case in session.scalars(select(engine.persistence.models.Case)):
            case.status, case.outcome = "closed", "no_ubicada"
    start(session, supervisor, "Soto Díaz")
    session.expire_all()
    cases = [c for c in session.scalars(select(engine.persistence.models.Case))
             if c.status != "closed"]
    assert len(cases) == 1
    report = build_report(session, "familias", [territories["antofagasta"].id])
    # the closed case on version 1 is still counted by the report: the figure keeps its mark
    assert report.figure("indicadores_cumplidos").provenance == "provisional"
    from engine.reports import marks

    only_new = marks.marked(session, report, cases)
    assert only_new.figure("indicadores_cumplidos").provenance is None


def test_a_partly_official_list_keeps_the_instrument_provisional(session, deployed, manager):
    text = official_csv(20) + "p_nuevo;salud;Texto aún provisional.;;no\n"
    draft = load(session, manager, text)
    assert [i["conocido"] for i in draft.reference_data["matriz_bienestar"]["indicadores"]
            ][-2:] == [True, False]
    result = publish(session, manager, draft.revision)
    version = session.get(ProcessDefinition, result.definition_id)
    assert version.settings_schema["instrumentos"]["matriz_bienestar"]["estado"] == \
        "provisional"
    assert marked(version.forms["schemas"]["familias/diagnostico"]["properties"]["matriz"][
        "properties"]) == ["p_nuevo"]


def test_a_spreadsheet_csv_with_accented_headers_and_commas_is_taken(session, deployed,
                                                                     manager):
    text = ("Código,Dimensión,Texto,Programas\n"
            "i1,salud,\"Inscritos, con controles al día.\",Bono Control Niño Sano\n")
    draft = load(session, manager, "\ufeff" + text)
    assert draft.reference_data["matriz_bienestar"]["indicadores"] == [
        {"codigo": "i1", "dimension": "salud", "texto": "Inscritos, con controles al día.",
         "programas": ["Bono Control Niño Sano"], "conocido": True}]


def test_a_json_list_with_its_own_dimensions_is_taken(session, deployed, manager):
    body = {"dimensiones": [{"codigo": "salud", "titulo": "Salud"},
                            {"codigo": "redes", "titulo": "Redes"}],
            "indicadores": [{"codigo": "r1", "dimension": "redes", "texto": "Tiene redes.",
                             "programas": ["Yo Trabajo (FOSIS)"]},
                            {"codigo": "s1", "dimension": "salud", "texto": "Inscrita.",
                             "conocido": True}]}
    draft = load(session, manager, json.dumps(body), "matriz.json")
    data = draft.reference_data["matriz_bienestar"]
    assert [d["codigo"] for d in data["dimensiones"]] == ["salud", "redes"]
    assert [i["codigo"] for i in data["indicadores"]] == ["r1", "s1"]


BAD_ROWS = (HEADER + "i1;salud;Bien.;;sí\n"
            "i1;salud;Repetido.;;sí\n"
            "i3;deporte;Dimensión que no existe.;;sí\n"
            ";salud;Sin código.;;sí\n"
            "i5;salud;;;sí\n"
            "i6;salud;Oficial raro.;;quizás\n"
            "mal código!;ingresos;Código con espacio.;;sí\n")
BAD_ROW_ERRORS = {("fila 3.codigo", "duplicate"), ("fila 4.dimension", "enum"),
                  ("fila 5.codigo", "required"), ("fila 6.texto", "required"),
                  ("fila 7.oficial", "enum"), ("fila 8.codigo", "pattern")}


def test_a_bad_file_is_refused_cell_by_cell_and_nothing_changes(session, deployed, manager):
    with pytest.raises(InvalidInput) as refused:  # (every kind of bad file: tests/unit)
        load(session, manager, BAD_ROWS)
    assert {(e.field, e.code) for e in refused.value.errors} == BAD_ROW_ERRORS
    assert session.scalar(select(ProcessDraft)) is None  # not even a draft was opened
    assert session.scalar(select(ProgrammeEvent)) is None


def test_a_stale_revision_is_refused_and_other_lists_are_not_found(session, deployed, manager,
                                                                    other_manager):
    seen = load(session, manager, official_csv(5)).revision  # Marta's page shows revision 2
    load(session, other_manager, official_csv(6), revision=seen)
    with pytest.raises(Conflict):
        load(session, manager, official_csv(7), revision=seen)
    draft = session.scalar(select(ProcessDraft))
    session.refresh(draft)
    assert len(draft.reference_data["matriz_bienestar"]["indicadores"]) == 6
    with pytest.raises(NotFound), unit_of_work(session):
        reference_loads.load_reference(session, "familias", manager, "../secret",
                                       b"x", "x.csv", revision=None,
                                       fallback=engine.FormLibrary(drafts_root()))


def test_a_caseworker_may_not_load_a_list(session, deployed, territories):
    ana = engine.Actor("ana", frozenset({"caseworker"}),
                       frozenset({territories["antofagasta"].id}))
    with pytest.raises(engine.NotAllowed):
        load(session, ana, official_csv(3))


@pytest.fixture
def other_manager(territories):
    """Rosa, another manager of Antofagasta."""
    return engine.Actor("rosa", frozenset({"manager"}),
                        frozenset({territories["antofagasta"].id}))


SOME_MARKED = {"familias": ("indicadores_cumplidos", "indicadores_pct"),
               "pippi": ("variazione_crescere",),
               "triple_p": ("cambio_conducta_infantil", "cuestionarios"),
               "comunidad_crece": ("tutorias", "tutorias_pct", "tutorias_por_nivel")}


def test_every_programme_declares_its_provisional_instruments_in_step_with_its_items(
        session, real_forms, territories):
    from tests.conftest import ROOT

    expected = {"familias": ("matriz_bienestar", "provisional", 16),
                "pippi": ("mondo_del_bambino", "reconstruido", 54),
                "triple_p": ("cuestionarios", "reconstruido", 6),
                "comunidad_crece": ("factores_riesgo", "provisional", 2)}
    for programme, (key, state, count) in expected.items():
        with unit_of_work(session):
            result = engine.deploy_folder(session, ROOT / "processes" / programme, real_forms,
                                          "equipo-procesos")
        version = session.get(ProcessDefinition, result.definition_id)
        found = instruments.instruments_of(version.settings_schema)
        assert [(i.key, i.state) for i in found] == [(key, state)], programme
        assert found[0].source.startswith("[default] "), programme
        bundle = versions.forms_of(session, version.id, real_forms)
        assert instruments.marked_items(found[0], bundle) == count, programme
        report = build_report(session, programme, [t.id for t in territories.values()])
        kind = "provisional" if state == "provisional" else "reconstructed"
        items = report.figures + report.breakdowns
        marked_keys = {i.key for i in items if i.provenance}
        assert marked_keys == {i.key for i in items if found[0].computes(i.key)}, programme
        assert marked_keys and {i.provenance for i in items if i.provenance} == {kind}
        assert {i.instrument for i in items if i.provenance} == {found[0].title}
        assert set(SOME_MARKED[programme]) <= marked_keys, programme


def _without_marks(node):
    if isinstance(node, dict):
        return {k: _without_marks(v) for k, v in node.items() if k != "x-provenance"}
    if isinstance(node, list):
        return [_without_marks(v) for v in node]
    return node


def test_questionnaires_saved_without_marks_in_the_form_editor_publish_as_official(
        session, real_forms, territories, manager):
    from tests.conftest import ROOT

    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "triple_p", real_forms, "equipo")
    with unit_of_work(session):
        draft = drafts.open_draft(session, "triple_p", manager)
    first = draft.forms["triple_p/cuestionarios_iniciales"]
    with unit_of_work(session):  # the form editor's save: one form of the draft
        drafts.save_form(session, "triple_p", manager, "triple_p/cuestionarios_iniciales",
                         _without_marks(first), revision=draft.revision)
    session.refresh(draft)
    table = instruments.synced(draft.settings, drafts.draft_forms(session, draft, real_forms),
                               "marta", draft.saved_at)["instrumentos"]["cuestionarios"]
    assert table["estado"] == "reconstruido"  # the final questionnaires are still marked
    last = draft.forms["triple_p/cuestionarios_finales"]
    with unit_of_work(session):
        drafts.save_form(session, "triple_p", manager, "triple_p/cuestionarios_finales",
                         _without_marks(last), revision=draft.revision)
    session.refresh(draft)
    with unit_of_work(session):
        result = drafts.publish_draft(session, "triple_p", manager, revision=draft.revision,
                                      comment="Cuestionarios oficiales", fallback=real_forms)
    version = session.get(ProcessDefinition, result.definition_id)
    table = version.settings_schema["instrumentos"]["cuestionarios"]
    assert table["estado"] == "oficial" and "marta" in table["fuente"]
    assert instruments.figure_marks(version.settings_schema) == []


def test_a_settings_file_that_says_official_while_items_are_marked_is_refused(
        session, real_forms, territories, tmp_path):
    import shutil

    from tests.conftest import ROOT

    folder = tmp_path / "familias"
    shutil.copytree(ROOT / "processes" / "familias", folder)
    text = (folder / "settings.toml").read_text(encoding="utf-8")
    (folder / "settings.toml").write_text(
        text.replace('estado = "provisional"\nreferencia = "matriz_bienestar"',
                     'estado = "oficial"\nreferencia = "matriz_bienestar"'), encoding="utf-8")
    with pytest.raises(engine.InvalidProcess) as refused, unit_of_work(session):
        engine.deploy_folder(session, folder, real_forms, "equipo")
    found = [(p.code, p.params.get("marked")) for p in refused.value.problems]
    assert found == [("process.instrument_marked", 16)]
