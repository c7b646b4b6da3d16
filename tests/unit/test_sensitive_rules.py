"""Which answers are sensitive and who reads them (engine.policy.sensitive_rules): the
fields the real forms mark ``x-sensitive``, with the roles ``x-sensitive-roles`` names (by
default caseworkers and supervisors), asked per territory."""

import engine
from engine import policy
from tests.conftest import ROOT

FORMS = engine.FormLibrary(ROOT / "forms")
HERE, ELSEWHERE = 1, 2


def _actor(role: str, where: int = HERE) -> engine.Actor:
    return engine.Actor(role, frozenset({role}), frozenset({where}))


def test_the_real_forms_mark_income_violence_and_child_protection():
    assert policy.sensitive_fields(FORMS.schema("familias/ingreso")) == {
        "ingreso_autonomo_mensual": frozenset({"caseworker"})}
    safety = policy.sensitive_fields(FORMS.schema("pippi/valutazione_sicurezza"))
    assert set(safety) == {"misura", "data_segnalazione_autorita", "descrizione",
                           "bambino_in_famiglia"}
    assert set(policy.sensitive_fields(FORMS.schema("comunidad_crece/evaluacion_egreso"))) == {
        "nuevas_infracciones"}
    assert policy.sensitive_fields(FORMS.schema("familias/primer_contacto")) == {}


def test_a_field_is_hidden_from_roles_that_do_not_need_it_where_the_case_is():
    schema = FORMS.schema("pippi/valutazione_sicurezza")
    everything = frozenset(policy.sensitive_fields(schema))
    assert policy.hidden_fields(None, _actor("caseworker"), schema, HERE) == frozenset()
    assert policy.hidden_fields(None, _actor("supervisor"), schema, HERE) == frozenset()
    assert policy.hidden_fields(None, _actor("manager"), schema, HERE) == everything
    assert policy.hidden_fields(None, _actor("supervisor", ELSEWHERE), schema,
                                HERE) == everything
    assert policy.hidden_fields(None, engine.SYSTEM, schema, HERE) == frozenset()


def test_unknown_roles_fall_back_to_the_default_and_nested_fields_are_found():
    schema = {"properties": {"salud": {"type": "object", "properties": {
        "nota": {"type": "string", "x-sensitive": True, "x-sensitive-roles": ["nobody"]}}}}}
    assert policy.sensitive_fields(schema) == {"salud.nota": policy.sensitive_rules.
                                               DEFAULT_SENSITIVE_ROLES}


def test_the_report_csv_masks_its_sensitive_columns_for_managers_only():
    columns = ["caso", "familia", "monto_pagado", "monto_por_pagar"]
    assert policy.hidden_report_columns(None, _actor("manager"), "familias", columns) == {
        "monto_pagado", "monto_por_pagar"}
    assert policy.hidden_report_columns(None, _actor("supervisor"), "familias",
                                        columns) == frozenset()
    assert policy.hidden_report_columns(None, _actor("manager"), "triple_p",
                                        columns) == frozenset()
