"""In the browser: a manager lists the versions, opens one read-only (its diagram and its
decision table drawn), and compares the draft with its version side by side: the step
replaced is red on the left and green on the right, what changed is amber on both, a shape
only moved is dashed, and choosing a difference in the list selects it on both diagrams.
Screenshots (desktop and phone) go to tests/e2e/screenshots/."""

import json
import re

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import process_drafts
from engine.persistence.models import Territory
from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in
from tests.e2e.conftest import PASSWORD
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

MARTA = engine.Actor("marta", frozenset({"manager"}), None)
STEP_IDS = re.compile(r'((?:id|attachedToRef|sourceRef|targetRef|bpmnElement)="|'
                      r'<bpmn:flowNodeRef>)diagnostico(?=["<])')


def redrawn(xml: str) -> str:
    """The draft's diagram: the diagnosis step replaced by another (new id), the intake step
    renamed, and one end event only moved in the drawing."""
    xml, count = STEP_IDS.subn(r"\1diagnostico_integral", xml)
    assert count >= 6
    xml = xml.replace('name="Invitación, ingreso y Carta de Compromiso"',
                      'name="Ingreso y Carta de Compromiso"')
    moved = ('bpmnElement="fin_recordatorio_diagnostico"><dc:Bounds x="1107"')
    assert moved in xml
    return xml.replace(moved, moved.replace('x="1107"', 'x="1187"'))


@pytest.fixture
def draft(web_app, start_case):
    with web_app.app_context():
        territory = db.session.scalars(select(Territory).filter_by(code="antofagasta")).one()
        db.session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[territory]))
        db.session.commit()
        with unit_of_work(db.session):
            opened = process_drafts.open_draft(db.session, "familias", MARTA)
            sources = {name: redrawn(xml) if name.endswith(".bpmn") else xml
                       for name, xml in opened.sources.items()}
            process_drafts.save_draft(db.session, "familias", MARTA,
                                      revision=opened.revision, sources=sources)
    start_case("Rojas Pérez")


AMBER, RED, GREEN = "rgb(183, 121, 31)", "rgb(198, 40, 40)", "rgb(30, 138, 60)"


def stroke(page, pane: str, element_id: str) -> str:
    """The colour an element is drawn with on one of the two diagrams."""
    return page.evaluate(
        "([pane, id]) => getComputedStyle(document.querySelector("
        "`#${pane} .djs-element[data-element-id=\"${id}\"] .djs-visual > :not(defs)`)).stroke",
        [pane, element_id])


FOLLOWED = """(before) => {
  const at = (id) => (document.querySelector(`#${id} .viewport`).getAttribute('transform')
    .match(/-?[0-9.]+/g) || []).map(Number);
  const [left, right] = [at('compare-old'), at('compare-new')];
  return right.length === 6 && Math.abs(right[5] - before) > 1
    && left.every((value, i) => Math.abs(value - right[i]) < 0.5);
}"""


def numbers(matrix: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?[0-9.]+", matrix)]


def transform(page, pane: str) -> str:
    return page.locator(f"#{pane} .viewport").first.get_attribute("transform")


def element(page, pane: str, element_id: str):
    return page.locator(f'#{pane} .djs-element[data-element-id="{element_id}"]')


def classes(page, pane: str, element_id: str) -> str:
    return element(page, pane, element_id).first.get_attribute("class") or ""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_manager_compares_the_draft_with_its_version_side_by_side(chromium, server, draft,
                                                                    size):
    SHOTS.mkdir(exist_ok=True)
    page = new_page(chromium, VIEWPORTS[size])
    sign_in(page, server, "marta")
    page.goto(server + "/programmes/familias/versions")
    assert "1" in page.locator('tr[data-version="1"] .versions-running').inner_text()
    page.screenshot(path=str(SHOTS / f"{size}-versions-list.png"), full_page=True)

    page.goto(server + "/programmes/familias/versions/compare?to=draft")
    page.wait_for_selector("#compare[data-ready=true]", timeout=20000)
    assert "diff-removed" in classes(page, "compare-old", "diagnostico")
    assert "diff-added" in classes(page, "compare-new", "diagnostico_integral")
    for pane in ("compare-old", "compare-new"):
        assert "diff-changed" in classes(page, pane, "ingreso")
        assert "diff-changed" in classes(page, pane, "recordatorio_diagnostico")
        assert "diff-moved" in classes(page, pane, "fin_recordatorio_diagnostico")
        assert "diff-changed" not in classes(page, pane, "primer_contacto")
    panes = page.locator("#compare")
    differ = {kind: set((panes.get_attribute(f"data-differ-{kind}") or "").split())
              for kind in ("added", "removed", "changed")}
    assert differ["added"] == {"diagnostico_integral"}
    assert differ["removed"] == {"diagnostico"}
    assert {"ingreso", "recordatorio_diagnostico"} <= differ["changed"]
    marks = json.loads(page.locator("#compare-data").text_content())["marks"]
    assert {kind: set(ids) for kind, ids in marks.items()} == differ  # both see the same
    page.screenshot(path=str(SHOTS / f"{size}-versions-compare.png"), full_page=True)

    page.locator('.diff-goto[data-element="ingreso"]').click()
    page.wait_for_selector('#compare[data-selected="ingreso"]')
    for pane in ("compare-old", "compare-new"):
        assert "selected" in classes(page, pane, "ingreso")
    page.locator("#compare").screenshot(path=str(SHOTS / f"{size}-versions-compare-selected.png"))
    flow = "sf_activar_bono_diagnostico"
    page.locator(f'.diff-goto[data-element="{flow}"]').click()
    page.wait_for_selector(f'#compare[data-selected="{flow}"]')
    for pane in ("compare-old", "compare-new"):
        assert stroke(page, pane, flow) == AMBER
    assert stroke(page, "compare-old", "diagnostico") == RED
    assert stroke(page, "compare-new", "diagnostico_integral") == GREEN
    page.locator("#compare").screenshot(path=str(SHOTS / f"{size}-versions-compare-flow.png"))

    before = transform(page, "compare-new")
    page.locator("#compare-old").hover()
    page.mouse.wheel(0, 300)  # the left diagram scrolled: the right one follows
    page.wait_for_function(FOLLOWED, arg=numbers(before)[5])
    assert_no_csp_violation(page)
    page.close()


def test_a_version_opens_read_only_with_its_diagram_and_decision_table(chromium, server,
                                                                        draft):
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "marta")
    page.goto(server + "/programmes/familias/versions/1")
    page.wait_for_selector("[data-bpmn][data-ready=true]", timeout=20000)
    page.wait_for_selector("[data-dmn][data-ready=true]", timeout=20000)
    assert page.locator('[data-bpmn] .djs-element[data-element-id="diagnostico"]').count() == 1
    assert "Determinar trayectoria" in page.locator("[data-dmn]").inner_text()
    assert page.locator(".djs-palette").count() == 0  # a viewer: nothing to edit with
    page.screenshot(path=str(SHOTS / "desktop-version-show.png"), full_page=True)
    assert_no_csp_violation(page)
    page.close()
