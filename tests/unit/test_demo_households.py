"""The demo's households pass the server's checks: their programme's household schema and
their country's national id."""

from pathlib import Path

import pytest

from engine.core import national_ids
from engine.definitions import households, manifest
from web import demo_data, demo_data_crece, demo_data_pippi, demo_data_triple_p

ROOT = Path(__file__).resolve().parents[2]
MODULES = [demo_data, demo_data_crece, demo_data_pippi, demo_data_triple_p]
COUNTRY = {code: country for m in MODULES for code, _, country, *_ in getattr(m, "TERRITORIES",
                                                                              [])}
CASES = [case for m in MODULES for case in m.DEMO_CASES]


@pytest.mark.parametrize("case", CASES, ids=[c["family"] for c in CASES])
def test_each_demo_household_is_valid_for_its_programme_and_country(case):
    schema = manifest.load(ROOT / "processes" / case["programme"]).household_schema
    country = COUNTRY[case["territory"]]
    assert households.member_errors(schema, country, case.get("members", [])) == []
    if case.get("national_id"):
        assert national_ids.id_errors("national_id", country, case["national_id"]) == []


def test_the_demo_has_households_keyed_in_chile_and_in_italy():
    keyed = {COUNTRY[c["territory"]] for c in CASES if c.get("national_id")}
    assert keyed == {"CL", "IT"}
