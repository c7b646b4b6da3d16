"""A family's transfer schedule from the Programa Familias settings (no database)."""

import tomllib
from datetime import date

from engine.programmes import transfers as rules
from engine.programmes.settings import settings_problems
from tests.conftest import ROOT

VALUES = tomllib.loads((ROOT / "processes/familias/settings.toml").read_text(encoding="utf-8"))
ADULT = {"name": "Carla", "age": 34}


def test_months_count_from_the_entry_day_clamped_to_short_months():
    entry = date(2026, 1, 31)
    assert [rules.period_start(entry, k) for k in (1, 2, 3, 14)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2027, 2, 28)]
    assert rules.period_of(entry, date(2026, 2, 27)) == 1
    assert rules.period_of(entry, date(2026, 2, 28)) == 2
    assert rules.period_of(date(2026, 3, 30), date(2028, 3, 1)) == 24


def test_the_bono_de_proteccion_steps_down_every_six_months():
    planned = [p for p in rules.schedule(VALUES, rules.Family(date(2026, 3, 30), [ADULT]))
               if p.kind == rules.PROTECTION]
    assert [(p.period, p.step, p.amount) for p in planned if p.period in (6, 7, 12, 13, 18, 19)] \
        == [(6, 1, 22_000), (7, 2, 16_800), (12, 2, 16_800), (13, 3, 11_600),
            (18, 3, 11_600), (19, 4, 6_400)]
    assert len(planned) == 24


def test_the_bono_base_is_85_percent_of_the_gap_and_nothing_without_a_gap():
    three = [ADULT, {"name": "Pedro", "age": 40}, {"name": "Ana", "age": 12}]
    base = [p for p in rules.schedule(VALUES, rules.Family(date(2026, 3, 30), three, 300_000))
            if p.kind == rules.BASE]
    assert {p.amount for p in base} == {127_500}  # 85% of 3 × 150.000 − 300.000
    rich = rules.schedule(VALUES, rules.Family(date(2026, 3, 30), three, 450_000))
    assert not [p for p in rich if p.kind == rules.BASE]


def test_the_control_nino_sano_counts_children_under_six_on_each_months_first_day():
    child = {"name": "Sofía", "birth_date": "2020-09-15"}
    planned = [p for p in rules.schedule(VALUES, rules.Family(date(2026, 3, 30), [ADULT, child]))
               if p.kind == rules.HEALTH_CHECK]
    assert [p.period for p in planned] == [1, 2, 3, 4, 5, 6]  # 6 years old on 15 September


def test_bad_transfer_settings_are_named_field_by_field():
    broken = {**VALUES, "transferencias": {**VALUES["transferencias"], "meses": -1,
                                           "proteccion": {"meses_por_tramo": 0, "montos": []}}}
    fields = {p.field for p in settings_problems(broken)}
    assert {"transferencias.meses", "transferencias.proteccion.meses_por_tramo",
            "transferencias.proteccion.montos"} <= fields
    assert not settings_problems(VALUES)
