"""A manager redesigns Programa Familias in the modeler, in a real headless Chromium.

Marta (a manager of Antofagasta) opens the modeler, adds a call before the first contact in
the caseworker's lane, gives it a deadline in the Acompaña group of the properties panel,
sees the missing-form marker on it, creates its form there ("Crear formulario" opens the
form editor in another tab, she adds a field and saves), comes back to the modeler, where the
step has the form and the marker is gone, and publishes with a comment. A case opened
afterwards reaches the new step, whose page shows the field she created; a case opened before
stays on version 1. Screenshots land in tests/e2e/screenshots/modeler-*.png.
"""

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import process_drafts
from engine.definitions import catalog
from engine.persistence.models import HumanTask, ProcessDefinition, ProcessInstance
from tests.e2e.browsers import SHOTS, assert_no_csp_violation, new_page, sign_in
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

pytestmark = pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
FORM = "familias/llamada_previa"  # created in the form editor from the modeler
ADD_STEP = """() => {
  const m = window.acompanaModeler.bpmn;
  const reg = m.get('elementRegistry'), modeling = m.get('modeling');
  const start = reg.get('inicio'), contact = reg.get('primer_contacto');
  const lane = reg.get('carril_afi'), pool = reg.get('participante_familias');
  modeling.removeConnection(reg.get('sf_inicio_primer_contacto'));
  const shape = m.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
  const task = modeling.createShape(shape,
    { x: contact.x + contact.width / 2, y: lane.y + lane.height - 50 }, pool);
  modeling.updateProperties(task, { id: 'llamada_previa', name: 'Llamada previa' });
  modeling.connect(start, task);
  modeling.connect(task, contact);
  const timer = m.get('elementFactory').createShape(
    { type: 'bpmn:BoundaryEvent', eventDefinitionType: 'bpmn:TimerEventDefinition' });
  const reminder = modeling.createShape(timer, { x: task.x + 80, y: task.y + task.height },
    task, { attach: true });
  modeling.updateProperties(reminder, { id: 'aviso_llamada', name: 'Aviso de plazo' });
  const end = modeling.appendShape(reminder, { type: 'bpmn:EndEvent' },
    { x: reminder.x + 18, y: reminder.y + 90 });
  modeling.updateProperties(end, { name: 'Aviso enviado' });
  m.get('canvas').zoom(1);
  m.get('canvas').scrollToElement(task, { top: 200, left: 300, right: 300, bottom: 200 });
  return m.get('elementRegistry').get('carril_afi').businessObject.flowNodeRef
    .map((n) => n.id).includes('llamada_previa');
}"""

RENAME_END = """() => { const m = window.acompanaModeler.bpmn;
  const end = m.get('elementRegistry').get('aviso_llamada').outgoing[0].target;
  m.get('modeling').updateProperties(end, { name: 'Aviso de llamada enviado' }); }"""


@pytest.fixture
def manager(web_app):
    """Marta, who manages the programmes of Antofagasta."""
    with web_app.app_context():
        from engine.persistence.models import Territory

        antofagasta = db.session.scalars(select(Territory).where(
            Territory.code == "antofagasta")).one()
        db.session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                            password_hash=hash_password("correct horse battery"),
                            territories=[antofagasta]))
        db.session.commit()
    return "marta"


def steps_and_version(web_app, case_id: int) -> tuple[set[str], int]:
    with web_app.app_context():
        steps = set(db.session.scalars(select(HumanTask.bpmn_id)
                                       .where(HumanTask.case_id == case_id)))
        version = db.session.scalar(
            select(ProcessDefinition.version)
            .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
            .where(ProcessInstance.case_id == case_id))
        return steps, version


def test_a_manager_adds_a_step_with_a_deadline_and_publishes_it(
        chromium, server, web_app, start_case, manager):
    before = start_case("Antes Rojas")
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, {"width": 1400, "height": 1000})

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"modeler-{name}.png"), full_page=True)

    sign_in(page, server, manager)
    page.goto(server + "/programmes/familias/modeler")
    page.wait_for_selector("#modeler-status:has-text('revisión 1')", timeout=15_000)
    page.wait_for_selector("[data-element-id=primer_contacto]")
    shot("1-opened")

    assert page.evaluate(ADD_STEP) is True
    page.click("[data-element-id=llamada_previa]", position={"x": 20, "y": 20})
    page.click("[data-group-id=group-acompana] .bio-properties-panel-group-header")
    page.select_option("#bio-properties-panel-acompana-deadline", "__new__")  # a new deadline
    page.fill("#bio-properties-panel-acompana-deadline-amount", "5")
    page.select_option("#bio-properties-panel-acompana-deadline-unit", "habiles")
    escalation = "#bio-properties-panel-acompana-deadline-escalation"
    assert page.input_value(escalation) == "supervisor"  # unless she says otherwise
    page.select_option(escalation, "manager")  # overdue: the programme's managers are told
    page.click("[data-element-id=aviso_llamada]", force=True)  # the timer builder
    page.select_option("#bio-properties-panel-acompana-timer-mode", "reminder")
    assert page.input_value("#bio-properties-panel-acompana-timer-deadline") == "llamada_previa"
    shot("2-timer")
    page.click("#modeler-save")
    page.wait_for_selector(".djs-element.acompana-problem[data-element-id=llamada_previa]")
    problem = page.locator(".modeler__problem[data-element=llamada_previa]").first
    assert "la tarea llamada_previa no tiene formulario." in problem.inner_text()
    assert "créelo con «Crear formulario»" in problem.locator(".modeler__fix").inner_text()
    assert problem.locator("details summary").inner_text() == "Detalle técnico"
    assert "has no form" in problem.locator("details code").text_content()
    assert page.locator(".bjsl-button").inner_text().strip().startswith("Errores: ")
    shot("2-missing-form")

    problem.locator("button").click()  # the list selects the element
    assert page.input_value("#bio-properties-panel-acompana-new-form") == FORM  # suggested
    page.fill("#bio-properties-panel-acompana-new-form", "familias/revision_atraso")
    taken = page.locator("[data-entry-id=acompana-create-form] .bio-properties-panel-error")
    assert "Ya hay un formulario" in taken.inner_text()
    assert page.is_disabled("#acompana-create-form")
    page.fill("#bio-properties-panel-acompana-new-form", FORM)
    with page.context.expect_page() as opened:
        page.click("#acompana-create-form")
    editor = opened.value
    editor.wait_for_selector("#form-editor[data-ready=true]", timeout=15_000)
    assert FORM in editor.locator("h1").inner_text()
    editor.fill("#fe-form-title", "Llamada previa")
    editor.click("button[data-fe-add='/']")
    card = editor.locator(".fe-fields-box > .fe-field-list > .fe-fields > li").last
    card.locator(".fe-name").fill("resultado_llamada")
    card.locator(".fe-label").fill("Resultado de la llamada")
    card.locator(".fe-required").check()
    editor.frame_locator(".fe-preview-frame").locator("label[for=f-resultado_llamada]").wait_for()
    page.evaluate(RENAME_END)  # meanwhile the modeler's autosave saves the diagram again
    page.wait_for_selector("#modeler-status:has-text('Guardado (revisión 4)')", timeout=15_000)
    editor.click(".fe-save")
    editor.wait_for_selector(".fe-status:has-text('Formulario guardado en el borrador.')")
    editor.screenshot(path=str(SHOTS / "modeler-3-form-editor.png"), full_page=True)
    editor.click("#fe-back-modeler")  # closes the tab: back to the modeler

    page.bring_to_front()
    page.wait_for_selector("#modeler-problems-none:visible", timeout=15_000)
    assert page.locator(".djs-element.acompana-problem").count() == 0
    assert page.input_value("#bio-properties-panel-acompana-formKey") == FORM
    assert "Formulario familias/llamada_previa guardado" in page.inner_text("#modeler-notice")
    assert page.is_hidden("#modeler-alert")
    shot("3-valid")

    page.click("[data-element-id=carril_gestor]", position={"x": 300, "y": 60})  # a lane
    page.select_option("#bio-properties-panel-acompana-role", "caseworker")
    page.click("#modeler-tabs button[data-file='trayectoria.dmn']")  # the decision table
    page.wait_for_selector("#modeler-dmn .djs-container, #modeler-dmn .tjs-container")
    shot("3-dmn")
    page.click("#modeler-tabs button[data-file='familias.bpmn']")
    page.wait_for_selector("[data-element-id=llamada_previa]")
    page.fill("#modeler-comment", "Llamada previa antes del primer contacto")
    page.click("#modeler-publish")
    page.wait_for_selector("#modeler-notice:has-text('Publicada la versión 2')", timeout=20_000)
    page.wait_for_selector("#modeler-history li:has-text('publicó la versión 2')")  # no reload
    assert "Llamada previa antes del primer contacto" in page.inner_text("#modeler-history")
    shot("4-published")
    assert_no_csp_violation(page)
    page.close()

    with web_app.app_context():
        published = catalog.latest_definition(db.session, "familias")
        assert (published.version, published.comment, published.deployed_by) == (
            2, "Llamada previa antes del primer contacto", "marta")
        bpmn = db.session.get(ProcessDefinition, published.id).sources["familias.bpmn"]
        live = catalog.settings_of(catalog.programme(db.session, "familias"))
        assert live.roles["Gestor Familiar"] == "caseworker"  # the lane's role, set in the panel
        rule = live.values["plazos"]["llamada_previa"]  # the deadline defined in the panel
        assert (rule["titulo"], rule["dias"], rule["tipo"], rule["escala_a"]) == (
            "Llamada previa", 5, "habiles", "manager")
    # the XML Acompaña's processes are written in (processes/familias/familias.bpmn)
    step = bpmn[bpmn.index('<bpmn:userTask id="llamada_previa"'):]
    step = step[:step.index("</bpmn:userTask>")]
    assert f'<spiffworkflow:property name="formKey" value="{FORM}" />' in step
    assert '<spiffworkflow:property name="deadline" value="llamada_previa" />' in step
    timer = bpmn[bpmn.index('<bpmn:boundaryEvent id="aviso_llamada"'):]
    timer = timer[:timer.index("</bpmn:boundaryEvent>")]
    assert '<spiffworkflow:property name="kind" value="reminder" />' in timer
    assert '<spiffworkflow:property name="deadline" value="llamada_previa" />' in timer
    assert '>recordatorio("llamada_previa")</bpmn:timeDate>' in timer
    after = start_case("Después Soto")
    assert steps_and_version(web_app, after) == ({"llamada_previa"}, 2)
    assert steps_and_version(web_app, before) == ({"primer_contacto"}, 1)
    with web_app.app_context():
        task = db.session.scalars(select(HumanTask.id).where(HumanTask.case_id == after)).one()
    caseworker = new_page(chromium, {"width": 1200, "height": 900})
    sign_in(caseworker, server, "ana")
    caseworker.goto(f"{server}/tasks/{task}")  # the form created in the editor
    assert "Resultado de la llamada" in caseworker.inner_text("label[for=f-resultado_llamada]")
    caseworker.screenshot(path=str(SHOTS / "modeler-4-new-step-form.png"), full_page=True)
    caseworker.close()


def test_the_modeler_speaks_italian(chromium, server, web_app, manager):
    page = new_page(chromium, {"width": 1400, "height": 1000})
    sign_in(page, server, manager)
    page.goto(server + "/programmes/familias/modeler")
    page.select_option("select[name=locale]", "it")  # the language switch submits itself
    page.wait_for_selector("h1:has-text('Modellatore')")
    page.wait_for_selector("#modeler-status:has-text('Bozza aperta')", timeout=15_000)
    assert page.get_attribute(".djs-palette [data-action='create.start-event']",
                              "aria-label") == "Crea evento di inizio"
    page.evaluate("""() => { const m = window.acompanaModeler.bpmn;
      m.get('selection').select(m.get('elementRegistry').get('primer_contacto')); }""")
    page.click("[data-group-id=group-acompana] .bio-properties-panel-group-header")
    assert page.locator("label[for=bio-properties-panel-acompana-formKey]").inner_text() == "Modulo"
    assert page.locator("label[for=bio-properties-panel-acompana-deadline-escalation]"
                        ).inner_text() == "Alla scadenza, avvisare anche"
    page.evaluate("""() => { const m = window.acompanaModeler.bpmn;
      m.get('selection').select(m.get('elementRegistry').get('activar_bono')); }""")
    page.fill("#bio-properties-panel-acompana-script", "import os")  # checked while typing
    error = page.locator("[data-entry-id=acompana-script] .bio-properties-panel-error")
    error.wait_for(timeout=10_000)
    assert error.inner_text().startswith("codice non consentito (script): imports")
    page.screenshot(path=str(SHOTS / "modeler-5-italiano.png"), full_page=True)
    page.keyboard.press("Control+z")  # bpmn-js's undo (the script is back as it was)

    with web_app.app_context():  # Rosa saves the same draft meanwhile
        rosa = engine.Actor("rosa", frozenset({"manager"}), None)
        with unit_of_work(db.session):
            draft = process_drafts.current_draft(db.session, "familias", rosa)
            process_drafts.save_draft(db.session, "familias", rosa, revision=1,
                                      sources=dict(draft.sources))
    page.evaluate("""() => { const m = window.acompanaModeler.bpmn;
      m.get('modeling').updateProperties(m.get('elementRegistry').get('primer_contacto'),
                                         { name: 'Primo contatto' }); }""")
    alert = page.locator("#modeler-alert")  # the autosave meets the conflict
    alert.wait_for(timeout=15_000)
    assert "rosa ha salvato questa bozza" in alert.inner_text()
    assert page.is_disabled("#modeler-save") and page.is_disabled("#modeler-publish")
    page.wait_for_selector("#modeler-history li:has-text('rosa')")  # whose save, in the list
    page.screenshot(path=str(SHOTS / "modeler-6-conflitto.png"), full_page=True)
    page.click("#modeler-reload")  # Rosa's revision, without the change made here
    page.wait_for_selector("#modeler-status:has-text('revisione 2')")
    assert page.is_hidden("#modeler-alert") and page.is_enabled("#modeler-save")
    assert_no_csp_violation(page)
    page.close()
