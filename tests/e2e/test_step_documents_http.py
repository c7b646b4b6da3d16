"""Documents attached to a completed step over HTTP: upload with CSRF, served as a download
only to those who may see the case, with nosniff; bad files and big bodies refused."""

import io
import re

import pytest

from tests.e2e.conftest import csrf_of
from tests.e2e.recorded_cases import first_contact_done

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def done_step(web_app, start_case, as_person):
    """A case whose first contact Ana completed; returns (case, task)."""
    case_id = start_case()
    task_id = as_person("ana").open_tasks(case_id)["primer_contacto"]
    first_contact_done(web_app, case_id, task_id)
    return case_id, task_id


def _upload(person, task_id, content, name="carta.pdf", kind="carta_compromiso", token=True,
            token_from=None):
    page = person.get(token_from or f"/tasks/{task_id}").get_data(as_text=True)
    data = {"kind": kind, "file": (io.BytesIO(content), name)}
    if token:
        data["csrf_token"] = csrf_of(page)
    return person.client.post(f"/tasks/{task_id}/documents", data=data,
                              content_type="multipart/form-data")


def test_the_signed_letter_is_attached_and_downloaded_only_by_who_may_see_the_case(
        as_person, done_step):
    _case_id, task_id = done_step
    ana = as_person("ana")
    assert _upload(ana, task_id, PDF, "Carta firmada.pdf").status_code == 303
    page = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Documento adjuntado." in page and "Carta_firmada.pdf" in page
    link = re.search(r'href="(/documents/\d+)"', page).group(1)
    served = as_person("jorge").get(link)
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith(
        'attachment; filename="Carta_firmada.pdf"')
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in served.headers["Cache-Control"]
    assert as_person("giulia").get(link).status_code == 404
    assert as_person("giulia").get("/documents/999999").status_code == 404


def test_html_disguised_as_a_pdf_is_refused(as_person, done_step):
    _case_id, task_id = done_step
    ana = as_person("ana")
    response = _upload(ana, task_id, b"<html><script>alert(1)</script></html>", "x.pdf")
    assert response.status_code == 303
    page = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Solo se aceptan archivos PDF, PNG o JPEG." in page
    assert "/documents/" not in page


def test_uploads_need_the_csrf_token_and_the_right_person(as_person, done_step):
    _case_id, task_id = done_step
    assert _upload(as_person("ana"), task_id, PDF, token=False).status_code == 400
    assert _upload(as_person("pedro"), task_id, PDF).status_code == 403
    assert _upload(as_person("giulia"), task_id, PDF, token_from="/").status_code == 404


def test_a_body_over_the_document_limit_is_refused_with_413(as_person, done_step):
    _case_id, task_id = done_step
    response = _upload(as_person("ana"), task_id, b"%PDF-" + b"0" * (6 * 1024 * 1024))
    assert response.status_code == 413
