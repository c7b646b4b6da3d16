"""The new-case form: a person the policy refuses for one of the programme's posts (a tutor,
a coordinator…) is told beside that post's picker, never under the family name."""

import re

from tests.e2e.conftest import PASSWORD
from tests.e2e.crece_world import add_crece

PICKER = "post-comunidad_crece-tutor"


def _field_of(page: str, field_id: str) -> str:
    """The HTML of the form field (its ``div.field``) holding the control ``field_id``."""
    start = page.rindex('<div class="field', 0, page.index(f'id="{field_id}"'))
    return page[start:page.index("</div>", start)]


def test_a_refused_tutor_is_told_beside_the_tutor_picker(web_app, as_person):
    add_crece(web_app, PASSWORD)
    rodrigo = as_person("rodrigo")
    response = rodrigo.post("/cases/new", {
        "family_name": "Rojas", "members": "Matías Rojas, 15", "programme": "comunidad_crece",
        "territory": "coquimbo", "caseworker": "valentina",
        "post:comunidad_crece:tutor": "ana"}, token_from="/cases/new")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    tutor = _field_of(page, PICKER)
    assert "field--error" in tutor and f'aria-describedby="{PICKER}-error"' in tutor
    [message] = re.findall(rf'<p class="formkit-error" id="{PICKER}-error">([^<]+)</p>', tutor)
    assert message == "Esta persona no trabaja en el territorio elegido."
    family = _field_of(page, "family_name")
    assert "formkit-error" not in family and "field--error" not in family
