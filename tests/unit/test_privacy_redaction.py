"""What an erasure takes out of a value, and how long a programme keeps a closed case."""

from datetime import UTC, datetime

from engine.commands.privacy.redaction import PLACEHOLDER, Redactor, is_code
from engine.programmes import retention


def test_identifiers_go_wherever_they_are_written_ignoring_case_and_accents():
    redactor = Redactor.of(["Tomás Ibáñez", "9.876.543-3", "98765433", "ab"])
    assert redactor.text("Visita a TOMAS IBANEZ, rut 9.876.543-3.") == \
        f"Visita a {PLACEHOLDER}, rut {PLACEHOLDER}."
    assert redactor.value({"n": ["98765433", 4, True], "x": "ab"}) == \
        {"n": [PLACEHOLDER, 4, True], "x": "ab"}  # two letters are no identifier
    assert Redactor.of(["Ana"]).text("Ana vuelve mañana") == f"{PLACEHOLDER} vuelve mañana"


def test_for_a_whole_case_free_text_goes_and_codes_dates_and_numbers_stay():
    redactor = Redactor.of(["Rojas"], free_text=True)
    answers = {"matriz": {"i32": "cumplido"}, "fecha": "2026-03-04", "n": 3,
               "at": "2026-03-04T10:00:00+00:00", "nota": "La familia está bien",
               "rut": "98765433"}
    assert redactor.value(answers) == {"matriz": {"i32": "cumplido"}, "fecha": "2026-03-04",
                                       "n": 3, "at": "2026-03-04T10:00:00+00:00",
                                       "nota": PLACEHOLDER, "rut": PLACEHOLDER}
    assert redactor.internal({"event_value": "Rojas 2026"}) == \
        {"event_value": f"{PLACEHOLDER} 2026"}
    assert is_code("a_trabajar") and is_code("B") and not is_code("Carla")


def test_the_retention_rule_comes_from_the_settings_and_falls_back_to_five_years():
    rule = retention.rule_of({"retencion": {"anos_tras_cierre": 2,
                                            "actos_proteccion": ["alerta_proteccion"]}})
    assert rule.years == 2 and rule.protection_acts == {"alerta_proteccion"}
    assert rule.expires(datetime(2024, 2, 29, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert retention.rule_of({}).years == retention.DEFAULT_YEARS
    wrong = {"retencion": {"anos_tras_cierre": "cinco", "actos_proteccion": "x"}}
    assert [(p.field, p.code) for p in retention.problems(wrong)] == [
        ("retencion.anos_tras_cierre", "whole_number"), ("retencion.actos_proteccion", "type")]
    assert retention.rule_of(wrong) == retention.RetentionRule()
